//go:build !headless

package ui

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// logFileName is the desktop app's log in the data directory; Settings shows where it is,
// and error messages point to it.
const logFileName = "stint.log"

// maxLogBytes is how large the log may grow before the next start moves it to stint.log.1.
const maxLogBytes = 1 << 20

// openLogFile opens the log in dir for appending, after setting a large one aside.
func openLogFile(dir string) (string, *os.File, error) {
	path := filepath.Join(dir, logFileName)
	if st, err := os.Stat(path); err == nil && st.Size() > maxLogBytes {
		if err := os.Rename(path, path+".1"); err != nil {
			return "", nil, fmt.Errorf("set the old log aside: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("open log: %w", err)
	}
	return path, f, nil
}

// withLogFile makes opts.Logger also write to the log file in the data directory (where a
// user started from a menu can find it) and records its path in opts.LogFile. What our
// dependencies print through the standard log package (Fyne, the tray) goes to the file
// only (see stdLog). The returned function puts the standard log back and closes the file.
func withLogFile(opts *Options) func() {
	if opts.DataDir == "" || opts.Logger == nil {
		return func() {}
	}
	path, f, err := openLogFile(opts.DataDir)
	if err != nil {
		opts.Logger.Warn("no log file", "err", err)
		return func() {}
	}
	// The file takes what standard error takes (--log-level), at least warnings.
	level := slog.LevelWarn
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		if opts.Logger.Enabled(context.Background(), l) {
			level = l
			break
		}
	}
	file := slog.NewTextHandler(f, &slog.HandlerOptions{Level: level})
	opts.Logger = slog.New(slog.NewMultiHandler(opts.Logger.Handler(), file))
	opts.LogFile = path
	restore := routeStdLog(file)
	return func() {
		restore()
		f.Close()
	}
}

// routeStdLog sends the standard log package's output to h instead of standard error until
// the returned function runs. Fyne and the tray library report there what a user cannot act
// on and a terminal should not show (a file dialog on a machine without user folders, a tray
// host that is not there); it stays in the log file for whoever looks into a problem.
func routeStdLog(h slog.Handler) func() {
	out, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(&stdLog{h: h})
	log.SetFlags(0)
	log.SetPrefix("")
	return func() {
		log.SetOutput(out)
		log.SetFlags(flags)
		log.SetPrefix(prefix)
	}
}

// expectedNoise are the starts of lines the dependencies print in situations Stint expects
// and handles, logged at debug level; anything else they print is a warning.
var expectedNoise = []string{
	"Fyne error:  Getting favorite locations", // no Documents, Videos… folders (XDG user dirs)
	"Fyne error:  Preferences load error",     // an empty preferences file read while quitting
	"systray error: failed to register",       // a session bus with no StatusNotifierWatcher
}

// stdLog is the standard log's writer: each line a record from "dependency". Fyne reports
// an error on several lines (the reason, then "  Cause:" and "  At:"); an indented line
// takes the level of the line before it.
type stdLog struct {
	h     slog.Handler
	mu    sync.Mutex
	level slog.Level
}

func (w *stdLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, line := range bytes.Split(bytes.TrimRight(p, "\n"), []byte("\n")) {
		text := string(line)
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !strings.HasPrefix(text, " ") {
			w.level = slog.LevelWarn
			for _, n := range expectedNoise {
				if strings.HasPrefix(text, n) {
					w.level = slog.LevelDebug
				}
			}
		}
		ctx := context.Background()
		if !w.h.Enabled(ctx, w.level) {
			continue
		}
		r := slog.NewRecord(time.Now(), w.level, strings.TrimSpace(text), 0)
		r.AddAttrs(slog.String("from", "dependency"))
		if err := w.h.Handle(ctx, r); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
