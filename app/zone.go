package app

import (
	"context"
	"fmt"
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
	var u User
	var o Organization
	err := s.store.Read(ctx, func(tx Tx) error {
		sc := a.Scope()
		var err error
		if u, err = tx.Users().Get(ctx, sc, a.UserID); err != nil {
			return err
		}
		o, err = tx.Organizations().Get(ctx, sc, a.OrgID)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("time zone of user %s: %w", a.UserID, err)
	}
	loc, tz := PickZone(u.Timezone, o.Timezone)
	return loc, tz, nil
}
