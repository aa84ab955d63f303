package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// screenshots stores screenshot rows (app.Screenshots); the images are files (app).
type screenshots struct{ d *db }

// Screenshots gives the screenshot queries of the transaction.
func (t *txn) Screenshots() app.Screenshots { return screenshots{t.d} }

const shotCols = "s.id, s.tenant_id, s.organization_id, s.user_id, s.time_entry_id, s.slot_start, s.taken_at, s.hash, " +
	"s.width, s.height, s.bytes, s.version, s.hlc, s.created_at, s.updated_at, s.deleted_at"

func scanShot(r rowScanner) (app.Screenshot, error) {
	var s app.Screenshot
	err := r.Scan(append([]any{&s.ID, &s.TenantID, &s.OrganizationID, &s.UserID, &s.EntryID, &s.SlotStart, &s.TakenAt, &s.Hash,
		&s.Width, &s.Height, &s.Bytes}, metaDest(&s.Meta)...)...)
	s.SlotStart, s.TakenAt = s.SlotStart.UTC(), s.TakenAt.UTC()
	return s, err
}

func (s screenshots) Insert(ctx context.Context, sc app.Scope, sh app.Screenshot) error {
	if sh.TenantID != sc.TenantID || sh.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert screenshot: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO screenshots (id, tenant_id, organization_id, user_id,
		time_entry_id, slot_start, taken_at, hash, width, height, bytes, `+metaCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{sh.ID, sh.TenantID, sh.OrganizationID, sh.UserID, sh.EntryID, ts(sh.SlotStart), ts(sh.TakenAt), sh.Hash,
			sh.Width, sh.Height, sh.Bytes}, metaArgs(sh.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert screenshot: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Screenshot, error) {
	return getOne("get screenshot", scanShot, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+shotCols+` FROM screenshots s WHERE s.id = ? AND s.tenant_id = ? AND s.organization_id = ? AND s.deleted_at IS NULL`,
		id, sc.TenantID, sc.OrgID))
}

func (s screenshots) Update(ctx context.Context, sc app.Scope, sh app.Screenshot, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update screenshot",
		`UPDATE screenshots SET `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(updateMetaArgs(sh.Meta), sc.TenantID, sc.OrgID, sh.ID, prev)...)
}

func (s screenshots) List(ctx context.Context, sc app.Scope, f app.ScreenshotFilter) ([]app.Screenshot, error) {
	query := `SELECT ` + shotCols + ` FROM screenshots s JOIN time_entries e ON e.id = s.time_entry_id
		WHERE s.tenant_id = ? AND s.organization_id = ? AND s.taken_at >= ? AND s.taken_at < ?
		AND s.deleted_at IS NULL AND e.deleted_at IS NULL`
	args := []any{sc.TenantID, sc.OrgID, ts(f.From), ts(f.To)}
	if f.UserID != nil {
		query += ` AND s.user_id = ?`
		args = append(args, *f.UserID)
	}
	query += ` ORDER BY s.taken_at, s.id`
	return queryList(ctx, s.d, sc.TenantID, "list screenshots", 0, scanShot, query, args...)
}

func (s screenshots) HashInUse(ctx context.Context, sc app.Scope, hash string) (bool, error) {
	var used bool
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT EXISTS (SELECT 1 FROM screenshots WHERE tenant_id = ? AND hash = ? AND deleted_at IS NULL)`,
		sc.TenantID, hash).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("screenshot hash in use: %w", mapErr(err))
	}
	return used, nil
}
