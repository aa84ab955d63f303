package postgres

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
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

// uuidCodec is pgx's uuid codec taught the uuid.UUID every id is: pgx knows it only as a
// driver.Valuer and sql.Scanner, so it bound each id by formatting it as text, failing to
// encode the text (building an error message), parsing it back and encoding that, and
// scanned each one through its text form: about 20 allocations per id bound, and dozens
// of ids per request. This one copies the 16 bytes.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case uuid.UUID, *uuid.UUID:
		if format == pgtype.BinaryFormatCode {
			return encodeUUID{}
		}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return scanUUID{}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type encodeUUID struct{}

func (encodeUUID) Encode(value any, buf []byte) ([]byte, error) {
	switch v := value.(type) {
	case uuid.UUID:
		return append(buf, v[:]...), nil
	case *uuid.UUID:
		if v == nil {
			return nil, nil
		}
		return append(buf, v[:]...), nil
	}
	return nil, fmt.Errorf("encode uuid: unexpected %T", value)
}

type scanUUID struct{}

func (scanUUID) Scan(src []byte, dst any) error {
	if src == nil {
		*dst.(*uuid.UUID) = uuid.Nil // as uuid.UUID's own Scan does
		return nil
	}
	if len(src) != len(uuid.UUID{}) {
		return fmt.Errorf("scan uuid: %d bytes, want 16", len(src))
	}
	copy(dst.(*uuid.UUID)[:], src)
	return nil
}

// registerTypes sets a connection's type map up for Stint's values: instants scanned in
// UTC, and uuid.UUID bound and scanned as the 16 bytes it is, alone and in arrays.
func registerTypes(tm *pgtype.Map) {
	tm.RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
		Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
	u := &pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}}
	tm.RegisterType(u)
	tm.RegisterType(&pgtype.Type{Name: "_uuid", OID: pgtype.UUIDArrayOID, Codec: &pgtype.ArrayCodec{ElementType: u}})
}
