package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// The store `stint serve` runs on: SQLite in the data directory by default, or PostgreSQL
// when --db (STINT_DB) is a postgres:// DSN, for a team server with several instances on one
// database. `stint db setup` prepares such a database once.

// isPostgresDSN reports whether dsn names a PostgreSQL database: a postgres:// URL or a
// keyword/value DSN (host=… dbname=…), as the config file's check accepts.
func isPostgresDSN(dsn string) bool {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return true
	}
	return !strings.Contains(dsn, "://") && strings.Contains(dsn, "=")
}

// redactDSN is dsn without its password, for messages and logs.
func redactDSN(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return maskDSN(dsn)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(a DSN that is not a valid URL)"
	}
	return u.Redacted()
}

// pgError makes a PostgreSQL error one readable line: pgx lists each address it tried on
// a line of its own. A database that cannot be reached gets a hint.
func pgError(err error) error {
	msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), ":\n\t", ": ")), " ")
	if errors.Is(err, app.ErrUnavailable) {
		msg += " (is PostgreSQL running, and are the DSN's host, port and database right?)"
	}
	return &readableError{msg: msg, err: err}
}

// readableError is err with a message of its own; errors.Is still sees err's sentinels.
type readableError struct {
	msg string
	err error
}

func (e *readableError) Error() string { return e.msg }
func (e *readableError) Unwrap() error { return e.err }

// serveStore is what serve runs on.
type serveStore struct {
	store app.Store
	svc   *app.Service
	// where names the database for the log: the data directory or the redacted DSN.
	where string
	// throttle is shared by every instance on the database; nil: the server's own in memory.
	throttle app.Throttle
}

// openServeStore opens the store serve runs on: the data directory's SQLite database when
// dsn is empty, else the PostgreSQL database dsn names.
func (c *cli) openServeStore(ctx context.Context, log *slog.Logger, dsn string) (*serveStore, error) {
	if dsn == "" {
		st, svc, dir, err := c.openService(ctx, log)
		if err != nil {
			return nil, err
		}
		return &serveStore{store: st, svc: svc, where: dir}, nil
	}
	if !isPostgresDSN(dsn) {
		return nil, usagef("--db ($STINT_DB): want a postgres:// DSN, or nothing for SQLite in the data directory")
	}
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL database %s: %w", redactDSN(dsn), pgError(err))
	}
	pg := pgStore{st}
	svc := app.New(pg, app.Options{Clock: c.clock, Logger: log})
	return &serveStore{store: pg, svc: svc, where: redactDSN(dsn), throttle: postgres.NewThrottle(st)}, nil
}

// pgStore is the PostgreSQL store with its schema version in the shape the readiness
// report reads (the version applied and the newest this binary knows).
type pgStore struct{ *postgres.Store }

// SchemaVersion returns the database's schema version and the newest this binary knows.
func (s pgStore) SchemaVersion(ctx context.Context) (current, known int, err error) {
	current, err = s.Store.SchemaVersion(ctx)
	return current, postgres.LatestVersion(), err
}

// dbCommand runs `stint db SUBCOMMAND`.
func (c *cli) dbCommand(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("db: name a subcommand: setup (run 'stint help db')")
	}
	switch args[0] {
	case "setup":
		return c.dbSetup(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		c.printUsage(usageDB)
		return nil
	}
	return usagef("db: unknown subcommand %q (run 'stint help db')", args[0])
}

// dbSetup prepares a PostgreSQL database for serve: roles, grants and migrations, run with
// an administrator's DSN, and prints the DSN serve should use on stdout (alone on its line,
// so scripts can take it: DSN=$(stint db setup --db …)).
func (c *cli) dbSetup(ctx context.Context, args []string) error {
	fs := newFlagSet("db setup")
	admin := fs.String("db", c.getenv("STINT_DB", ""), "superuser or database-owner DSN")
	appRole := fs.String("app-role", "", "name of the application role (default stint_app)")
	ownerRole := fs.String("owner-role", "", "name of the role that owns the schema (default stint_owner)")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if *admin == "" {
		return usagef("db setup: --db: give a superuser or database-owner DSN, e.g. postgres://postgres@localhost/stint")
	}
	if !isPostgresDSN(*admin) {
		return usagef("db setup: --db: want a postgres:// DSN")
	}
	dsn, err := postgres.Setup(ctx, *admin, postgres.SetupOptions{App: *appRole, Owner: *ownerRole})
	if err != nil {
		return fmt.Errorf("set up PostgreSQL database %s: %w", redactDSN(*admin), pgError(err))
	}
	withPassword := true
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); !ok {
			withPassword = false
			c.note("The application role %s existed already and keeps its password: add it to the DSN.\n", u.User.Username())
		}
	}
	if *asJSON {
		return c.printJSON(struct {
			DSN          string `json:"dsn"`
			WithPassword bool   `json:"with_password"`
		}{dsn, withPassword})
	}
	c.note("The database is ready. Serve with:\n  stint serve --db '<the DSN below>'   (or STINT_DB)\n")
	_, err = io.WriteString(c.stdout, dsn+"\n")
	return err
}
