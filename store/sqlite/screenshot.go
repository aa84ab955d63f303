package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// screenshots stores screenshot rows (app.Screenshots); the images are files (app).
type screenshots struct{ q querier }

// Screenshots gives the screenshot queries of the transaction.
func (t *txn) Screenshots() app.Screenshots { return screenshots{t.q} }

const shotCols = "s.id, s.tenant_id, s.organization_id, s.user_id, s.time_entry_id, s.slot_start, s.taken_at, s.hash, " +
	"s.width, s.height, s.bytes, s.image_pending, s.version, s.hlc, s.created_at, s.updated_at, s.deleted_at"

func scanShot(r rowScanner) (app.Screenshot, error) {
	var s app.Screenshot
	var m metaScan
	var slot, taken int64
	err := r.Scan(append([]any{&s.ID, &s.TenantID, &s.OrganizationID, &s.UserID, &s.EntryID, &slot, &taken, &s.Hash,
		&s.Width, &s.Height, &s.Bytes, &s.ImagePending}, m.dest(&s.Meta)...)...)
	if err != nil {
		return s, err
	}
	m.fill(&s.Meta)
	s.SlotStart, s.TakenAt = fromUS(slot), fromUS(taken)
	return s, nil
}

func (s screenshots) Insert(ctx context.Context, sc app.Scope, sh app.Screenshot) error {
	if sh.TenantID != sc.TenantID || sh.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert screenshot: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO screenshots (server_version, id, tenant_id, organization_id, user_id,
		time_entry_id, slot_start, taken_at, hash, width, height, bytes, image_pending, `+metaCols+`)
		VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{sh.ID, sh.TenantID, sh.OrganizationID, sh.UserID, sh.EntryID, us(sh.SlotStart), us(sh.TakenAt), sh.Hash,
			sh.Width, sh.Height, sh.Bytes, sh.ImagePending}, metaArgs(sh.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert screenshot: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Screenshot, error) {
	return getOne("get screenshot", scanShot, s.q.QueryRowContext(ctx,
		`SELECT `+shotCols+` FROM screenshots s WHERE s.id = ? AND s.tenant_id = ? AND s.organization_id = ? AND s.deleted_at IS NULL`,
		id, sc.TenantID, sc.OrgID))
}

func (s screenshots) Update(ctx context.Context, sc app.Scope, sh app.Screenshot, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update screenshot",
		`UPDATE screenshots SET server_version = `+stampValue+`, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(updateMetaArgs(sh.Meta), sc.TenantID, sc.OrgID, sh.ID, prev)...)
}

func (s screenshots) List(ctx context.Context, sc app.Scope, f app.ScreenshotFilter) ([]app.Screenshot, error) {
	query := `SELECT ` + shotCols + ` FROM screenshots s JOIN time_entries e ON e.id = s.time_entry_id
		WHERE s.tenant_id = ? AND s.organization_id = ? AND s.taken_at >= ? AND s.taken_at < ?
		AND s.deleted_at IS NULL AND e.deleted_at IS NULL`
	args := []any{sc.TenantID, sc.OrgID, us(f.From), us(f.To)}
	if f.UserID != nil {
		query += ` AND s.user_id = ?`
		args = append(args, *f.UserID)
	}
	query += ` ORDER BY s.taken_at, s.id`
	return queryList(ctx, s.q, "list screenshots", func(r *sql.Rows) (app.Screenshot, error) { return scanShot(r) }, query, args...)
}

func (s screenshots) HashInUse(ctx context.Context, sc app.Scope, hash string) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM screenshots WHERE tenant_id = ? AND hash = ? AND deleted_at IS NULL`,
		sc.TenantID, hash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("screenshot hash in use: %w", mapErr(err))
	}
	return n > 0, nil
}

func (s screenshots) PendingImages(ctx context.Context, sc app.Scope, limit int) ([]app.Screenshot, error) {
	return queryList(ctx, s.q, "screenshots pending upload", func(r *sql.Rows) (app.Screenshot, error) { return scanShot(r) },
		`SELECT `+shotCols+` FROM screenshots s INDEXED BY screenshots_image_pending
		WHERE s.tenant_id = ? AND s.image_pending = 1 AND s.deleted_at IS NULL ORDER BY s.taken_at, s.id LIMIT ?`, sc.TenantID, limit)
}

func (s screenshots) ImageSent(ctx context.Context, sc app.Scope, id uuid.UUID) error {
	// The device's own mark: no version, stamp or change of the row.
	_, err := s.q.ExecContext(ctx, `UPDATE screenshots SET image_pending = 0 WHERE tenant_id = ? AND id = ?`, sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("screenshot image sent: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) ImageUnsent(ctx context.Context, sc app.Scope, id uuid.UUID) error {
	// The device's own mark, as ImageSent.
	_, err := s.q.ExecContext(ctx, `UPDATE screenshots SET image_pending = 1 WHERE tenant_id = ? AND id = ?`, sc.TenantID, id)
	if err != nil {
		return fmt.Errorf("screenshot image unsent: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) PutImage(ctx context.Context, sc app.Scope, hash string, image, thumb []byte, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO screenshot_images (tenant_id, hash, image, thumb, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, hash) DO UPDATE SET created_at = excluded.created_at`, sc.TenantID, hash, image, thumb, us(at))
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
	err := s.q.QueryRowContext(ctx, `SELECT `+col+` FROM screenshot_images WHERE tenant_id = ? AND hash = ?`, sc.TenantID, hash).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("screenshot image: %w", app.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("screenshot image: %w", mapErr(err))
	}
	return b, nil
}

func (s screenshots) HasImage(ctx context.Context, sc app.Scope, hash string) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM screenshot_images WHERE tenant_id = ? AND hash = ?`, sc.TenantID, hash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("screenshot image kept: %w", mapErr(err))
	}
	return n > 0, nil
}

func (s screenshots) DeleteImage(ctx context.Context, sc app.Scope, hash string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM screenshot_images WHERE tenant_id = ? AND hash = ?`, sc.TenantID, hash); err != nil {
		return fmt.Errorf("delete screenshot image: %w", mapErr(err))
	}
	return nil
}

func (s screenshots) SweepImages(ctx context.Context, sc app.Scope, before time.Time) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM screenshot_images WHERE tenant_id = ? AND created_at < ?
		AND NOT EXISTS (SELECT 1 FROM screenshots s WHERE s.tenant_id = screenshot_images.tenant_id
			AND s.hash = screenshot_images.hash AND s.deleted_at IS NULL)`, sc.TenantID, us(before))
	if err != nil {
		return 0, fmt.Errorf("sweep screenshot images: %w", mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sweep screenshot images: %w", err)
	}
	return n, nil
}

// pullShots appends to a pull's rows the screenshots above its cursor that cond (on the
// alias s, the activity slots' rule of store/sqlite/sync.go) lets the user see; args are
// the pull's tenant and cursor, cond's arguments, then the limit.
func pullShots(ctx context.Context, q querier, rows []app.SyncRow, cond string, args []any) ([]app.SyncRow, error) {
	return pullKind(ctx, q, rows, app.SyncScreenshot, scanSyncedShot, func(v app.SyncedShot) uuid.UUID { return v.ID },
		`SELECT s.server_version, `+shotCols+` FROM screenshots s INDEXED BY screenshots_server_version
		 WHERE s.tenant_id = ? AND s.server_version > ? AND (`+cond+`)
		 ORDER BY s.server_version LIMIT ?`, args...)
}

// scanSyncedShot scans a screenshot as sync carries it.
func scanSyncedShot(r rowScanner) (app.SyncedShot, error) {
	sh, err := scanShot(r)
	return sh.Synced(), err
}
