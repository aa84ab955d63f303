package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// workspace is the local workspace a CLI command works on: the service over the data
// directory's store, the owner acting, and the zone days are counted in (app.PickZone's
// rule: the user's, else the workspace's; never this machine's).
type workspace struct {
	svc   *app.Service
	actor app.Actor
	tz    string
	loc   *time.Location
	store *sqlite.Store
}

// Close releases the store.
func (w *workspace) Close() error { return w.store.Close() }

// openService opens the data directory's store (creating and migrating it as needed) and the
// services over it, and moves a plain local API token out of the database; the caller closes the store. It returns the directory for messages.
func (c *cli) openService(ctx context.Context, log *slog.Logger) (*sqlite.Store, *app.Service, string, error) {
	return c.openServiceWith(ctx, log, sqlite.Options{})
}

// openServiceWith is openService with the store's connections sized by opts.
func (c *cli) openServiceWith(ctx context.Context, log *slog.Logger, opts sqlite.Options) (*sqlite.Store, *app.Service, string, error) {
	dir, err := c.dataDir()
	if err != nil {
		return nil, nil, "", err
	}
	st, err := sqlite.OpenWith(ctx, filepath.Join(dir, dbFileName), opts)
	if err != nil {
		return nil, nil, "", fmt.Errorf("open data in %s: %w", dir, err)
	}
	svc := app.New(st, app.Options{Clock: c.clock, Logger: log, DurableHLC: true, ScreenshotDir: filepath.Join(dir, app.ScreenshotDirName)})
	// Earlier versions kept the local API token in plain text in the database.
	if err := svc.UpgradeLocalToken(ctx, app.LocalTokenFile(dir)); err != nil {
		return nil, nil, "", errors.Join(fmt.Errorf("move the local API token out of the database: %w", err), st.Close())
	}
	return st, svc, dir, nil
}

// openWorkspace opens the data directory's store directly (no server needed) and returns its
// local workspace, creating it on first use.
func (c *cli) openWorkspace(ctx context.Context) (*workspace, error) {
	level, err := parseLevel(c.getenv("STINT_LOG_LEVEL", "warn"))
	if err != nil {
		return nil, err
	}
	st, svc, dir, err := c.openService(ctx, newLogger(c.stderr, level))
	if err != nil {
		return nil, err
	}
	// A new workspace starts in this machine's zone; after that the user's zone (else the
	// workspace's) rules, as in the window, whatever zone this process runs in.
	actor, created, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: ownerName(c.env), Organization: "Personal", Timezone: localTimezone(c.env)})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("local workspace: %w", err), st.Close())
	}
	loc, tz, err := svc.UserZone(ctx, actor)
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	if created {
		c.note("Created a local workspace in %s (time zone %s).\n", dir, tz)
	}
	return &workspace{svc: svc, actor: actor, tz: tz, loc: loc, store: st}, nil
}

// apiToken runs "stint api-token": it prints the local API token, rotating it first with
// --rotate.
func (c *cli) apiToken(ctx context.Context, args []string) error {
	fs := newFlagSet("api-token")
	rotate := fs.Bool("rotate", false, "replace the token")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	dir, err := c.dataDir()
	if err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		get := w.svc.LocalAPIToken
		if *rotate {
			get = w.svc.RotateLocalAPIToken
		}
		tok, err := get(ctx, w.actor, app.LocalTokenFile(dir))
		if err != nil {
			return err
		}
		if *rotate {
			c.note("The old local API token no longer works.\n")
		}
		if *asJSON {
			return c.printJSON(map[string]string{"token": tok})
		}
		fmt.Fprintln(c.stdout, tok)
		return nil
	})
}

// withWorkspace runs fn on the local workspace and closes it after.
func (c *cli) withWorkspace(ctx context.Context, fn func(*workspace) error) (err error) {
	w, err := c.openWorkspace(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close data: %w", cerr)
		}
	}()
	return fn(w)
}

// now is the current time in the workspace's zone.
func (w *workspace) now() time.Time { return w.svc.Now().In(w.loc) }

// projectByName finds a project by name, saying how to create it when there is none.
func (w *workspace) projectByName(ctx context.Context, name string) (app.Project, error) {
	p, err := w.svc.ProjectByName(ctx, w.actor, name)
	if errors.Is(err, app.ErrNotFound) {
		return app.Project{}, notFoundf("no project named %q; create it with: stint projects add %q", name, name)
	}
	return p, err
}

// allProjects reads every page of the project list.
func (w *workspace) allProjects(ctx context.Context, includeArchived bool) ([]app.Project, error) {
	return app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) {
		return w.svc.Projects(ctx, w.actor, lp, includeArchived)
	})
}
