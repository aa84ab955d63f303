package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// dumpTables reads every row of the named tables, each row rendered as text with ids as
// UUID text, tag ids as the JSON array and HLC stamps as the text schema 1 kept, so both
// schemas render alike.
func dumpTables(t *testing.T, db *sql.DB, tables map[string]string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, query := range tables {
		rows, err := db.Query(query)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for i, c := range cols {
				if c == "server_version" || c == "change_seq" {
					continue // added by migration 0005, checked by TestUpgradeServerVersions
				}
				if c == "purged_through" || c == "purged_at" {
					continue // added by migration 0008 with nothing purged yet
				}
				if c == "fields" {
					continue // added by migration 0009, NULL (not known) on rows made before
				}
				if c == "screenshots" || c == "screenshot_minutes" || c == "screenshot_random" || c == "window_titles" {
					continue // added by migration 0019; TestUpgradeSchema1 checks their defaults
				}
				v := vals[i]
				if b, ok := v.([]byte); ok {
					switch {
					case c == "tag_ids" && len(b)%16 == 0 && !strings.HasPrefix(string(b), "["):
						ids := make([]uuid.UUID, len(b)/16)
						for j := range ids {
							ids[j] = uuid.UUID(b[16*j : 16*j+16])
						}
						v = "[]"
						if len(ids) > 0 {
							j, _ := json.Marshal(ids)
							v = string(j)
						}
					case c == "hlc" && len(b) >= 12 && b[0] == 0:
						v = fmt.Sprintf("%015d-%010d-%s", binary.BigEndian.Uint64(b), binary.BigEndian.Uint32(b[8:]), b[12:])
					case (c == "id" || strings.HasSuffix(c, "_id")) && len(b) == 16:
						v = uuid.UUID(b).String()
					default:
						v = fmt.Sprintf("%x", b)
					}
				}
				parts = append(parts, fmt.Sprintf("%s=%v", c, v))
			}
			slices.Sort(parts)
			out[table] = append(out[table], strings.Join(parts, " "))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}

// TestUpgradeSchema1 opens a copy of a data dir made by the build before migration 0003
// (testdata/v1, see testdata/v1gen) and checks that every row reads back identically after
// the upgrade: ids, times, tags, versions, audit, tokens; that the change log keeps the
// newest pending change per entity without its payload; and that the old token still
// authenticates and the service reads the data.
func TestUpgradeSchema1(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stint.db")
	src, err := os.ReadFile(filepath.Join("testdata", "v1", "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	tables := map[string]string{}
	for _, table := range []string{"tenants", "organizations", "users", "memberships", "clients", "projects", "tasks", "tags",
		"time_entries", "api_tokens", "audit_log", "idempotency_keys", "device_settings"} {
		tables[table] = "SELECT * FROM " + table
	}
	tables["change_log"] = "SELECT seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at FROM change_log"
	old, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	oldTables := maps(tables)
	// Schema 1 kept every change; schema 3 keeps the newest pending one per entity.
	oldTables["change_log"] = tables["change_log"] + ` c WHERE pushed_at IS NULL
		AND seq = (SELECT max(seq) FROM change_log l WHERE l.entity_id = c.entity_id AND l.pushed_at IS NULL)`
	before := dumpTables(t, old, oldTables)
	var version, changes int
	if err := old.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil || version != 1 {
		t.Fatalf("testdata schema version %d (%v), want 1", version, err)
	}
	if err := old.QueryRow(`SELECT count(*) FROM change_log`).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	old.Close()
	if len(before["time_entries"]) < 10 || len(before["audit_log"]) < 10 || len(before["api_tokens"]) < 2 {
		t.Fatalf("testdata too small: %d entries, %d audit rows", len(before["time_entries"]), len(before["audit_log"]))
	}

	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open schema 1: %v", err)
	}
	defer st.Close()
	if err := st.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	after := dumpTables(t, sqlite.ReaderForTest(st), tables)
	for table := range tables {
		if !slices.Equal(before[table], after[table]) {
			t.Errorf("%s differs after the upgrade:\nbefore %q\nafter  %q", table, before[table], after[table])
		}
	}
	// Organizations made before migration 0019 take no screenshots and record no titles.
	var watching int
	if err := sqlite.ReaderForTest(st).QueryRow(`SELECT count(*) FROM organizations
		WHERE screenshots != 0 OR screenshot_minutes != 10 OR screenshot_random != 0 OR window_titles != 0`).Scan(&watching); err != nil || watching != 0 {
		t.Errorf("organizations with activity settings other than the defaults after the upgrade: %d (%v)", watching, err)
	}
	if n := len(after["change_log"]); n >= changes || n == 0 {
		t.Errorf("change log: %d rows after the upgrade from %d, want one per changed entity", n, changes)
	}
	var blobIDs int
	if err := sqlite.ReaderForTest(st).QueryRow(`SELECT count(*) FROM time_entries WHERE typeof(id) = 'blob' AND length(id) = 16`).Scan(&blobIDs); err != nil ||
		blobIDs != len(after["time_entries"]) {
		t.Errorf("entry ids stored as 16 bytes: %d of %d (%v)", blobIDs, len(after["time_entries"]), err)
	}

	// The service works on the upgraded data: the old personal token authenticates and
	// the entries list in order with their tags.
	token, err := os.ReadFile(filepath.Join("testdata", "v1", "token.txt"))
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, app.Options{})
	a, err := svc.Authenticate(ctx, strings.TrimSpace(string(token)), nil)
	if err != nil {
		t.Fatalf("authenticate with a schema-1 token: %v", err)
	}
	page, err := svc.TimeEntries(ctx, a, app.EntryQuery{ListParams: app.ListParams{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	tagged := 0
	for _, e := range page.Items {
		tagged += len(e.TagIDs)
	}
	if len(page.Items) != len(after["time_entries"])-1 || tagged == 0 { // one entry is deleted
		t.Errorf("service lists %d entries with %d tags; the table has %d", len(page.Items), tagged, len(after["time_entries"]))
	}
	if running, err := svc.RunningEntry(ctx, a); err != nil || running == nil {
		t.Errorf("running entry after the upgrade: %v %v", running, err)
	}
	// New changes continue after every seq schema 1 handed out.
	if _, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "After upgrade"}); err != nil {
		t.Fatal(err)
	}
	latest, err := svc.LatestChange(ctx, a, 0)
	if err != nil || latest <= int64(changes) {
		t.Errorf("latest change %d (%v) after %d changes in schema 1", latest, err, changes)
	}
}

// TestUpgradeSchema3 opens a copy of a data dir made by the build before migration 0004
// (testdata/v3, see testdata/v3gen: two tenants whose users have e-mail addresses and a local
// workspace whose owner has none) and checks that every row reads back identically, that an
// address is then unique within a tenant instead of across the server, and that login and
// adding members work on the upgraded data.
func TestUpgradeSchema3(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stint.db")
	src, err := os.ReadFile(filepath.Join("testdata", "v3", "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	tables := map[string]string{}
	for _, table := range []string{"tenants", "organizations", "users", "memberships", "clients", "projects", "tasks", "tags",
		"time_entries", "api_tokens", "audit_log", "change_log", "idempotency_keys", "device_settings"} {
		tables[table] = "SELECT * FROM " + table
	}
	old, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	before := dumpTables(t, old, tables)
	var version int
	if err := old.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil || version != 3 {
		t.Fatalf("testdata schema version %d (%v), want 3", version, err)
	}
	old.Close()
	if len(before["users"]) != 5 || len(before["tenants"]) != 3 || len(before["time_entries"]) < 6 {
		t.Fatalf("testdata: %d users, %d tenants, %d entries", len(before["users"]), len(before["tenants"]), len(before["time_entries"]))
	}

	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open schema 3: %v", err)
	}
	defer st.Close()
	if err := st.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	db := sqlite.ReaderForTest(st)
	after := dumpTables(t, db, tables)
	for table := range tables {
		if !slices.Equal(before[table], after[table]) {
			t.Errorf("%s differs after the upgrade:\nbefore %q\nafter  %q", table, before[table], after[table])
		}
	}
	var indexes []string
	rows, err := db.Query(`SELECT name || ' ' || sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'users' AND sql IS NOT NULL AND name != 'users_server_version' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, strings.Join(strings.Fields(s), " "))
	}
	rows.Close()
	want := []string{
		"users_email_id CREATE INDEX users_email_id ON users(email, id) WHERE email IS NOT NULL",
		"users_tenant CREATE INDEX users_tenant ON users(tenant_id)",
		"users_tenant_email CREATE UNIQUE INDEX users_tenant_email ON users(tenant_id, email) WHERE email IS NOT NULL",
	}
	if !slices.Equal(indexes, want) {
		t.Errorf("indexes on users:\n got %q\nwant %q", indexes, want)
	}
	// Login's lookups are index seeks, with and without a tenant.
	for _, q := range []string{
		`SELECT id FROM users WHERE email = 'ada@example.com' AND deleted_at IS NULL ORDER BY id LIMIT 1`,
		`SELECT id FROM users WHERE email = 'ada@example.com' AND tenant_id = x'00' AND deleted_at IS NULL`,
	} {
		var plan []string
		rows, err := db.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "SEARCH users USING INDEX users_") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan of %s: %s", q, p)
		}
	}

	// The service on the upgraded data: the old token authenticates; acme's owner signs up
	// again and gets a second tenant; acme adds globex's member as a new user of its own;
	// login picks the first account or the one in the tenant named.
	token, err := os.ReadFile(filepath.Join("testdata", "v3", "token.txt"))
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, app.Options{})
	acme, err := svc.Authenticate(ctx, strings.TrimSpace(string(token)), nil)
	if err != nil {
		t.Fatalf("authenticate with a schema-3 token: %v", err)
	}
	again, err := svc.Signup(ctx, app.SignupInput{Email: "ada@example.com", Password: "a new password", Name: "Ada", Organization: "Ada's own"})
	if err != nil || again.Tenant.ID == acme.TenantID {
		t.Fatalf("sign-up with acme's owner's address: %+v %v", again.Tenant, err)
	}
	linus, err := svc.AddMember(ctx, acme, app.MemberInput{Email: "linus@example.com", Name: "Linus at Acme", Role: app.RoleMember, Password: "acme password"})
	if err != nil || linus.TenantID != acme.TenantID {
		t.Fatalf("add globex's member to acme: %+v %v", linus, err)
	}
	if _, err := svc.AddMember(ctx, acme, app.MemberInput{Email: "bob@example.com", Name: "Bob", Role: app.RoleMember, Password: "bob password"}); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("add acme's member again: %v", err)
	}
	for _, c := range []struct {
		email, pw string
		tenant    uuid.UUID
		want      uuid.UUID
	}{
		{"ada@example.com", "correct horse battery", uuid.Nil, acme.UserID},
		{"ada@example.com", "a new password", again.Tenant.ID, again.User.ID},
		{"linus@example.com", "acme password", acme.TenantID, linus.UserID},
	} {
		s, err := svc.Login(ctx, app.LoginInput{Email: c.email, Password: c.pw, TenantID: c.tenant})
		if err != nil || s.User.ID != c.want {
			t.Errorf("login %s in %s: %v %v, want user %s", c.email, c.tenant, s.User.ID, err, c.want)
		}
	}
	s, err := svc.Login(ctx, app.LoginInput{Email: "linus@example.com", Password: "another long password"})
	if err != nil || s.Tenant.ID == acme.TenantID {
		t.Errorf("globex's member after acme added the address: tenant %s %v", s.Tenant.ID, err)
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
