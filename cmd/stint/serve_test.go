//go:build unix

package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeBinary builds the real executable, runs "stint serve" on a free loopback port,
// waits for /healthz, sends SIGTERM and expects a clean exit.
func TestServeBinary(t *testing.T) {
	bin := buildStint(t)
	dir := t.TempDir()

	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	data := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", data)
	cmd.Env = append(os.Environ(), "STINT_LOG_LEVEL=info", "STINT_ADDR=", "STINT_DATA=", "STINT_ALLOWED_HOSTS=", "STINT_SIGNUP=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	})

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("stint serve exited before it was healthy: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not OK after 30s (last error %v)", err)
		}
	}
	if fi, err := os.Stat(filepath.Join(data, dbFileName)); err != nil {
		t.Errorf("database: %v", err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stint serve after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("stint serve did not exit within 20s of SIGTERM\n%s", stderr.String())
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"starting"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s (stderr is not a terminal, so they are JSON):\n%s", want, logs)
		}
	}
}

// freePort asks the kernel for a loopback port that is free right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
