//go:build !headless

package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// One window per data directory: the first instance listens on a socket beside the data,
// and a second instance asks it through that socket to show its window, then exits instead
// of opening a duplicate (whose local API could not bind its port anyway).

// activateMessage is what a second instance sends.
const activateMessage = "show\n"

// activationSocket is the socket's path: in the data directory, or in the temporary
// directory when that path would be too long for a Unix socket (108 bytes on Linux).
func activationSocket(dataDir string) string {
	p := filepath.Join(dataDir, "stint.sock")
	if len(p) < 100 {
		return p
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(os.TempDir(), fmt.Sprintf("stint-%d-%s.sock", os.Getuid(), hex.EncodeToString(sum[:8])))
}

// ActivateRunning asks a Stint already running on dataDir to bring its window to the front,
// reporting whether one answered.
func ActivateRunning(dataDir string) bool {
	c, err := net.DialTimeout("unix", activationSocket(dataDir), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(activateMessage)); err != nil {
		return false
	}
	// The first instance answers once the window is shown, so the caller can exit at once.
	buf := make([]byte, 3)
	n, _ := c.Read(buf)
	return string(buf[:n]) == "ok\n"
}

// listenForActivation shows the window whenever a second instance asks. A socket left by
// an instance that crashed is replaced; failing to listen only costs this feature.
func (u *UI) listenForActivation() {
	if u.opts.DataDir == "" {
		return
	}
	path := activationSocket(u.opts.DataDir)
	l, err := net.Listen("unix", path)
	if errors.Is(err, syscall.EADDRINUSE) {
		_ = os.Remove(path) // nobody answered on it (ActivateRunning ran first): stale
		l, err = net.Listen("unix", path)
	}
	if err != nil {
		u.log.Warn("second instances cannot bring this window to the front", "err", err)
		return
	}
	// Not in u.wg: these wait for requests, not for work to finish.
	go func() {
		<-u.ctx.Done()
		l.Close() // also removes the socket file
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return // closed
			}
			u.answerActivation(c)
		}
	}()
}

// answerActivation reads a request and, when it is one, shows the window before answering.
func (u *UI) answerActivation(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, len(activateMessage))
	if n, _ := c.Read(buf); string(buf[:n]) != activateMessage {
		return
	}
	done := make(chan struct{})
	u.do(func() {
		u.log.Info("another start of stint: showing the window")
		u.showWindow()
		close(done)
	})
	select {
	case <-done:
		_, _ = c.Write([]byte("ok\n"))
	case <-u.ctx.Done():
	case <-time.After(2 * time.Second):
	}
}
