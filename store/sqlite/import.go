package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// imports is the bulk path of an import (app.Imports): entries, their audit rows and their
// change-log rows (where they have one) several to a statement, a chunk of each sharing one
// stamp, inside the caller's one transaction per batch.
type imports struct{ q querier }

// Imports gives the import's bulk path.
func (t *txn) Imports() app.Imports { return imports{t.q} }

// importTables are the tables Existing may look in, by entity.
var importTables = map[string]string{
	"time_entry": "time_entries", "client": "clients", "project": "projects", "task": "tasks",
	"tag": "tags", "user": "users", "membership": "memberships",
}

// importChunk is how many rows one INSERT of an import writes: 18 values an entry keeps a
// full chunk well under SQLite's 32,766 bound parameters. A shorter tail goes in chunks of
// powers of two, so the statement cache holds a handful of texts.
const importChunk = 256

// chunkLen is the length of the next chunk of n rows left.
func chunkLen(n int) int {
	c := importChunk
	for c > n {
		c /= 2
	}
	return c
}

func (s imports) Existing(ctx context.Context, sc app.Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	table, ok := importTables[entity]
	if !ok {
		return nil, fmt.Errorf("existing %s: unknown entity", entity)
	}
	out := map[uuid.UUID]bool{}
	for len(ids) > 0 {
		n := chunkLen(len(ids))
		args := make([]any, 0, n+1)
		args = append(args, sc.TenantID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		got, err := queryListCap(ctx, s.q, "existing "+entity, n, func(r *sql.Rows) (uuid.UUID, error) {
			var id uuid.UUID
			err := r.Scan(&id)
			return id, err
		}, `SELECT id FROM `+table+` WHERE tenant_id = ? AND id IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
		ids = ids[n:]
	}
	return out, nil
}

// InsertEntries writes the rows a chunk at a time: one stamp for the chunk (its entries
// take the first values as server versions, their change-log rows the next ones as seqs,
// so each change follows its row as one by one), then one INSERT each for the entries,
// the audit rows and the change-log rows (rows without one write none). The page cache
// grows for the batch as InsertPulledEntries' does.
func (s imports) InsertEntries(ctx context.Context, sc app.Scope, rows []app.ImportedEntry) (err error) {
	for _, r := range rows {
		e := r.Entry
		if e.TenantID != sc.TenantID || e.OrganizationID != sc.OrgID || r.Audit.TenantID != sc.TenantID ||
			(r.Change != nil && r.Change.TenantID != sc.TenantID) {
			return fmt.Errorf("insert imported entries: scope mismatch: %w", app.ErrNotFound)
		}
		if e.StoppedAt == nil {
			return fmt.Errorf("insert imported entries: entry %s is running: %w", e.ID, app.ErrConflict)
		}
	}
	var cacheSize int64
	if err := s.q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return fmt.Errorf("insert imported entries: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -pulledEntriesCacheKiB)); err != nil {
		return fmt.Errorf("insert imported entries: %w", err)
	}
	defer func() {
		if _, rerr := s.q.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cacheSize)); rerr != nil && err == nil {
			err = fmt.Errorf("insert imported entries: restore the page cache: %w", rerr)
		}
	}()
	var c importChunkArgs
	for len(rows) > 0 {
		n := chunkLen(len(rows))
		if err := s.insertChunk(ctx, sc, rows[:n], &c); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// importChunkArgs is what one chunk's statements bind, kept from chunk to chunk: their
// arguments, and the ids as the bytes SQLite stores, one after another in one buffer that
// the arguments slice (uuid.UUID would bind as text: see idArgs, which would copy each
// id and the whole argument list again).
type importChunkArgs struct {
	args []any
	ids  []byte
}

// id appends id's bytes to the buffer and returns them. The buffer is sized for the chunk
// beforehand (reset), so it grows no copy; if it did, the slices handed out would still
// hold their bytes, in the array they were written to.
func (c *importChunkArgs) id(id uuid.UUID) []byte {
	c.ids = append(c.ids, id[:]...)
	return c.ids[len(c.ids)-16:]
}

// tags appends the ids one after another, as an entry's tag_ids are stored, and returns them.
func (c *importChunkArgs) tags(ids []uuid.UUID) []byte {
	from := len(c.ids)
	for _, id := range ids {
		c.ids = append(c.ids, id[:]...)
	}
	return c.ids[from:len(c.ids):len(c.ids)]
}

// hlc appends a stamp's compact form (app.HLCBytes) to the buffer and returns it.
func (c *importChunkArgs) hlc(stamp string) ([]byte, error) {
	b, err := app.HLCBytes(stamp)
	if err != nil {
		return nil, err
	}
	from := len(c.ids)
	c.ids = append(c.ids, b...)
	return c.ids[from:len(c.ids):len(c.ids)], nil
}

func (c *importChunkArgs) nullID(id *uuid.UUID) any {
	if id == nil {
		return nil
	}
	return c.id(*id)
}

// reset readies c for the rows of a chunk, with a buffer for every id they bind: up to six
// an entry besides its tags, five an audit row and four a change-log row, and two ids' room
// for the entry's stamp.
func (c *importChunkArgs) reset(rows []app.ImportedEntry) {
	size := 0
	for _, r := range rows {
		size += 16 * (17 + len(r.Entry.TagIDs))
	}
	c.ids = make([]byte, 0, size)
	c.args = c.args[:0]
}

// entryShared is how many values an import's entries share within a chunk (tenant,
// organization, source, version, created, updated: bound once as ?1 to ?6), and entryOwn
// how many each binds for itself; auditShared and auditOwn the same for their audit rows
// (tenant, organization, actor, action, entity, time; id and entity id).
const (
	entryShared, entryOwn = 6, 12
	auditShared, auditOwn = 6, 2
)

// importSQL is the text of the entries' and the audit rows' INSERTs for a chunk of n rows
// (a power of two up to importChunk) that share their common values (sharesValues). Values
// every row of a chunk shares are bound once, by number, instead of once a row: binding
// (a C copy of each blob and text, and database/sql's conversion of each argument) was
// about a sixth of the import's writing.
type importSQL struct{ entries, audit string }

// importSQLs holds importSQL by chunk length, built once; it is never written after init.
// Only the shared values are numbered: a row's own are plain ?, which SQLite numbers on
// from the highest so far. SQLite finds a numbered parameter's name by walking the list of
// numbered ones, and the driver asks for every parameter's name when it binds, so numbering
// a row's own values too makes binding quadratic in the chunk (six times slower).
var importSQLs = func() map[int]importSQL {
	rowOf := func(shared, own int) string {
		var b strings.Builder
		b.WriteByte('(')
		for j := range shared {
			fmt.Fprintf(&b, "?%d, ", j+1)
		}
		b.WriteString(strings.TrimSuffix(strings.Repeat("?, ", own), ", "))
		b.WriteByte(')')
		return b.String()
	}
	entry, audit := rowOf(entryShared, entryOwn), rowOf(auditShared, auditOwn)
	out := map[int]importSQL{}
	for n := importChunk; n >= 1; n /= 2 {
		out[n] = importSQL{
			entries: `INSERT INTO time_entries (tenant_id, organization_id, source, version, created_at, updated_at,
		server_version, id, user_id, project_id, task_id, description, started_at, stopped_at, timezone, billable, tag_ids, hlc) VALUES ` +
				strings.TrimSuffix(strings.Repeat(entry+", ", n), ", "),
			audit: `INSERT INTO audit_log (tenant_id, organization_id, actor_id, action, entity, at, id, entity_id) VALUES ` +
				strings.TrimSuffix(strings.Repeat(audit+", ", n), ", "),
		}
	}
	return out
}()

// sharesValues reports whether the rows share what importSQL binds once: as an import
// writes them, stamped in one transaction by one actor. Rows that do not go in with every
// value bound for its row (insertEach).
func sharesValues(rows []app.ImportedEntry) bool {
	e0, a0 := rows[0].Entry, rows[0].Audit
	for _, r := range rows {
		e, a := r.Entry, r.Audit
		if e.Source != e0.Source || e.Version != e0.Version || !e.CreatedAt.Equal(e0.CreatedAt) || !e.UpdatedAt.Equal(e0.UpdatedAt) ||
			e.DeletedAt != nil || !sameID(a.OrganizationID, a0.OrganizationID) || !sameID(a.ActorID, a0.ActorID) ||
			a.Action != a0.Action || a.Entity != a0.Entity || !a.At.Equal(a0.At) {
			return false
		}
	}
	return true
}

func sameID(a, b *uuid.UUID) bool { return a == b || (a != nil && b != nil && *a == *b) }

// stamp takes the next n values of the tenant's change counter and returns the first.
func (s imports) stamp(ctx context.Context, sc app.Scope, n int) (int64, error) {
	var last int64
	err := s.q.QueryRowContext(ctx, `UPDATE tenants SET change_seq = (SELECT max(change_seq) FROM tenants) + ? WHERE id = ? RETURNING change_seq`,
		n, idBytes(sc.TenantID)).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("insert imported entries: no tenant %s: %w", sc.TenantID, app.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("insert imported entries: stamp: %w", mapErr(err))
	}
	return last - int64(n) + 1, nil
}

func (s imports) insertChunk(ctx context.Context, sc app.Scope, rows []app.ImportedEntry, c *importChunkArgs) error {
	n := len(rows)
	changes := 0
	for _, r := range rows {
		if r.Change != nil {
			changes++
		}
	}
	first, err := s.stamp(ctx, sc, n+changes)
	if err != nil {
		return err
	}
	c.reset(rows)
	if sharesValues(rows) {
		err = s.insertShared(ctx, rows, first, c)
	} else {
		err = s.insertEach(ctx, rows, first, c)
	}
	if err != nil || changes == 0 {
		return err
	}
	c.args = c.args[:0]
	seq := first + int64(n)
	for _, r := range rows {
		ch := r.Change
		if ch == nil {
			continue
		}
		enc, ok := app.EncodeFieldStamps(ch.Entity, ch.Fields, ch.HLC)
		c.args = append(c.args, seq, c.id(ch.ID), c.id(ch.TenantID), c.nullID(ch.OrganizationID), ch.Entity, c.id(ch.EntityID), ch.Op,
			ch.Version, hlcValue(ch.HLC), us(ch.At), sql.NullString{String: enc, Valid: ok})
		seq++
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO change_log (seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at, fields)
		VALUES `+placeholderRows(changes, 11), c.args...); err != nil {
		return fmt.Errorf("insert imported entries: change log: %w", mapErr(err))
	}
	return nil
}

// insertShared writes the chunk's entries and audit rows with what they share bound once
// (importSQL).
func (s imports) insertShared(ctx context.Context, rows []app.ImportedEntry, first int64, c *importChunkArgs) error {
	text := importSQLs[len(rows)]
	e0 := rows[0].Entry
	c.args = append(c.args, c.id(e0.TenantID), c.id(e0.OrganizationID), e0.Source, e0.Version, us(e0.CreatedAt), us(e0.UpdatedAt))
	for i, r := range rows {
		e := r.Entry
		hlc, err := c.hlc(e.HLC)
		if err != nil {
			return fmt.Errorf("insert imported entries: entry %s: %w", e.ID, err)
		}
		c.args = append(c.args, first+int64(i), c.id(e.ID), c.id(e.UserID), c.nullID(e.ProjectID), c.nullID(e.TaskID),
			e.Description, us(e.StartedAt), e.StoppedAt.UnixMicro(), e.Timezone, e.Billable, c.tags(e.TagIDs), hlc)
	}
	if _, err := s.q.ExecContext(ctx, text.entries, c.args...); err != nil {
		return fmt.Errorf("insert imported entries: %w", mapErr(err))
	}
	c.args = c.args[:0]
	a0 := rows[0].Audit
	c.args = append(c.args, c.id(a0.TenantID), c.nullID(a0.OrganizationID), c.nullID(a0.ActorID), a0.Action, a0.Entity, us(a0.At))
	for _, r := range rows {
		c.args = append(c.args, c.id(r.Audit.ID), c.id(r.Audit.EntityID))
	}
	if _, err := s.q.ExecContext(ctx, text.audit, c.args...); err != nil {
		return fmt.Errorf("insert imported entries: audit: %w", mapErr(err))
	}
	return nil
}

// insertEach writes the chunk's entries and audit rows with every value bound for its row.
func (s imports) insertEach(ctx context.Context, rows []app.ImportedEntry, first int64, c *importChunkArgs) error {
	n := len(rows)
	for i, r := range rows {
		e := r.Entry
		c.args = append(c.args, first+int64(i), c.id(e.ID), c.id(e.TenantID), c.id(e.OrganizationID), c.id(e.UserID),
			c.nullID(e.ProjectID), c.nullID(e.TaskID), e.Description, us(e.StartedAt), e.StoppedAt.UnixMicro(), e.Timezone,
			e.Billable, e.Source, c.tags(e.TagIDs),
			e.Version, hlcValue(e.HLC), us(e.CreatedAt), us(e.UpdatedAt), nullUS(e.DeletedAt))
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO time_entries (server_version, id, tenant_id, organization_id, user_id, project_id, task_id,
		description, started_at, stopped_at, timezone, billable, source, tag_ids, `+metaCols+`) VALUES `+placeholderRows(n, 19), c.args...); err != nil {
		return fmt.Errorf("insert imported entries: %w", mapErr(err))
	}
	c.args = c.args[:0]
	for _, r := range rows {
		a := r.Audit
		c.args = append(c.args, c.id(a.ID), c.id(a.TenantID), c.nullID(a.OrganizationID), c.nullID(a.ActorID), a.Action, a.Entity,
			c.id(a.EntityID), us(a.At))
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO audit_log (id, tenant_id, organization_id, actor_id, action, entity, entity_id, at)
		VALUES `+placeholderRows(n, 8), c.args...); err != nil {
		return fmt.Errorf("insert imported entries: audit: %w", mapErr(err))
	}
	return nil
}

// placeholderRows is "(?, …), (?, …)": n rows of width placeholders.
func placeholderRows(n, width int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}
