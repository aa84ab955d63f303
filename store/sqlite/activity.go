package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// activitySlots stores the activity timer's slots (app.ActivitySlots).
type activitySlots struct{ q querier }

// ActivitySlots gives the slot queries of the transaction.
func (t *txn) ActivitySlots() app.ActivitySlots { return activitySlots{t.q} }

const slotCols = "s.id, s.tenant_id, s.organization_id, s.user_id, s.entry_id, s.slot_start, s.tracked_seconds, " +
	"s.active_seconds, s.keys, s.clicks, s.moves, s.apps, s.version, s.hlc, s.created_at, s.updated_at, s.deleted_at"

func scanSlot(r rowScanner) (app.ActivitySlot, error) {
	var s app.ActivitySlot
	var m metaScan
	var start, tracked, active int64
	var apps string
	err := r.Scan(append([]any{&s.ID, &s.TenantID, &s.OrganizationID, &s.UserID, &s.EntryID, &start, &tracked, &active,
		&s.Keys, &s.Clicks, &s.Moves, &apps}, m.dest(&s.Meta)...)...)
	if err != nil {
		return s, err
	}
	m.fill(&s.Meta)
	s.Start = fromUS(start)
	s.Tracked, s.Active = time.Duration(tracked)*time.Second, time.Duration(active)*time.Second
	if s.Apps, err = app.DecodeApps([]byte(apps)); err != nil {
		return s, fmt.Errorf("slot %s: apps: %w", s.ID, err)
	}
	return s, nil
}

func (s activitySlots) Get(ctx context.Context, sc app.Scope, entryID uuid.UUID, start time.Time) (app.ActivitySlot, error) {
	return getOne("get activity slot", scanSlot, s.q.QueryRowContext(ctx,
		`SELECT `+slotCols+` FROM activity_slots s WHERE s.entry_id = ? AND s.slot_start = ? AND s.tenant_id = ? AND s.organization_id = ? AND s.deleted_at IS NULL`,
		entryID, us(start), sc.TenantID, sc.OrgID))
}

func (s activitySlots) Insert(ctx context.Context, sc app.Scope, slot app.ActivitySlot) error {
	if slot.TenantID != sc.TenantID || slot.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert activity slot: scope mismatch: %w", app.ErrNotFound)
	}
	apps, err := app.EncodeApps(slot.Apps)
	if err != nil {
		return fmt.Errorf("insert activity slot: %w", err)
	}
	_, err = stamped(s.q, sc).ExecContext(ctx, `INSERT INTO activity_slots (server_version, id, tenant_id, organization_id, user_id, entry_id,
		slot_start, tracked_seconds, active_seconds, keys, clicks, moves, apps, `+metaCols+`)
		VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{slot.ID, slot.TenantID, slot.OrganizationID, slot.UserID, slot.EntryID, us(slot.Start),
			int64(slot.Tracked / time.Second), int64(slot.Active / time.Second), slot.Keys, slot.Clicks, slot.Moves, apps},
			metaArgs(slot.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert activity slot: %w", mapErr(err))
	}
	return nil
}

func (s activitySlots) Update(ctx context.Context, sc app.Scope, slot app.ActivitySlot, prev int64) error {
	apps, err := app.EncodeApps(slot.Apps)
	if err != nil {
		return fmt.Errorf("update activity slot: %w", err)
	}
	return exec1(ctx, stamped(s.q, sc), "update activity slot",
		`UPDATE activity_slots SET server_version = `+stampValue+`, entry_id = ?, tracked_seconds = ?, active_seconds = ?, keys = ?, clicks = ?,
		moves = ?, apps = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{slot.EntryID, int64(slot.Tracked / time.Second), int64(slot.Active / time.Second), slot.Keys, slot.Clicks, slot.Moves, apps},
			updateMetaArgs(slot.Meta)...), sc.TenantID, sc.OrgID, slot.ID, prev)...)
}

func (s activitySlots) List(ctx context.Context, sc app.Scope, f app.ActivityFilter) ([]app.ActivitySlot, error) {
	query := `SELECT ` + slotCols + ` FROM activity_slots s JOIN time_entries e ON e.id = s.entry_id
		WHERE s.tenant_id = ? AND s.organization_id = ? AND s.slot_start >= ? AND s.slot_start < ?
		AND s.deleted_at IS NULL AND e.deleted_at IS NULL
		AND s.slot_start < coalesce(e.stopped_at, ?) AND s.slot_start + ? > e.started_at`
	args := []any{sc.TenantID, sc.OrgID, us(f.From), us(f.To), us(f.Now), int64(app.SlotLength / time.Microsecond)}
	if f.UserID != nil {
		query += ` AND s.user_id = ?`
		args = append(args, *f.UserID)
	}
	query += ` ORDER BY s.slot_start, s.user_id, s.entry_id`
	return queryList(ctx, s.q, "list activity slots", func(r *sql.Rows) (app.ActivitySlot, error) { return scanSlot(r) }, query, args...)
}

func (s activitySlots) Move(ctx context.Context, sc app.Scope, from, to uuid.UUID, since time.Time, hlc string, at time.Time) error {
	_, err := stamped(s.q, sc).ExecContext(ctx, `UPDATE activity_slots SET server_version = `+stampValue+`, entry_id = ?,
		version = version + 1, hlc = ?, updated_at = ?
		WHERE tenant_id = ? AND organization_id = ? AND entry_id = ? AND slot_start >= ? AND deleted_at IS NULL`,
		to, hlcValue(hlc), us(at), sc.TenantID, sc.OrgID, from, us(since))
	if err != nil {
		return fmt.Errorf("move activity slots: %w", mapErr(err))
	}
	return nil
}
