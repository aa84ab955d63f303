package postgres

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/stinthq/stint/app"
)

// HLC stamps are stored as store/sqlite stores them: 8 bytes of wall milliseconds and 4 of
// the logical counter, both big-endian, then the node id, so byte order is stamp order.

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

// Instants are timestamptz, microseconds; Go's nanoseconds below that are dropped, as
// store/sqlite drops them, and scanned instants come back in UTC (poolConfig).
func ts(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

func nullTS(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// metaCols are the bookkeeping columns every synced table ends with, in this order.
const metaCols = "version, hlc, created_at, updated_at, deleted_at"

func metaDest(m *app.Meta) []any {
	return []any{&m.Version, hlcScan{&m.HLC}, &m.CreatedAt, &m.UpdatedAt, &m.DeletedAt}
}

func metaArgs(m app.Meta) []any {
	return []any{m.Version, hlcValue(m.HLC), ts(m.CreatedAt), ts(m.UpdatedAt), nullTS(m.DeletedAt)}
}

// updateMeta is the SET clause for metaCols on update.
const updateMeta = "version = ?, hlc = ?, updated_at = ?, deleted_at = ?"

func updateMetaArgs(m app.Meta) []any {
	return []any{m.Version, hlcValue(m.HLC), ts(m.UpdatedAt), nullTS(m.DeletedAt)}
}

// catalogPage appends the shared filters of catalog lists (archived, cursor, limit).
func catalogPage(query string, args []any, f app.CatalogFilter) (string, []any) {
	if !f.IncludeArchived {
		query += " AND NOT archived"
	}
	if f.Page.After != nil {
		query += " AND id > ?"
		args = append(args, f.Page.After.ID)
	}
	query += " ORDER BY id LIMIT ?"
	return query, append(args, f.Page.Limit)
}
