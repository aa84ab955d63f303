package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// SetupOptions name the roles Setup creates.
type SetupOptions struct {
	// Owner is the role that owns the schema, its tables and its functions; it cannot log in.
	// Default "stint_owner".
	Owner string
	// App is the role the server logs in as. Default "stint_app".
	App string
	// Password is the application role's password. Empty: a new role gets a random one,
	// and an existing role keeps the one it has (the DSN returned then carries none).
	Password string
}

// roleName is what Setup accepts as a role name: it is spliced into DDL.
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// migrateLock is the advisory lock key every migration (and Setup as a whole) holds, so two
// instances or two setups starting at once never both migrate.
const migrateLock = 0x5374696e74 // "Stint"

// Setup prepares the database adminDSN names for Stint and returns the DSN the server
// should use. adminDSN must be a superuser or the database's owner with CREATEROLE. Setup
// creates the schema owner (NOLOGIN) and the application role (LOGIN, not superuser, not
// BYPASSRLS), the schema, grants the application role only what it needs (the schema,
// DML on the tables — none on schema_migrations, no UPDATE or DELETE on audit_log —
// and EXECUTE on the functions), and applies pending migrations as the schema owner.
// It runs in one transaction under an advisory lock, so running it twice, or twice at once,
// is fine.
func Setup(ctx context.Context, adminDSN string, opts SetupOptions) (string, error) {
	if opts.Owner == "" {
		opts.Owner = "stint_owner"
	}
	if opts.App == "" {
		opts.App = "stint_app"
	}
	for _, r := range []string{opts.Owner, opts.App} {
		if !roleName.MatchString(r) {
			return "", fmt.Errorf("setup: role name %q: use lower-case letters, digits and underscores", r)
		}
	}
	if opts.Owner == opts.App {
		return "", fmt.Errorf("setup: the schema owner and the application role must differ")
	}
	cfg, err := pgx.ParseConfig(adminDSN)
	if err != nil {
		return "", fmt.Errorf("setup: admin DSN: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", fmt.Errorf("setup: connect: %w", mapErr(err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	password := opts.Password
	tx, err := conn.Begin(ctx)
	if err != nil {
		return "", fmt.Errorf("setup: %w", mapErr(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit this does nothing
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
		return "", fmt.Errorf("setup: lock: %w", mapErr(err))
	}
	var dbName string
	var super bool
	if err := tx.QueryRow(ctx, `SELECT current_database(), rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&dbName, &super); err != nil {
		return "", fmt.Errorf("setup: %w", mapErr(err))
	}
	exists := func(role string) (bool, error) {
		var ok bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&ok)
		return ok, err
	}
	owner, app := pgx.Identifier{opts.Owner}.Sanitize(), pgx.Identifier{opts.App}.Sanitize()
	var stmts []string
	if ok, err := exists(opts.Owner); err != nil {
		return "", fmt.Errorf("setup: %w", mapErr(err))
	} else if !ok {
		stmts = append(stmts, `CREATE ROLE `+owner+` NOLOGIN`)
	}
	appExists, err := exists(opts.App)
	if err != nil {
		return "", fmt.Errorf("setup: %w", mapErr(err))
	}
	if !appExists {
		if password == "" {
			b := make([]byte, 24)
			if _, err := rand.Read(b); err != nil {
				return "", fmt.Errorf("setup: password: %w", err)
			}
			password = hex.EncodeToString(b)
		}
		stmts = append(stmts, `CREATE ROLE `+app+` LOGIN`)
	}
	// Only a superuser may name SUPERUSER, BYPASSRLS or REPLICATION, even to deny them; a
	// role a database owner made cannot have them, and Open refuses one that does.
	alter := `ALTER ROLE ` + app + ` WITH LOGIN NOCREATEDB NOCREATEROLE`
	if super {
		alter += ` NOSUPERUSER NOBYPASSRLS NOREPLICATION`
	}
	if password != "" {
		alter += ` PASSWORD ` + quoteLiteral(password)
	}
	stmts = append(stmts, alter)
	if !super {
		// A database owner with CREATEROLE must be a member of the schema owner to act as it.
		stmts = append(stmts, `GRANT `+owner+` TO current_user`)
	}
	db := pgx.Identifier{dbName}.Sanitize()
	stmts = append(stmts,
		`CREATE SCHEMA IF NOT EXISTS `+schemaName+` AUTHORIZATION `+owner,
		`GRANT CONNECT ON DATABASE `+db+` TO `+app,
		`ALTER ROLE `+app+` IN DATABASE `+db+` SET search_path = `+schemaName,
		`SET LOCAL ROLE `+owner,
		`SET LOCAL search_path = `+schemaName,
	)
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return "", fmt.Errorf("setup: %s: %w", strings.SplitN(s, " PASSWORD", 2)[0], mapErr(err))
		}
	}
	ms, err := migrations()
	if err != nil {
		return "", err
	}
	if err := migrate(ctx, tx, ms); err != nil {
		return "", err
	}
	grants := []string{
		`GRANT USAGE ON SCHEMA ` + schemaName + ` TO ` + app,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ` + schemaName + ` TO ` + app,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ` + schemaName + ` TO ` + app,
		`REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ` + app,
		`REVOKE UPDATE, DELETE ON audit_log FROM ` + app,
		`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ` + schemaName + ` FROM PUBLIC`,
		`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ` + schemaName + ` TO ` + app,
		`RESET ROLE`,
	}
	for _, s := range grants {
		if _, err := tx.Exec(ctx, s); err != nil {
			return "", fmt.Errorf("setup: %s: %w", s, mapErr(err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return "", fmt.Errorf("setup: commit: %w", mapErr(err))
	}
	return appDSN(adminDSN, opts.App, password)
}

// migrate applies the migrations of ms (in order) that tx's database lacks, in tx, which
// runs as the schema owner, under the migration lock; a schema with a migration newer than
// all of ms is refused.
func migrate(ctx context.Context, tx pgx.Tx, ms []migration) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", mapErr(err))
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+schemaName+`.schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate: migrations table: %w", mapErr(err))
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return err
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	for v := range applied {
		if v > latest {
			return fmt.Errorf("migrate: the database schema is version %d, this stint knows up to %d: upgrade stint", v, latest)
		}
	}
	// Every migration not applied yet, in order: one numbered below the newest applied (a
	// migration numbered apart, as 0100_throttle.sql is) still gets applied.
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.Exec(ctx, m.body); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, mapErr(err))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+schemaName+`.schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, mapErr(err))
		}
	}
	return nil
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// appDSN is adminDSN with the application role's user and password in place of the
// admin's; every other setting (host, port, database, TLS) stays.
func appDSN(adminDSN, user, password string) (string, error) {
	if strings.HasPrefix(adminDSN, "postgres://") || strings.HasPrefix(adminDSN, "postgresql://") {
		u, err := url.Parse(adminDSN)
		if err != nil {
			return "", fmt.Errorf("setup: admin DSN: %w", err)
		}
		if password != "" {
			u.User = url.UserPassword(user, password)
		} else {
			u.User = url.User(user)
		}
		q := u.Query()
		q.Del("user")
		q.Del("password")
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// Keyword/value form: later keywords win.
	dsn := strings.TrimSpace(adminDSN) + " user=" + user
	if password != "" {
		dsn += " password=" + quoteLiteral(password)
	}
	return dsn, nil
}
