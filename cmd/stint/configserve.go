package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strconv"

	"github.com/stinthq/stint/server"
)

// serveConfig is the resolved configuration in the types "stint serve" uses.
type serveConfig struct {
	addr, dataDir, db, metricsAddr, logFormat string
	level                                     slog.Level
	signup                                    bool
	proxies                                   []netip.Prefix
	live                                      server.Live // what a running server may change
}

// serveConfig converts the resolved values, each already checked by its setting.
func (r *resolvedConfig) serveConfig() (serveConfig, error) {
	sc := serveConfig{addr: r.get(keyAddr), dataDir: r.get(keyDataDir), db: r.get(keyDB),
		metricsAddr: r.get(keyMetricsAddr), logFormat: r.get(keyLogFormat)}
	var err error
	if sc.level, err = parseLevel(r.get(keyLogLevel)); err != nil {
		return sc, err
	}
	if sc.signup, err = strconv.ParseBool(r.get(keySignup)); err != nil {
		return sc, fmt.Errorf("signup: %w", err)
	}
	if sc.proxies, err = server.ParseTrustedProxies(splitList(r.get(keyTrustedProxies))); err != nil {
		return sc, err
	}
	sc.live.AllowedHosts = splitList(r.get(keyAllowedHosts))
	sc.live.CORSOrigins = splitList(r.get(keyCORSOrigins))
	if sc.live.AuthRatePerMinute, err = strconv.Atoi(r.get(keyAuthRate)); err != nil {
		return sc, fmt.Errorf("auth_rate: %w", err)
	}
	if sc.live.LoginLimit, err = parseLimit(r.get(keyLoginLimit)); err != nil {
		return sc, fmt.Errorf("login_limit: %w", err)
	}
	if sc.live.SignupLimit, err = parseLimit(r.get(keySignupLimit)); err != nil {
		return sc, fmt.Errorf("signup_limit: %w", err)
	}
	return sc, nil
}

// newServeLogger is the server's logger in the configured format ("auto": text on a
// terminal, JSON otherwise) at a level that can change while it runs.
func newServeLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, *slog.LevelVar) {
	lv := new(slog.LevelVar)
	lv.Set(level)
	opts := &slog.HandlerOptions{Level: lv}
	if format == "text" || (format == "auto" && isTerminal(w)) {
		return slog.New(slog.NewTextHandler(w, opts)), lv
	}
	return slog.New(slog.NewJSONHandler(w, opts)), lv
}

// useConfig makes the resolved data directory and database what the rest of this
// invocation reads: the code that opens the store takes them from STINT_DATA and STINT_DB,
// which a flag already overrides the same way (takeRootFlags).
func (c *cli) useConfig(sc serveConfig) {
	env := c.env
	set := map[string]string{"STINT_DATA": sc.dataDir, "STINT_DB": sc.db}
	c.env = func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return env(k)
	}
}
