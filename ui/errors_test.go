//go:build !headless

package ui

import (
	"bytes"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenFolderWithoutXdgOpen: when no program opens folders, the message says what went
// wrong and what to do (the path is on the clipboard), not "Something went wrong".
func TestOpenFolderWithoutXdgOpen(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.apps.openErr = &exec.Error{Name: "xdg-open", Err: exec.ErrNotFound}
	h.u.show(7)
	h.wait()
	h.u.settings.onOpenDir()
	h.wait()
	text := h.overlayText()
	for _, want := range []string{"could not be opened", "xdg-open", "on the clipboard", "install xdg-utils"} {
		if !strings.Contains(text, want) {
			t.Errorf("message lacks %q: %q", want, text)
		}
	}
	if strings.Contains(text, "Something went wrong") {
		t.Errorf("vague message: %q", text)
	}
	if got := h.fyne.Clipboard().Content(); got != h.u.opts.DataDir {
		t.Errorf("clipboard %q, want the data folder %q", got, h.u.opts.DataDir)
	}
}

// TestUnexpectedErrorsNameTheLog: an error the UI has no words for says what failed and
// where the log is, which Settings shows too.
func TestUnexpectedErrorsNameTheLog(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(7)
	h.wait()
	if got := h.u.settings.logFile.Text; got != h.u.opts.LogFile || got == "" {
		t.Fatalf("settings show the log as %q, want %q", got, h.u.opts.LogFile)
	}
	h.u.showError(os.ErrPermission)
	text := h.overlayText()
	if !strings.Contains(text, "permission denied") || !strings.Contains(text, h.u.opts.LogFile) {
		t.Fatalf("message %q", text)
	}
}

// TestLogFile: the desktop's log goes to the data folder as well as where it went before.
func TestLogFile(t *testing.T) {
	var stderr bytes.Buffer
	dir := t.TempDir()
	opts := Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&stderr, nil))}
	closeLog := withLogFile(&opts)
	opts.Logger.Info("hello from the window")
	closeLog()
	if opts.LogFile != filepath.Join(dir, logFileName) {
		t.Fatalf("log file %q", opts.LogFile)
	}
	b, err := os.ReadFile(opts.LogFile)
	if err != nil || !strings.Contains(string(b), "hello from the window") || !strings.Contains(stderr.String(), "hello from the window") {
		t.Fatalf("file %q (%v), stderr %q", b, err, stderr.String())
	}
	if st, _ := os.Stat(opts.LogFile); st.Mode().Perm() != 0o600 {
		t.Fatalf("log mode %v", st.Mode().Perm())
	}
}

// TestLogFileFollowsTheLogLevel: --log-level debug reaches the file as it reaches stderr.
func TestLogFileFollowsTheLogLevel(t *testing.T) {
	var stderr bytes.Buffer
	opts := Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	closeLog := withLogFile(&opts)
	opts.Logger.Debug("a debug line")
	closeLog()
	if b, err := os.ReadFile(opts.LogFile); err != nil || !strings.Contains(string(b), "a debug line") {
		t.Fatalf("file %q (%v); want the debug line stderr got: %q", b, err, stderr.String())
	}
}
