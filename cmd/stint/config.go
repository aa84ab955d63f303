package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
)

// Defaults.
const (
	defaultAddr = "127.0.0.1:8736"
	dbFileName  = "stint.db"
)

// getenv returns the environment variable key, or def when it is unset or empty.
func (c *cli) getenv(key, def string) string {
	if v := strings.TrimSpace(c.env(key)); v != "" {
		return v
	}
	return def
}

// dataDir resolves the data directory ($STINT_DATA, which the root flag --data overrides,
// then the user's data directory) and creates it, private to the user.
func (c *cli) dataDir() (string, error) {
	dir := c.getenv("STINT_DATA", "")
	if dir == "" {
		var err error
		if dir, err = userDataDir(runtime.GOOS, c.env); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	return dir, nil
}

// userDataDir is where an installation keeps its data by the platform's convention.
func userDataDir(goos string, env func(string) string) (string, error) {
	home := env("HOME")
	switch goos {
	case "windows":
		if d := env("LocalAppData"); d != "" {
			return filepath.Join(d, "Stint"), nil
		}
		if p := env("USERPROFILE"); p != "" {
			return filepath.Join(p, "AppData", "Local", "Stint"), nil
		}
	case "darwin", "ios":
		if home != "" {
			return filepath.Join(home, "Library", "Application Support", "Stint"), nil
		}
	default:
		if d := env("XDG_DATA_HOME"); filepath.IsAbs(d) {
			return filepath.Join(d, "stint"), nil
		}
		if home != "" {
			return filepath.Join(home, ".local", "share", "stint"), nil
		}
	}
	return "", fmt.Errorf("cannot find a data directory: set --data or STINT_DATA")
}

// parseLevel reads a log level name.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, usagef("log level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger logs to w: JSON for machines (service managers, pipes), text for a terminal.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// localTimezone names this machine's IANA time zone: $TZ, else /etc/timezone, else the
// /etc/localtime symlink; UTC when none names a zone Go can load.
func localTimezone(env func(string) string) string {
	candidates := []string{strings.TrimPrefix(env("TZ"), ":")}
	if b, err := os.ReadFile("/etc/timezone"); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(b)))
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		candidates = append(candidates, target)
	}
	for _, name := range candidates {
		if i := strings.LastIndex(name, "zoneinfo/"); i >= 0 {
			name = name[i+len("zoneinfo/"):]
		}
		name = strings.TrimSpace(name)
		if name == "" || name == "Local" || filepath.IsAbs(name) {
			continue
		}
		if _, err := time.LoadLocation(name); err == nil {
			return name
		}
	}
	return "UTC"
}

// ownerName is what the local workspace calls its owner: the OS user's full name, else the
// login name.
func ownerName(env func(string) string) string {
	if u, err := user.Current(); err == nil {
		if n := strings.TrimSpace(u.Name); n != "" {
			return n
		}
		if n := strings.TrimSpace(u.Username); n != "" {
			return n
		}
	}
	for _, key := range []string{"USER", "USERNAME", "LOGNAME"} {
		if n := strings.TrimSpace(env(key)); n != "" {
			return n
		}
	}
	return "Me"
}

func defaultLoginLimit() app.Limit {
	return app.Limit{Burst: server.DefaultLoginBurst, Every: server.DefaultLoginEvery}
}

func defaultSignupLimit() app.Limit {
	return app.Limit{Burst: server.DefaultSignupBurst, Every: server.DefaultSignupEvery}
}

// parseLimit reads BURST/INTERVAL: "5/1m" allows 5 attempts at once, then one a minute.
func parseLimit(s string) (app.Limit, error) {
	b, d, ok := strings.Cut(strings.TrimSpace(s), "/")
	burst, berr := strconv.Atoi(b)
	every, derr := time.ParseDuration(d)
	if !ok || berr != nil || derr != nil || burst < 1 || every < time.Second {
		return app.Limit{}, fmt.Errorf("%q: want BURST/INTERVAL such as 5/1m (at least 1 attempt, interval at least 1s)", s)
	}
	return app.Limit{Burst: burst, Every: every}, nil
}

// formatLimit writes a limit as parseLimit reads it, its interval without trailing zero
// units ("5/10m", not "5/10m0s").
func formatLimit(l app.Limit) string {
	every := l.Every.String()
	if strings.HasSuffix(every, "m0s") {
		every = strings.TrimSuffix(every, "0s")
	}
	if strings.HasSuffix(every, "h0m") {
		every = strings.TrimSuffix(every, "0m")
	}
	return fmt.Sprintf("%d/%s", l.Burst, every)
}
