//go:build !headless

package ui

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
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
// user started from a menu can find it) and records its path in opts.LogFile. The returned
// function closes the file.
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
	return func() { f.Close() }
}
