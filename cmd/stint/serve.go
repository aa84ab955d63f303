package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/stinthq/stint/server"
)

// listFlag is a repeatable flag of names or addresses; a comma list counts as several.
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
// gracefully. Its settings come from flags, then STINT_* variables, then the config file,
// then the defaults (settingsList); while it runs, it applies what can change live when the
// config file changes (watchConfig).
func (c *cli) serve(ctx context.Context, args []string) error {
	fs := newFlagSet("serve")
	sf := addSettingFlags(fs)
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	rc, err := c.loadConfig(sf)
	if err != nil {
		return err
	}
	sc, err := rc.serveConfig()
	if err != nil {
		return err
	}
	log, level := newServeLogger(c.stderr, sc.logFormat, sc.level)
	base := *c // reloads read the environment as it was given, not as useConfig sets it
	c.useConfig(sc)
	ss, err := c.openServeStore(ctx, log, sc.db)
	if err != nil {
		return err
	}
	st, svc, dir := ss.store, ss.svc, ss.where
	cfg := server.Config{Addr: sc.addr, AllowedHosts: sc.live.AllowedHosts, CORSOrigins: sc.live.CORSOrigins,
		AllowSignup: sc.signup, AuthRatePerMinute: sc.live.AuthRatePerMinute, LoginLimit: sc.live.LoginLimit,
		SignupLimit: sc.live.SignupLimit, TrustedProxies: sc.proxies, Version: version, Logger: log,
		Throttle: ss.throttle}
	stopMetrics, err := startMetrics(sc.metricsAddr, &cfg, st, log)
	if err != nil {
		return errors.Join(err, st.Close())
	}
	defer stopMetrics()
	srv := server.New(svc, cfg)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("starting", "version", version, "addr", sc.addr, "data_dir", dir, "signup", sc.signup,
		"trusted_proxies", len(sc.proxies), "config_file", rc.file, "metrics_addr", sc.metricsAddr)
	var watching sync.WaitGroup
	if rc.file != "" {
		rl := &configReloader{c: &base, sf: sf, running: rc, log: log, apply: func(next serveConfig) error {
			if err := srv.SetLive(next.live); err != nil {
				return err
			}
			level.Set(next.level)
			return nil
		}}
		watching.Add(1)
		go func() {
			defer watching.Done()
			watchConfig(ctx, rc.file, log, rl.reload)
		}()
	}
	err = srv.ListenAndServe(ctx)
	stop()
	watching.Wait()
	if cerr := st.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close data: %w", cerr))
	}
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
