package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestParseDay reads every word a DAY may be, as of testNow (Wednesday 2026-11-25 in Berlin).
func TestParseDay(t *testing.T) {
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want string // "" for an error
	}{
		{"today", "2026-11-25"},
		{"yesterday", "2026-11-24"},
		{"tomorrow", "2026-11-26"},
		{"monday", "2026-11-23"},
		{"Mon", "2026-11-23"},
		{" TUESDAY ", "2026-11-24"},
		{"wednesday", "2026-11-25"}, // today is the latest Wednesday
		{"wed", "2026-11-25"},
		{"thursday", "2026-11-19"},
		{"fri", "2026-11-20"},
		{"saturday", "2026-11-21"},
		{"sunday", "2026-11-22"},
		{"2026-03-29", "2026-03-29"},
		{"someday", ""},
		{"next monday", ""},
		{"2026-13-01", ""},
		{"14:05", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDay(tc.in, testNow(), loc)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("parseDay(%q) = %v, want an error", tc.in, got)
				}
				if !strings.Contains(err.Error(), "weekday name") {
					t.Errorf("the error does not say what a day may be: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Location() != loc || got.Hour() != 0 || got.Minute() != 0 || got.Format(app.DateLayout) != tc.want {
				t.Errorf("parseDay(%q) = %v, want midnight of %s in %s", tc.in, got, tc.want, berlin)
			}
		})
	}
}

// TestDayWordsInEveryCommand runs each command that takes a day with "monday" (this week's,
// 2026-11-23, at testNow) and with a word no command takes: all read the same words, and all
// refuse the same way.
func TestDayWordsInEveryCommand(t *testing.T) {
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, mustZone(t, berlin))
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"report", []string{"report", "--from", "monday", "--to", "wed", "--json"}, func(t *testing.T, out string) {
			var rep struct{ From, To string }
			decode(t, out, &rep)
			if rep.From != "2026-11-23" || rep.To != "2026-11-25" {
				t.Errorf("report covers %s..%s, want 2026-11-23..2026-11-25", rep.From, rep.To)
			}
		}},
		{"activity", []string{"activity", "--from", "monday", "--to", "yesterday", "--json"}, func(t *testing.T, out string) {
			var act struct{ From, To string }
			decode(t, out, &act)
			if act.From != "2026-11-23" || act.To != "2026-11-24" {
				t.Errorf("activity covers %s..%s, want 2026-11-23..2026-11-24", act.From, act.To)
			}
		}},
		{"entries", []string{"entries", "--from", "monday", "--to", "monday", "--json"}, func(t *testing.T, out string) {
			var list []struct{ Description string }
			decode(t, out, &list)
			if len(list) != 1 || list[0].Description != "design" {
				t.Errorf("Monday's entries: %+v, want the one 'design'", list)
			}
		}},
		{"entries add", []string{"entries", "add", "--start", "monday", "--duration", "15m", "--json", "early"}, func(t *testing.T, out string) {
			var e app.TimeEntry
			decode(t, out, &e)
			if !e.StartedAt.Equal(monday) {
				t.Errorf("the entry starts %v, want Monday's midnight %v", e.StartedAt, monday)
			}
		}},
		{"invoice create", []string{"invoice", "create", "--project", "Acme", "--from", "monday", "--to", "today", "--json"}, func(t *testing.T, out string) {
			var inv app.Invoice
			decode(t, out, &inv)
			if !inv.PeriodFrom.Equal(monday) || !inv.PeriodTo.Equal(monday.AddDate(0, 0, 3)) {
				t.Errorf("the invoice covers %v..%v, want Monday to the end of Wednesday", inv.PeriodFrom, inv.PeriodTo)
			}
		}},
		{"rate set", []string{"rate", "set", "90", "EUR", "--from", "monday", "--json"}, func(t *testing.T, out string) {
			var r app.Rate
			decode(t, out, &r)
			if !r.EffectiveFrom.Equal(monday) {
				t.Errorf("the rate starts %v, want Monday's midnight %v", r.EffectiveFrom, monday)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			seedWeek(t, h)
			h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
				// Billable time on Tuesday at a rate, so the invoice has something to bill.
				p, err := svc.ProjectByName(ctx, a, "Acme")
				if err != nil {
					t.Fatal(err)
				}
				start := monday.AddDate(0, 0, 1).Add(12 * time.Hour)
				stop := start.Add(time.Hour)
				if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop, Billable: ptrTo(true)}); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.SetRate(ctx, a, app.RateInput{HourlyMinor: 6000, Currency: "EUR", EffectiveFrom: "2026-01-01"}); err != nil {
					t.Fatal(err)
				}
			})
			bad := append([]string{}, tc.args...)
			for i, arg := range bad {
				if arg == "monday" {
					bad[i] = "someday"
				}
			}
			if r := h.run(bad...); r.code != 2 || !strings.Contains(r.stderr, "someday") || !strings.Contains(r.stderr, "weekday name") {
				t.Errorf("stint %s: exit %d, stderr %q; want a usage error naming the words a day may be", strings.Join(bad, " "), r.code, r.stderr)
			}
			tc.check(t, h.ok(tc.args...))
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func decode(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
}

func ptrTo[T any](v T) *T { return &v }
