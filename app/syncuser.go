package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// Sync of a user's own row (docs/sync.md, "Users"): the fields a user may change about
// themselves through PATCH /v1/me (their time zone, Settings on the desktop) are changed on
// a device and pushed like any other row, through the same rule (SetMyTimezone) and its
// validation, last writer wins per field. A device pushes only its own user: another user's
// row is refused as forbidden and the device takes the server's back. A user is made and
// removed on the server (sign-up, members, invitations), never by a push, and nothing else
// of the row (name, e-mail, password) is taken from a device.

// EntityUser is the device's own user row in a push.
const EntityUser = "user"

// userFields are the fields of a user a device edits, each a unit of last writer wins:
// those PATCH /v1/me changes.
var userFields = []string{"timezone"}

// pushUser applies the device's own user row through SetMyTimezone's rule. The row is
// written even when its zone does not change, so a pushed zone that lost to a newer one
// still gives the row a new version, which brings the server's zone back to the device.
func (s *Service) pushUser(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	if m.EntityID != a.UserID {
		return nil, 0, fmt.Errorf("a device changes only its own user: %w", ErrForbidden)
	}
	if create || m.Op == OpDelete {
		return nil, 0, Conflict("a user is created and removed on the server, not by a device")
	}
	var in struct {
		Timezone *string `json:"timezone"`
	}
	if err := json.Unmarshal(m.Row, &in); err != nil || in.Timezone == nil {
		// A device from before users synced sent only the id: it never meant to clear
		// the zone.
		return nil, 0, Invalid("row", "must be a user as JSON, with its timezone")
	}
	out, err := s.setMyTimezone(ctx, a, *in.Timezone, true)
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(out)
	return b, out.Version, err
}

// userByID reads a user the actor may read as a pushed row: one with a membership (removed
// ones too) in the actor's organization, as a pull brings them.
func (s *Service) userByID(ctx context.Context, a Actor, id uuid.UUID) (User, error) {
	var u User
	err := s.store.Read(ctx, func(tx Tx) error {
		if _, err := tx.Memberships().Get(ctx, a.Scope(), id); err != nil {
			return err
		}
		var err error
		u, err = tx.Users().Get(ctx, a.Scope(), id)
		return err
	})
	return u, err
}

// settingSyncZoneRequeued marks that the device has looked, once, for a zone change of its
// user that a server from before users synced refused (requeueRefusedZone).
const settingSyncZoneRequeued = "sync.zone_requeued"

// requeueRefusedZone runs once on a device: when the user's own zone change was refused by
// a server from before users synced (kept among the rejections as invalid) and nothing of
// the user waits in the outbox, it queues the user's zone again, stamped with the row's own
// stamp. That is the refused edit's when the row has not been pulled since, so a zone set
// on the server later still wins; when it has been, the device holds the server's zone at
// the server's stamp, and the push changes nothing.
func (s *Service) requeueRefusedZone(ctx context.Context, a Actor) error {
	var done string
	if err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		done, err = optionalSetting(ctx, tx, settingSyncZoneRequeued)
		return err
	}); err != nil || done != "" {
		return err
	}
	return s.store.Write(ctx, func(tx Tx) error {
		rs, err := rejections(ctx, tx)
		if err != nil {
			return err
		}
		refused := slices.ContainsFunc(rs, func(r SyncRejection) bool {
			return r.Entity == EntityUser && r.EntityID == a.UserID && r.Reason == RejectInvalid
		})
		if refused {
			pending, err := pendingEntities(ctx, tx, a)
			if err != nil {
				return err
			}
			if !pending[a.UserID] {
				sc := Scope{TenantID: a.TenantID}
				u, err := tx.Users().Get(ctx, sc, a.UserID)
				if errors.Is(err, ErrNotFound) {
					// Not pulled yet: the device holds no zone of the user's to send.
					return tx.Device().Put(ctx, settingSyncZoneRequeued, "1")
				}
				if err != nil {
					return fmt.Errorf("requeue zone: %w", err)
				}
				if err := tx.Changes().Append(ctx, sc, Change{ID: NewID(), TenantID: a.TenantID, Entity: EntityUser, EntityID: u.ID,
					Op: OpUpsert, Version: u.Version, HLC: u.HLC, At: s.Now(), Fields: FieldStamps{"timezone": u.HLC}}); err != nil {
					return fmt.Errorf("requeue zone: %w", err)
				}
			}
		}
		return tx.Device().Put(ctx, settingSyncZoneRequeued, "1")
	})
}
