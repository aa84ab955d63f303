//go:build !headless

package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/stinthq/stint/activity"
	"net"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
	"github.com/stinthq/stint/ui"
)

// desktop opens the desktop app on the data directory's store, with the local API on a
// loopback address so the CLI and scripts can drive the same timer.
func (c *cli) desktop(ctx context.Context, args []string) error {
	fs := newFlagSet("desktop")
	addr := fs.String("addr", c.getenv("STINT_ADDR", defaultAddr), "local API address")
	logLevel := fs.String("log-level", c.getenv("STINT_LOG_LEVEL", "info"), "log level")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if err := loopbackAddr(*addr); err != nil {
		return err
	}
	level, err := parseLevel(*logLevel)
	if err != nil {
		return err
	}
	if err := ui.CheckDisplay(); err != nil {
		return fmt.Errorf("%w; the desktop app needs a graphical session (run 'stint serve' for the API alone)", err)
	}
	log := newLogger(c.stderr, level)
	// One window per data directory: a second start brings the first one's to the front.
	if dir, err := c.dataDir(); err == nil && ui.ActivateRunning(dir) {
		log.Info("stint is already running on this data; its window was brought to the front", "data_dir", dir)
		return nil
	}
	st, svc, dir, err := c.openServiceWith(ctx, log, desktopStore())
	if err != nil {
		return err
	}

	// The local API runs beside the window; when its port is taken (another instance, or
	// "stint serve"), the window still opens and Settings says why the API is not running.
	// It listens at once, so the CLI finds it, but its routes and OpenAPI document are built
	// on the first request: most desktop users never send one.
	srv := server.NewLazy(svc, server.Config{Addr: *addr, Version: version, Logger: log})
	apiCtx, stopAPI := context.WithCancel(ctx)
	var api apiState
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.ListenAndServe(apiCtx); err != nil && apiCtx.Err() == nil {
			api.set(err)
			log.Warn("local API not running", "addr", *addr, "err", err)
		}
	}()
	// The background sync runs beside the window while this data directory is connected
	// to a team server; the window shows its state and kicks it after a connect.
	worker := app.NewSyncWorker(svc, app.SyncWorkerOptions{Tokens: app.RemoteTokenFile(dir), Dial: stintsync.Dial, Logger: log})
	syncCtx, stopSync := context.WithCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = worker.Run(syncCtx)
	}()
	exe, _ := os.Executable()
	log.Info("starting desktop", "version", version, "data_dir", dir, "api", *addr)
	err = ui.Run(ctx, ui.Options{
		Service:         svc,
		DataDir:         dir,
		APIAddr:         *addr,
		APIStatus:       api.get,
		DefaultName:     ownerName(c.env),
		DefaultTimezone: localTimezone(c.env),
		Executable:      exe,
		Version:         version,
		Logger:          log,
		Sync:            worker,
		Activity:        activity.OpenIdle,
		Tracker:         app.NewActivityTracker(svc, activity.Open, log),
		SignIn:          teamSignIn,
		Publish:         teamPublish,
		TeamCatalog:     teamCatalog,
	})
	stopSync()
	stopAPI()
	wg.Wait()
	if cerr := st.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close data: %w", cerr))
	}
	return err
}

// desktopStore sizes the desktop's store for one user, who keeps the window open for hours:
// the server's pools (up to 2×GOMAXPROCS readers, each with a page cache of 2 MB, never
// closed) are sized for concurrent requests. The window polls once a second, so one reader
// stays open and warm; a second serves the local API or the sync worker beside it, and any
// connection idle for a while is closed, its cache and statements with it. A workspace's
// indexed lookups touch a few hundred KB of pages.
func desktopStore() sqlite.Options {
	return sqlite.Options{Readers: 2, IdleClose: 30 * time.Second, CacheKiB: 512}
}

// teamSignIn signs in to a team server for the desktop's connect dialog: with an account's
// e-mail and password, or by accepting an invitation code as a new account.
func teamSignIn(ctx context.Context, in ui.TeamSignIn) (ui.TeamSession, error) {
	base, err := stintsync.NormalizeURL(in.URL)
	if err != nil {
		return ui.TeamSession{}, err
	}
	var sess app.Session
	if in.Code != "" {
		sess, err = stintsync.AcceptInvitation(ctx, nil, base, "", in.Code, in.Name, in.Password, in.Timezone)
	} else {
		sess, err = stintsync.Login(ctx, nil, base, in.Email, in.Password, uuid.Nil)
	}
	return ui.TeamSession{URL: base, Session: sess}, err
}

// teamPublish makes the desktop's local workspace a new team on a server. A workspace
// published before whose owner signs in with the same e-mail and password carries on, as
// with 'stint remote login --publish'.
func teamPublish(ctx context.Context, url string, in app.PublishInput) (ui.TeamSession, error) {
	base, err := stintsync.NormalizeURL(url)
	if err != nil {
		return ui.TeamSession{}, err
	}
	sess, err := stintsync.Publish(ctx, nil, base, in)
	if errors.Is(err, app.ErrConflict) {
		if again, lerr := stintsync.Login(ctx, nil, base, in.Email, in.Password, in.TenantID); lerr == nil && again.Tenant.ID == in.TenantID {
			return ui.TeamSession{URL: base, Session: again}, nil
		}
	}
	return ui.TeamSession{URL: base, Session: sess}, err
}

// teamCatalog reads the signed-in organization's catalog and the user's role there, for
// the desktop's join.
func teamCatalog(ctx context.Context, ts ui.TeamSession) (app.TeamCatalog, error) {
	r, err := stintsync.NewRemote(ts.URL, ts.Session.Token, nil)
	if err != nil {
		return app.TeamCatalog{}, err
	}
	return r.Catalog(ctx, ts.Session.Organization.ID)
}

// apiState remembers why the local API stopped, for the settings screen.
type apiState struct {
	mu  sync.Mutex
	err error
}

func (s *apiState) set(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

func (s *apiState) get() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// loopbackAddr refuses a local API address other machines could reach: the desktop's API
// is for this machine's CLI and scripts only ("stint serve" is for sharing).
func loopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("desktop: --addr %q: want HOST:PORT", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return usagef("desktop: --addr %q: the desktop app serves its API on a loopback address only (use 'stint serve' to share it)", addr)
	}
	return nil
}
