//go:build !headless

package ui

import (
	"bufio"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

func TestSessionBusAvailable(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for addr, want := range map[string]bool{
		"":                                  false,
		"unix:path=" + sock:                 true,
		"unix:path=/nonexistent/bus":        false,
		"garbage":                           false,
		"unix:path=/nope;unix:path=" + sock: true,
		"tcp:host=127.0.0.1,port=1":         false,
	} {
		if got := sessionBusAvailable(addr); got != want {
			t.Errorf("%q: %v, want %v", addr, got, want)
		}
	}
}

// TestTrayHostPresent runs a private session bus and plays the tray host on it.
func TestTrayHostPresent(t *testing.T) {
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon is not installed")
	}
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr = strings.TrimSpace(addr)
	if !sessionBusAvailable(addr) {
		t.Fatalf("bus at %q not seen", addr)
	}
	if bus, host := trayHostPresent(addr); !bus || host {
		t.Fatalf("empty bus: bus %v host %v, want a bus without a tray host", bus, host)
	}
	host, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if reply, err := host.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("claim watcher name: %v %v", reply, err)
	}
	if bus, host := trayHostPresent(addr); !bus || !host {
		t.Fatalf("bus %v host %v, want both", bus, host)
	}
	if bus, host := trayHostPresent("unix:path=/nonexistent/bus"); bus || host {
		t.Fatal("a missing bus was taken for one")
	}
}
