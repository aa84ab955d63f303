package sync_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/stinthq/stint/app"
)

// The simulation's operations on a user's own row (docs/sync.md, "Users"): a user sets
// their own time zone on a device, offline, and one of the tenant's users sets theirs
// through the server's API meanwhile (PATCH /v1/me from elsewhere). The oracle follows
// each user's zone like any field, under last writer wins.

// simZones are the zones the users pick from; "" clears the user's own zone.
var simZones = []string{"", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Pacific/Auckland"}

// simUserFields are the fields the oracle follows on a user: those PATCH /v1/me changes.
var simUserFields = []string{"timezone"}

// followedFields are the fields the oracle follows on a row of the entity.
func followedFields(entity string) []string {
	if entity == app.EntityUser {
		return simUserFields
	}
	return simFields
}

// otherZone is a zone of simZones other than tz.
func (s *sim) otherZone(tz string) string {
	z, _ := pick(s, slices.DeleteFunc(slices.Clone(simZones), func(z string) bool { return z == tz }))
	return z
}

// zoneOp sets the device's user's own zone to another, offline, and returns what it did
// for the trace.
func (s *sim) zoneOp(d *simDevice, a app.Actor) (string, error) {
	ctx := context.Background()
	me, err := d.svc.Me(ctx, a)
	if err != nil {
		return "own zone", err
	}
	tz := s.otherZone(me.User.Timezone)
	_, err = d.svc.SetMyTimezone(ctx, a, tz)
	s.userEdited(d, a, err, a.UserID, "timezone")
	return fmt.Sprintf("own zone %s: %q", short(a.UserID), tz), err
}

// serverZoneOp is one of the tenant's users (a device's, picked at random) setting their
// own zone through the server's API.
func (s *sim) serverZoneOp(ctx context.Context, tenant int) (string, error) {
	var users []*simDevice
	for _, d := range s.devs {
		if d.tenant == tenant {
			users = append(users, d)
		}
	}
	d, ok := pick(s, users)
	if !ok {
		return "own zone", nil
	}
	a, err := s.srv.svc.Authenticate(ctx, d.token, nil)
	if err != nil {
		return "own zone", err
	}
	me, err := s.srv.svc.Me(ctx, a)
	if err != nil {
		return "own zone", err
	}
	tz := s.otherZone(me.User.Timezone)
	out, err := s.srv.svc.SetMyTimezone(ctx, a, tz)
	if err == nil {
		s.oracle.serverWrote(out.ID, out)
	}
	return fmt.Sprintf("%s's own zone %s: %q", d.name, short(a.UserID), tz), err
}
