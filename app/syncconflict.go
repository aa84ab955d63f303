package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// ConflictQuery selects a conflict log: one row's (EntityID set), else the organization's
// newest first, a page at a time.
type ConflictQuery struct {
	EntityID *uuid.UUID
	Page     ListParams
}

// ListSyncConflicts lists the values that lost to a later edit when devices synced (last
// writer wins per field), each with the value the row kept. One row's log is there for
// whoever may read the row, oldest first, whole. Otherwise it is the organization's log,
// newest first: a member's holds the values that member pushed and lost, a manager's and
// above everyone's.
func (s *Service) ListSyncConflicts(ctx context.Context, a Actor, q ConflictQuery) (Page[SyncConflict], error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return Page[SyncConflict]{}, err
	}
	if q.EntityID != nil {
		return s.rowConflicts(ctx, a, *q.EntityID)
	}
	pr, err := q.Page.request()
	if err != nil {
		return Page[SyncConflict]{}, err
	}
	var user *uuid.UUID
	if !a.Role.Can(PermEntriesReadAll) {
		user = &a.UserID
	}
	var before *SyncConflict
	if pr.After != nil {
		before = &SyncConflict{At: pr.After.Time, ID: pr.After.ID}
	}
	var cs []SyncConflict
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		cs, err = tx.SyncMutations().RecentConflicts(ctx, a.Scope(), user, before, pr.Limit+1)
		return err
	})
	if err != nil {
		return Page[SyncConflict]{}, fmt.Errorf("conflicts: %w", err)
	}
	return paginate(cs, pr.Limit, func(c SyncConflict) Cursor { return Cursor{Time: c.At, ID: c.ID} }), nil
}

// rowConflicts is one row's conflict log, for whoever may read the row: the row is looked
// up as its entity, through the service's own read rules, so a member asking for another
// member's entry gets ErrNotFound, as for the entry itself. A row without conflicts answers
// an empty log, whether or not it exists.
func (s *Service) rowConflicts(ctx context.Context, a Actor, id uuid.UUID) (Page[SyncConflict], error) {
	var cs []SyncConflict
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		cs, err = tx.SyncMutations().Conflicts(ctx, Scope{TenantID: a.TenantID}, id)
		return err
	})
	if err != nil {
		return Page[SyncConflict]{}, fmt.Errorf("conflicts: %w", err)
	}
	if len(cs) == 0 {
		return Page[SyncConflict]{Items: []SyncConflict{}}, nil
	}
	if cs[0].OrganizationID != a.OrgID {
		return Page[SyncConflict]{}, fmt.Errorf("conflicts of %s: %w", id, ErrNotFound)
	}
	if _, _, _, err := s.currentRow(ctx, a, cs[0].Entity, id); err != nil {
		return Page[SyncConflict]{}, err
	}
	return Page[SyncConflict]{Items: cs}, nil
}

// ConflictRemote is a team server that shows its conflict log; the HTTP remote of package
// sync is one.
type ConflictRemote interface {
	// Conflicts reads org's log: one row's when entity is set, else the newest limit.
	Conflicts(ctx context.Context, org uuid.UUID, entity *uuid.UUID, limit int) ([]SyncConflict, error)
}

// Conflicts reads the newest limit records of the team server's conflict log for a (the
// log lives on the server, which resolves the edits): an error wrapping ErrNotFound when this device
// syncs with no server.
func (w *SyncWorker) Conflicts(ctx context.Context, a Actor, limit int) ([]SyncConflict, error) {
	var url string
	if err := w.svc.store.Read(ctx, func(tx Tx) error {
		var err error
		url, err = optionalSetting(ctx, tx, settingSyncURL)
		return err
	}); err != nil {
		return nil, err
	}
	tok, err := w.opts.Tokens.RemoteToken()
	if url == "" || tok == "" || err != nil || w.opts.Dial == nil {
		return nil, fmt.Errorf("conflicts: %w: %w", errNotConnected, ErrNotFound)
	}
	remote, err := w.opts.Dial(url, tok)
	if err != nil {
		return nil, err
	}
	cr, ok := remote.(ConflictRemote)
	if !ok {
		return nil, fmt.Errorf("conflicts: the team server's client reads no conflict log: %w", errors.ErrUnsupported)
	}
	return cr.Conflicts(ctx, a.OrgID, nil, limit)
}
