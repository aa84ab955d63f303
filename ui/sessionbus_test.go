//go:build !headless

package ui

import (
	"net"
	"path/filepath"
	"testing"
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
