package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestCLIUsesTheUserZone runs the CLI on a UTC machine against a workspace whose user lives
// in Europe/Berlin: clock times, day grouping and new entries' zone follow the user, never
// the machine (the CLI used to say "since 10:00" where the window said 11:00).
func TestCLIUsesTheUserZone(t *testing.T) {
	for _, orgZone := range []string{berlin, "America/New_York"} {
		t.Run("workspace in "+orgZone, func(t *testing.T) {
			h := newHarness(t)
			h.env["TZ"] = "UTC"
			h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
				if orgZone == berlin {
					return
				}
				// The workspace moves; the user's own zone (Berlin) still rules.
				org, err := svc.Organization(ctx, a, a.OrgID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.UpdateOrganization(ctx, a, org.ID, app.OrganizationPatch{Timezone: &orgZone}, org.Version); err != nil {
					t.Fatal(err)
				}
			})
			if got, want := h.ok("timer", "start", "x"), "Started \"x\" at 11:00.\n"; got != want {
				t.Errorf("start: %q, want %q", got, want)
			}
			if got := h.ok("timer", "status"); !strings.Contains(got, "(since 11:00)") {
				t.Errorf("status: %q, want since 11:00", got)
			}
			var st timerStatusJSON
			h.okJSON(&st, "timer", "status", "--json")
			if st.Entry == nil || st.Entry.Timezone != berlin {
				t.Errorf("the started entry is stamped %+v, want %s", st.Entry, berlin)
			}
			if got := h.ok("entries"); !strings.Contains(got, "Wed 2026-11-25") || !strings.Contains(got, "(Europe/Berlin)") {
				t.Errorf("entries:\n%s", got)
			}
		})
	}
}

// TestCLIDaysAcrossDST groups and shows an entry across the end of summer time in the
// user's zone on a UTC machine: 00:30 CEST to 03:30 CET on Sunday 25 October is four hours
// on that Sunday, not 22:30–02:30 on Saturday.
func TestCLIDaysAcrossDST(t *testing.T) {
	h := newHarness(t)
	h.env["TZ"] = "UTC"
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		start := time.Date(2026, 10, 24, 22, 30, 0, 0, time.UTC)
		stop := start.Add(4 * time.Hour)
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "night shift"}); err != nil {
			t.Fatal(err)
		}
	})
	got := h.ok("entries", "--from", "2026-10-25", "--to", "2026-10-25")
	for _, want := range []string{"Sun 2026-10-25  total 4:00:00", "00:30–03:30", "night shift"} {
		if !strings.Contains(got, want) {
			t.Errorf("entries lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "2026-10-24") {
		t.Errorf("entries shows Saturday:\n%s", got)
	}
}
