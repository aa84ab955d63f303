package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/stinthq/stint/server"
)

// listFlag is a repeatable flag of names or addresses; a comma list counts as several. The
// first use on the command line replaces the list taken from the environment.
type listFlag struct {
	items    []string
	fromFlag bool
}

func (h *listFlag) String() string { return strings.Join(h.items, ",") }

func (h *listFlag) Set(v string) error {
	if !h.fromFlag {
		h.items, h.fromFlag = nil, true
	}
	h.items = append(h.items, splitList(v)...)
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// serve runs the headless API until SIGINT or SIGTERM (or ctx ends), then shuts it down
// gracefully.
func (c *cli) serve(ctx context.Context, args []string) error {
	fs := newFlagSet("serve")
	addr := fs.String("addr", c.getenv("STINT_ADDR", defaultAddr), "listen address")
	hosts := &listFlag{items: splitList(c.env("STINT_ALLOWED_HOSTS"))}
	fs.Var(hosts, "allowed-host", "allowed Host header")
	noSignup := fs.Bool("no-signup", false, "refuse signups")
	logLevel := fs.String("log-level", c.getenv("STINT_LOG_LEVEL", "info"), "log level")
	db := fs.String("db", c.getenv("STINT_DB", ""), "postgres:// DSN (stint db setup prints it); default SQLite in the data directory")
	limits := c.limitFlags(fs)
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	cfg, err := limits.config()
	if err != nil {
		return err
	}
	signup := !*noSignup
	if v := c.getenv("STINT_SIGNUP", ""); v != "" && signup {
		var err error
		if signup, err = strconv.ParseBool(v); err != nil {
			return usagef("STINT_SIGNUP=%q: use true or false", v)
		}
	}
	level, err := parseLevel(*logLevel)
	if err != nil {
		return err
	}
	log := newLogger(c.stderr, level)
	ss, err := c.openServeStore(ctx, log, *db)
	if err != nil {
		return err
	}
	st, svc, dir := ss.store, ss.svc, ss.where
	cfg.Addr, cfg.AllowedHosts, cfg.AllowSignup, cfg.Version, cfg.Logger = *addr, hosts.items, signup, version, log
	cfg.Throttle = ss.throttle
	srv := server.New(svc, cfg)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("starting", "version", version, "addr", *addr, "data", dir, "signup", signup,
		"trusted_proxies", len(cfg.TrustedProxies))
	err = srv.ListenAndServe(ctx)
	if cerr := st.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close data: %w", cerr))
	}
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
