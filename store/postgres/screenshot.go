package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// screenshots stores screenshot rows (app.Screenshots); the images are files (app).
type screenshots struct{ d *db }

// Screenshots gives the screenshot queries of the transaction.
func (t *txn) Screenshots() app.Screenshots { return screenshots{t.d} }

const shotCols = "s.id, s.tenant_id, s.organization_id, s.user_id, s.time_entry_id, s.slot_start, s.taken_at, s.hash, " +
	"s.width, s.height, s.bytes, s.image_pending, s.version, s.hlc, s.created_at, s.updated_at, s.deleted_at"

func scanShot(r rowScanner) (app.Screenshot, error) {
	var s app.Screenshot
	err := r.Scan(append([]any{&s.ID, &s.TenantID, &s.OrganizationID, &s.UserID, &s.EntryID, &s.SlotStart, &s.TakenAt, &s.Hash,
		&s.Width, &s.Height, &s.Bytes, &s.ImagePending}, metaDest(&s.Meta)...)...)
	s.SlotStart, s.TakenAt = s.SlotStart.UTC(), s.TakenAt.UTC()
	return s, err
}

func (s screenshots) Insert(ctx context.Context, sc app.Scope, sh app.Screenshot) error {
	if sh.TenantID != sc.TenantID || sh.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert screenshot: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO screenshots (id, tenant_id, organization_id, user_id,
		time_entry_id, slot_start, taken_at, hash, width, height, bytes, image_pending, `+metaCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{sh.ID, sh.TenantID, sh.OrganizationID, sh.UserID, sh.EntryID, ts(sh.SlotStart), ts(sh.TakenAt), sh.Hash,
			sh.Width, sh.Height, sh.Bytes, sh.ImagePending}, metaArgs(sh.Meta)...)...)
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

func (s screenshots) PendingImages(ctx context.Context, sc app.Scope, limit int) ([]app.Screenshot, error) {
	return queryList(ctx, s.d, sc.TenantID, "screenshots pending upload", 0, scanShot,
		`SELECT `+shotCols+` FROM screenshots s WHERE s.tenant_id = ? AND s.image_pending AND s.deleted_at IS NULL
		ORDER BY s.taken_at, s.id LIMIT ?`, sc.TenantID, limit)
}

func (s screenshots) ImageSent(ctx context.Context, sc app.Scope, id uuid.UUID) error {
	// A device's mark (a server's rows never have it set): no version or change-log row.
	_, err := s.d.exec(ctx, sc.TenantID, `UPDATE screenshots SET image_pending = false WHERE tenant_id = ? AND id = ?`, sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("screenshot image sent: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) ImageUnsent(ctx context.Context, sc app.Scope, id uuid.UUID) error {
	// A device's mark, as ImageSent.
	_, err := s.d.exec(ctx, sc.TenantID, `UPDATE screenshots SET image_pending = true WHERE tenant_id = ? AND id = ?`, sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("screenshot image unsent: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) PutImage(ctx context.Context, sc app.Scope, hash string, image, thumb []byte, at time.Time) error {
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO screenshot_images (tenant_id, hash, image, thumb, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, hash) DO UPDATE SET created_at = excluded.created_at`, sc.TenantID, hash, image, thumb, ts(at))
	if err != nil {
		return fmt.Errorf("put screenshot image: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) Image(ctx context.Context, sc app.Scope, hash string, thumb bool) ([]byte, error) {
	col := "image"
	if thumb {
		col = "thumb"
	}
	var b []byte
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT `+col+` FROM screenshot_images WHERE tenant_id = ? AND hash = ?`, sc.TenantID, hash).Scan(&b)
	if err != nil {
		if errors.Is(mapErr(err), app.ErrNotFound) {
			return nil, fmt.Errorf("screenshot image: %w", app.ErrNotFound)
		}
		return nil, fmt.Errorf("screenshot image: %w", mapErr(err))
	}
	return b, nil
}

func (s screenshots) HasImage(ctx context.Context, sc app.Scope, hash string) (bool, error) {
	var kept bool
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT EXISTS (SELECT 1 FROM screenshot_images WHERE tenant_id = ? AND hash = ?)`,
		sc.TenantID, hash).Scan(&kept)
	if err != nil {
		return false, fmt.Errorf("screenshot image kept: %w", mapErr(err))
	}
	return kept, nil
}

func (s screenshots) DeleteImage(ctx context.Context, sc app.Scope, hash string) error {
	if _, err := s.d.exec(ctx, sc.TenantID, `DELETE FROM screenshot_images WHERE tenant_id = ? AND hash = ?`, sc.TenantID, hash); err != nil {
		return fmt.Errorf("delete screenshot image: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) SweepImages(ctx context.Context, sc app.Scope, before time.Time) (int64, error) {
	n, err := s.d.exec(ctx, sc.TenantID, `DELETE FROM screenshot_images WHERE tenant_id = ? AND created_at < ?
		AND NOT EXISTS (SELECT 1 FROM screenshots s WHERE s.tenant_id = screenshot_images.tenant_id
			AND s.hash = screenshot_images.hash AND s.deleted_at IS NULL)`, sc.TenantID, before)
	if err != nil {
		return 0, fmt.Errorf("sweep screenshot images: %w", mapErr(err))
	}
	return n, nil
}

// pullShots appends to a pull's rows the screenshots above its cursor the user may see:
// the rule of activity slots (store/postgres/sync.go), every one in the organizations all
// names, the user's own in those own names.
func pullShots(ctx context.Context, d *db, tenant uuid.UUID, rows []app.SyncRow, after int64, all, own []uuid.UUID, user uuid.UUID,
	n int) ([]app.SyncRow, error) {
	return pullKind(ctx, d, tenant, rows, app.SyncScreenshot, scanSyncedShot, func(v app.SyncedShot) uuid.UUID { return v.ID },
		`SELECT s.server_version, `+shotCols+` FROM screenshots s
		 WHERE s.tenant_id = ? AND s.server_version > ?
		 AND (s.organization_id = ANY(?) OR (s.organization_id = ANY(?) AND s.user_id = ?))
		 ORDER BY s.server_version LIMIT ?`, tenant, after, all, own, user, n)
}

// scanSyncedShot scans a screenshot as sync carries it.
func scanSyncedShot(r rowScanner) (app.SyncedShot, error) {
	sh, err := scanShot(r)
	return sh.Synced(), err
}
