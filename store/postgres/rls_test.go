package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestCatalogRowLevelSecurity reads the catalog: every table in Stint's schema with a
// tenant_id column (and tenants itself) has row-level security enabled AND forced and a
// policy for commands of every kind, and the application role can bypass none of it. It
// finds the tables from the catalog, so a table added later cannot forget.
func TestCatalogRowLevelSecurity(t *testing.T) {
	db := newDB(t)
	appDSN := db.setup(t)
	ctx := context.Background()
	admin := db.adminConn(t)
	rows, err := admin.Query(ctx, `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'stint' AND c.relkind IN ('r', 'p') ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		name            string
		rls, force, has bool
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (table, error) {
		var tb table
		return tb, r.Scan(&tb.name, &tb.rls, &tb.force, &tb.has)
	})
	if err != nil {
		t.Fatal(err)
	}
	type policy struct {
		name, cmd   string
		roles       []string
		qual, check *string
	}
	policies := func(table string) []policy {
		rows, err := admin.Query(ctx, `SELECT policyname, cmd, roles::text[], qual, with_check FROM pg_policies
			WHERE schemaname = 'stint' AND tablename = $1 AND permissive = 'PERMISSIVE'`, table)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy, error) {
			var p policy
			return p, r.Scan(&p.name, &p.cmd, &p.roles, &p.qual, &p.check)
		})
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	tenantTables := 0
	for _, tb := range tables {
		if !tb.has && tb.name != "tenants" {
			continue
		}
		tenantTables++
		if !tb.rls || !tb.force {
			t.Errorf("%s holds tenant data but row-level security is enabled=%v forced=%v", tb.name, tb.rls, tb.force)
		}
		// One policy for every command and every role on the tenant setting, in USING and
		// WITH CHECK; any other may only be the schema owner's.
		col := "tenant_id"
		if tb.name == "tenants" {
			col = "id"
		}
		want := "(" + col + " = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)"
		found := false
		for _, p := range policies(tb.name) {
			switch {
			case len(p.roles) == 1 && p.roles[0] == db.opts.Owner:
				// the SECURITY DEFINER functions run as the owner
			case p.cmd == "ALL" && len(p.roles) == 1 && p.roles[0] == "public" &&
				p.qual != nil && *p.qual == want && p.check != nil && *p.check == want:
				found = true
			default:
				t.Errorf("%s: policy %s (%s for %v) is neither the tenant's nor the owner's: USING %v WITH CHECK %v",
					tb.name, p.name, p.cmd, p.roles, deref(p.qual), deref(p.check))
			}
		}
		if !found {
			t.Errorf("%s: no policy for all commands and roles with USING and WITH CHECK %s", tb.name, want)
		}
	}
	if tenantTables < 13 {
		t.Errorf("found %d tables holding tenant data, want at least 13", tenantTables)
	}
	// The application role is no superuser, cannot bypass RLS, owns nothing in the schema
	// and is not a member of a role that does.
	var super, bypass, owns, member bool
	err = admin.QueryRow(ctx, `SELECT r.rolsuper, r.rolbypassrls,
		EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'stint' AND c.relowner = r.oid),
		EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)
		FROM pg_roles r WHERE r.rolname = $1`, db.opts.App).Scan(&super, &bypass, &owns, &member)
	if err != nil {
		t.Fatal(err)
	}
	if super || bypass || owns || member {
		t.Errorf("application role: superuser %v, bypassrls %v, owns tables %v, member of a role %v", super, bypass, owns, member)
	}
	// And Open agrees with the application role.
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		t.Fatalf("open as the application role: %v", err)
	}
	st.Close()
}

// TestRawSQLWithoutTenant connects as the application role with raw SQL: with no tenant
// set, and with another tenant set, SELECT finds nothing and INSERT, UPDATE and DELETE of
// tenant data fail or change nothing.
func TestRawSQLWithoutTenant(t *testing.T) {
	db := newDB(t)
	appDSN := db.setup(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, app.Options{})
	if _, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	conn, err := pgx.Connect(ctx, appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tables := []string{"tenants", "organizations", "users", "memberships", "clients", "projects", "tasks", "tags",
		"time_entries", "api_tokens", "audit_log", "change_log", "idempotency_keys"}
	// The admin sees the rows, so a zero below means hidden, not absent.
	admin := db.adminConn(t)
	var tenantID string
	if err := admin.QueryRow(ctx, `SELECT id::text FROM stint.tenants`).Scan(&tenantID); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []string{"tenants", "organizations", "users", "memberships", "audit_log"} {
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM stint.`+tb).Scan(&n); err != nil || n == 0 {
			t.Fatalf("%s: the seed left %d rows (%v)", tb, n, err)
		}
	}
	for _, setting := range []string{"", "unset", "00000000-0000-7000-8000-000000000001"} {
		t.Run("tenant="+setting, func(t *testing.T) {
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if setting != "unset" {
				if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, setting); err != nil {
					t.Fatal(err)
				}
			}
			for _, tb := range tables {
				var n int
				if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+tb).Scan(&n); err != nil {
					t.Fatalf("%s: %v", tb, err)
				}
				if n != 0 {
					t.Errorf("SELECT from %s sees %d rows", tb, n)
				}
				for _, q := range []string{`UPDATE ` + tb + ` SET tenant_id = tenant_id`, `DELETE FROM ` + tb} {
					if tb == "tenants" {
						q = strings.ReplaceAll(q, "tenant_id", "id")
					}
					tag, err := savepointed(ctx, tx, q)
					if err == nil && tag.RowsAffected() != 0 {
						t.Errorf("%s changed %d rows", q, tag.RowsAffected())
					}
				}
			}
			// Inserting a row for the existing tenant is refused by the policy's WITH CHECK.
			for _, q := range []string{
				`INSERT INTO tenants (id, name, version, hlc, created_at, updated_at) VALUES ('` + tenantID + `', 'x', 1, '\x00', now(), now())`,
				`INSERT INTO audit_log (tenant_id, id, action, entity, entity_id, at) VALUES ('` + tenantID + `', gen_random_uuid(), 'x', 'x', gen_random_uuid(), now())`,
				`INSERT INTO organizations (id, tenant_id, name, timezone, version, hlc, created_at, updated_at)
					VALUES (gen_random_uuid(), '` + tenantID + `', 'x', 'UTC', 1, '\x00', now(), now())`,
			} {
				_, err := savepointed(ctx, tx, q)
				if err == nil || !strings.Contains(err.Error(), "row-level security") {
					t.Errorf("%s: got %v, want a row-level security violation", q[:30], err)
				}
			}
		})
	}
	// Nothing changed.
	for _, tb := range []string{"tenants", "organizations", "users", "memberships", "audit_log"} {
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM stint.`+tb).Scan(&n); err != nil || n == 0 {
			t.Errorf("%s: %d rows left (%v)", tb, n, err)
		}
	}
	// With the tenant set, the same role sees its rows: the zeros above are the policy's.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenantID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
		t.Errorf("users of the tenant itself: %d (%v)", n, err)
	}
	// The audit log stays append-only even for its own tenant.
	if _, err := savepointed(ctx, tx, `DELETE FROM audit_log`); err == nil {
		t.Errorf("audit_log rows deleted by the application role")
	}
}

// savepointed runs q in a savepoint so a failure leaves tx usable.
func savepointed(ctx context.Context, tx pgx.Tx, q string) (tag interface{ RowsAffected() int64 }, err error) {
	if _, err := tx.Exec(ctx, "SAVEPOINT q"); err != nil {
		return nil, err
	}
	ct, err := tx.Exec(ctx, q)
	if err != nil {
		if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT q"); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
	return ct, nil
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
