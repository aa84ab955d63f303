package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// What the device keeps for its sync status beyond one process (docs/sync.md, "Sync
// status"): when the server stopped answering, so that "offline since" survives a restart
// of the desktop or a `stint sync` run between two of its rounds.

// settingSyncOfflineSince holds when the first failed round of a streak found the server
// unreachable; a round that reaches the server clears it.
const settingSyncOfflineSince = "sync.offline_since"

// noteOffline records, in the transaction that records a failed round, when the device went
// offline: the first unreachable round of a streak writes the instant, later ones keep it. A
// server that answers, even with an error, is not offline.
func noteOffline(ctx context.Context, tx Tx, roundErr error, now string) error {
	if !errors.Is(roundErr, ErrUnavailable) {
		return tx.Device().Delete(ctx, settingSyncOfflineSince)
	}
	if v, err := optionalSetting(ctx, tx, settingSyncOfflineSince); err != nil || v != "" {
		return err
	}
	return tx.Device().Put(ctx, settingSyncOfflineSince, now)
}

// SyncDeferred is a row pulled from the server that the device could not apply yet and
// keeps among the deferred rows (sync.deferred), with why; it is tried again with every
// page. Many of them, or one that stays, is worth the user's attention.
type SyncDeferred struct {
	Kind    SyncKind  `json:"kind"`
	ID      uuid.UUID `json:"id"`
	Version int64     `json:"server_version"`
	Why     string    `json:"why"`
}

// Why a pulled row waits.
const (
	deferredMissing = "it names a row that has not arrived yet; a later pull brings it"
	deferredRunning = "a running timer, while this device's other running timer has not been stopped yet"
	deferredOther   = "this device cannot apply it as its own rows stand yet"
)

// deferredReport lists the deferred rows with why each waits.
func deferredReport(ctx context.Context, tx Tx, tenant uuid.UUID) ([]SyncDeferred, error) {
	rows, err := deferredRows(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make([]SyncDeferred, 0, len(rows))
	for _, r := range rows {
		d := SyncDeferred{Kind: r.Kind, ID: r.ID, Version: r.Version, Why: deferredOther}
		missing, err := missingReferent(ctx, tx, tenant, r)
		if err != nil {
			return nil, fmt.Errorf("deferred %s %s: %w", r.Kind, r.ID, err)
		}
		if missing {
			d.Why = deferredMissing
		} else if r.Kind == SyncTimeEntry {
			var e struct {
				StoppedAt *time.Time `json:"stopped_at"`
			}
			if json.Unmarshal(r.Row, &e) == nil && e.StoppedAt == nil {
				d.Why = deferredRunning
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// RejectNotApplied marks, among the rejections the user sees, a row from the server that
// waited among the deferred rows when the device pulled everything again (a resync): it is
// set aside rather than dropped silently. The pull brings it again if the user may still
// see it.
const RejectNotApplied RejectReason = "not_applied"

// RejectionSetAside is what became of such a row: the device's rows stayed as they were.
const RejectionSetAside = "set aside"

// keepDeferredAsNotices, in the transaction that starts a resync, keeps each deferred row
// as a notice among the rejections before the resync forgets them.
func keepDeferredAsNotices(ctx context.Context, tx Tx, tenant uuid.UUID, now time.Time) error {
	ds, err := deferredReport(ctx, tx, tenant)
	if err != nil || len(ds) == 0 {
		return err
	}
	rows, err := deferredRows(ctx, tx)
	if err != nil {
		return err
	}
	why := make(map[uuid.UUID]string, len(ds))
	for _, d := range ds {
		why[d.ID] = d.Why
	}
	return setAsideNotices(ctx, tx, rows, func(r RemoteRow) string {
		return "a change from the server could not be applied here: " + why[r.ID]
	}, now)
}

// setAsideNotices keeps pulled rows the device sets aside among the rejections the user
// sees (reason not_applied, outcome set aside), each with its message and the row as it
// came.
func setAsideNotices(ctx context.Context, tx Tx, rows []RemoteRow, message func(RemoteRow) string, now time.Time) error {
	kept, err := rejections(ctx, tx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		kept = append(kept, SyncRejection{MutationID: NewID(), Entity: string(r.Kind), EntityID: r.ID, Op: OpUpsert,
			Reason: RejectNotApplied, Message: message(r), At: now, Row: r.Row, Outcome: RejectionSetAside})
	}
	if len(kept) > maxKeptRejections {
		kept = kept[len(kept)-maxKeptRejections:]
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	return tx.Device().Put(ctx, settingSyncRejections, string(b))
}

// PullFraction is how far a pull has come, between 0 and 1, from the server's answer: its
// cursor against the head it reported. ok is false before a page has told (only a count
// can be shown then). Versions have gaps, so it is an estimate, close for a first sync.
func (p SyncProgress) PullFraction() (f float64, ok bool) {
	if p.Head <= 0 || p.Cursor < 0 {
		return 0, false
	}
	return min(float64(p.Cursor)/float64(p.Head), 1), true
}
