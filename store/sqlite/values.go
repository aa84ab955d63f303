package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// Instants are stored as UTC microseconds since the Unix epoch.
func us(t time.Time) int64 { return t.UnixMicro() }

func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullUS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromNullUS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUS(v.Int64)
	return &t
}

// Ids are stored as the UUID's 16 bytes (migration 0003). uuid.UUID would bind as its
// 36-byte text, so every statement's arguments pass through idArgs, which binds ids as
// bytes; scanning needs nothing, since uuid.UUID reads a 16-byte value as is.

// idBytes is an id as stored.
func idBytes(id uuid.UUID) []byte { return id[:] }

// idArgs returns args with every uuid.UUID (or *uuid.UUID; nil stays NULL) as its bytes.
func idArgs(args []any) []any {
	var out []any
	for i, a := range args {
		var v any
		switch id := a.(type) {
		case uuid.UUID:
			v = idBytes(id)
		case *uuid.UUID:
			if id == nil {
				v = nil
			} else {
				v = idBytes(*id)
			}
		default:
			if out != nil {
				out[i] = a
			}
			continue
		}
		if out == nil {
			out = make([]any, len(args))
			copy(out, args[:i])
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

func nullID(id *uuid.UUID) any {
	if id == nil {
		return nil
	}
	return idBytes(*id)
}

func fromNullID(v uuid.NullUUID) *uuid.UUID {
	if !v.Valid {
		return nil
	}
	id := v.UUID
	return &id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// HLC stamps are stored in 24 bytes instead of 39 characters (migration 0003): 8 bytes of
// wall milliseconds and 4 of the logical counter, both big-endian, then the node id. Byte
// order is stamp order, so comparisons in SQL still order stamps.

// hlcValue binds a stamp in its compact form (app.HLCBytes); a malformed stamp fails the
// statement.
type hlcValue string

func (h hlcValue) Value() (driver.Value, error) { return app.HLCBytes(string(h)) }

// hlcScan scans a stored stamp back into its text, as app formats it.
type hlcScan struct{ dst *string }

func (h hlcScan) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("hlc stored as %T", src)
	}
	s, err := app.HLCFromBytes(b)
	*h.dst = s
	return err
}

// metaCols are the bookkeeping columns every synced table ends with, in this order.
const metaCols = "version, hlc, created_at, updated_at, deleted_at"

// metaScan holds the scan targets of metaCols.
type metaScan struct {
	created, updated int64
	deleted          sql.NullInt64
}

func (m *metaScan) dest(meta *app.Meta) []any {
	return []any{&meta.Version, hlcScan{&meta.HLC}, &m.created, &m.updated, &m.deleted}
}

func (m *metaScan) fill(meta *app.Meta) {
	meta.CreatedAt, meta.UpdatedAt, meta.DeletedAt = fromUS(m.created), fromUS(m.updated), fromNullUS(m.deleted)
}

func metaArgs(m app.Meta) []any {
	return []any{m.Version, hlcValue(m.HLC), us(m.CreatedAt), us(m.UpdatedAt), nullUS(m.DeletedAt)}
}

// updateMeta is the SET clause for metaCols on update.
const updateMeta = "version = ?, hlc = ?, updated_at = ?, deleted_at = ?"

func updateMetaArgs(m app.Meta) []any {
	return []any{m.Version, hlcValue(m.HLC), us(m.UpdatedAt), nullUS(m.DeletedAt)}
}

// exec runs a statement that must change exactly one row; none means the row was missing or
// its version moved, reported as ErrPrecondition so callers can tell a lost race.
func exec1(ctx context.Context, q querier, what, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n != 1 {
		return fmt.Errorf("%s: row missing or changed: %w", what, app.ErrPrecondition)
	}
	return nil
}

// queryList runs a query and scans every row with scan.
func queryList[T any](ctx context.Context, q querier, what string, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	return queryListCap(ctx, q, what, 0, scan, query, args...)
}

// queryListCap is queryList for a query expected to return up to n rows (its LIMIT): the
// result is allocated once for them instead of grown as rows arrive.
func queryListCap[T any](ctx context.Context, q querier, what string, n int, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	if n > 0 {
		out = make([]T, 0, n)
	}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(out) == 0 {
		return nil, nil // as without the capacity: no rows is a nil list
	}
	return out, nil
}

// rowScanner is what *sql.Row and *sql.Rows share.
type rowScanner interface{ Scan(dest ...any) error }

// getOne scans one row, mapping no rows to ErrNotFound.
func getOne[T any](what string, scan func(rowScanner) (T, error), row *sql.Row) (T, error) {
	v, err := scan(row)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return v, nil
}

// catalogPage appends the shared filters of catalog lists (archived, cursor, limit).
func catalogPage(query string, args []any, f app.CatalogFilter) (string, []any) {
	if !f.IncludeArchived {
		query += " AND archived = 0"
	}
	if f.Page.After != nil {
		query += " AND id > ?"
		args = append(args, f.Page.After.ID)
	}
	query += " ORDER BY id LIMIT ?"
	return query, append(args, f.Page.Limit)
}
