package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testEntryOverlap pins EntryFilter.Overlapping: every entry that overlaps [From, To) is
// listed, however long ago it started, and nothing else; a range's edges are half-open, and
// an entry of zero length inside the range counts (day lists show it).
func testEntryOverlap(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "overlap@example.com")
	other := app.User{ID: app.NewID(), TenantID: w.tenant.ID, Name: "Bob", Timezone: "UTC", Meta: meta(30)}
	// The range is the spring-forward day in Berlin: 23 hours.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 3, 29, 0, 0, 0, 0, berlin)
	to := time.Date(2026, 3, 30, 0, 0, 0, 0, berlin)
	us := time.Microsecond
	type span struct {
		name        string
		user        uuid.UUID
		start, stop time.Time // zero stop: running
		want        bool
	}
	spans := []span{
		{"running since three days before", other.ID, from.Add(-72 * time.Hour), time.Time{}, true},
		{"30 hours, into the range", w.user.ID, from.Add(-29 * time.Hour), from.Add(time.Hour), true},
		{"30 hours, over the whole range", w.user.ID, from.Add(-3 * time.Hour), from.Add(27 * time.Hour), true},
		{"30 hours, ending at from", w.user.ID, from.Add(-30 * time.Hour), from, false},
		{"ends exactly at from", w.user.ID, from.Add(-time.Hour), from, false},
		{"ends just after from", w.user.ID, from.Add(-23 * time.Hour), from.Add(us), true},
		{"starts exactly at from", w.user.ID, from, from.Add(time.Minute), true},
		{"inside, across the DST gap", w.user.ID, from.Add(time.Hour), from.Add(3 * time.Hour), true},
		{"starts just before to", w.user.ID, to.Add(-us), to.Add(time.Hour), true},
		{"starts exactly at to", w.user.ID, to, to.Add(time.Hour), false},
		{"a week before", w.user.ID, from.Add(-7 * 24 * time.Hour), from.Add(-7*24*time.Hour + time.Hour), false},
		{"zero length at from", w.user.ID, from, from, true},
		{"zero length at to", w.user.ID, to, to, false},
	}
	ids := map[uuid.UUID]string{}
	var want []string
	write(t, st, func(tx app.Tx) error {
		if err := tx.Users().Insert(ctx, w.sc, other); err != nil {
			return err
		}
		// The seed's entry (2026-03-29 00:30 UTC, 90 minutes) lies inside the range.
		ids[w.entry.ID] = "seed entry"
		want = append(want, "seed entry")
		for i, s := range spans {
			e := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: s.user,
				StartedAt: s.start.UTC(), Timezone: "Europe/Berlin", Source: app.SourceImport, TagIDs: []uuid.UUID{}, Meta: meta(40 + i)}
			if !s.stop.IsZero() {
				stop := s.stop.UTC()
				e.StoppedAt = &stop
			}
			ids[e.ID] = s.name
			if s.want {
				want = append(want, s.name)
			}
			if err := tx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
				return err
			}
		}
		return nil
	})
	slices.Sort(want)
	for _, limit := range []int{100, 2} {
		read(t, st, func(tx app.Tx) error {
			f := app.EntryFilter{Page: page(limit), From: &from, To: &to, Overlapping: true}
			var got []string
			var prev *app.TimeEntry
			for range 50 {
				list, err := tx.TimeEntries().List(ctx, w.sc, f)
				if err != nil {
					t.Fatalf("list: %v", err)
				}
				for i := range list {
					e := list[i]
					got = append(got, ids[e.ID])
					if prev != nil && (e.StartedAt.After(prev.StartedAt) || (e.StartedAt.Equal(prev.StartedAt) && e.ID.String() > prev.ID.String())) {
						t.Errorf("limit %d: order broken at %q", limit, ids[e.ID])
					}
					prev = &e
				}
				if len(list) < limit {
					break
				}
				last := list[len(list)-1]
				f.Page.After = &app.Cursor{Time: last.StartedAt, ID: last.ID}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: overlapping entries\n got %q\nwant %q", limit, got, want)
			}
			return nil
		})
	}
	// One user's view: the other user's running entry is not theirs.
	read(t, st, func(tx app.Tx) error {
		list, err := tx.TimeEntries().List(ctx, w.sc, app.EntryFilter{Page: page(100), From: &from, To: &to, Overlapping: true, UserID: &other.ID})
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if len(list) != 1 || ids[list[0].ID] != "running since three days before" {
			t.Errorf("one user's overlapping entries: %d", len(list))
		}
		return nil
	})
}
