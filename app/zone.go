package app

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PickZone is Stint's one rule for the time zone a person's days and clock times are shown
// and recorded in: the user's own zone, else the workspace's (organization's), else UTC.
// The machine's zone never counts, so the window, the tray, the CLI and the API agree
// whichever computer or server shows the data. Names that do not load (and "Local", which
// means the machine's zone) are skipped.
func PickZone(userTZ, orgTZ string) (*time.Location, string) {
	for _, tz := range []string{userTZ, orgTZ} {
		if tz == "" || tz == "Local" {
			continue
		}
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc, tz
		}
	}
	return time.UTC, "UTC"
}

// UserZone is the actor's time zone by PickZone: the zone to show their entries in, cut
// their days in, and stamp new entries with when a client names none.
func (s *Service) UserZone(ctx context.Context, a Actor) (*time.Location, string, error) {
	var tz string
	if err := s.store.Read(ctx, func(tx Tx) error { tz = actorZone(ctx, tx, a); return nil }); err != nil {
		return nil, "", fmt.Errorf("time zone of user %s: %w", a.UserID, err)
	}
	loc, tz := PickZone(tz, "")
	return loc, tz, nil
}

// actorZone is PickZone's name for the actor inside a transaction: the user's zone, else the
// organization's, else UTC. Services use it wherever a request names no zone.
func actorZone(ctx context.Context, tx Tx, a Actor) string {
	var userTZ, orgTZ string
	if u, err := tx.Users().Get(ctx, a.Scope(), a.UserID); err == nil {
		userTZ = u.Timezone
	}
	if o, err := tx.Organizations().Get(ctx, a.Scope(), a.OrgID); err == nil {
		orgTZ = o.Timezone
	}
	_, tz := PickZone(userTZ, orgTZ)
	return tz
}

// SetMyTimezone sets the actor's own time zone, the first choice of PickZone. An empty tz
// clears it, so the organization's zone applies. On a device connected to a team server the
// change goes up like any synced row (app/syncuser.go).
func (s *Service) SetMyTimezone(ctx context.Context, a Actor, tz string) (User, error) {
	return s.setMyTimezone(ctx, a, tz, false)
}

// setMyTimezone is SetMyTimezone; always writes the row even when the zone is the one it
// has (a push whose zone lost under last writer wins).
func (s *Service) setMyTimezone(ctx context.Context, a Actor, tz string, always bool) (User, error) {
	tz = strings.TrimSpace(tz)
	var c checker
	checkTimezone(&c, "timezone", tz)
	if err := c.err(); err != nil {
		return User{}, err
	}
	var out User
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		u, err := tx.Users().Get(ctx, a.Scope(), a.UserID)
		if err != nil {
			return err
		}
		if u.Timezone == tz && !always {
			out = u
			return nil
		}
		before := u
		u.Timezone = tz
		prev := s.touch(&u.Meta, now)
		if err := tx.Users().Update(ctx, a.Scope(), u, prev); err != nil {
			return err
		}
		out = u
		return s.record(ctx, tx, a.Scope(), &a.UserID, change{action: "user.update", entity: EntityUser, id: u.ID, meta: u.Meta, row: u, before: before})
	})
	return out, err
}
