package app

import (
	"context"
	"encoding/json"
	"fmt"

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
