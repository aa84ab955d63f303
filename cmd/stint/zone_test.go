package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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

// TestEveryCommandInTheUserZone runs the commands that read or print days and clock times
// on a machine whose zone (Pacific/Kiritimati, UTC+14: already Thursday) is not the user's
// (Berlin, Wednesday 11:00): every day and time they read and print is Berlin's.
func TestEveryCommandInTheUserZone(t *testing.T) {
	h := newHarness(t)
	h.env["TZ"] = "Pacific/Kiritimati"
	h.seed(func(context.Context, *app.Service, app.Actor) {}) // a workspace in Berlin
	h.ok("projects", "add", "Acme", "--billable")
	checks := []struct {
		args []string
		want []string
	}{
		{[]string{"entries", "add", "--start", "09:00", "--duration", "1h", "--project", "Acme", "planning"},
			[]string{"Wed 2026-11-25 09:00–10:00"}},
		{[]string{"entries", "add", "--start", "today", "--end", "00:30", "--project", "Acme", "night"},
			[]string{"Wed 2026-11-25 00:00–00:30"}},
		{[]string{"rate", "set", "100", "EUR", "--from", "today"}, []string{"from 2026-11-25 00:00"}},
		{[]string{"rate", "list"}, []string{"2026-11-25 00:00"}},
		{[]string{"entries"}, []string{"Wed 2026-11-25  total 1:30:00", "00:00–00:30", "09:00–10:00", "(Europe/Berlin)"}},
		{[]string{"report", "--from", "today", "--to", "today"}, []string{"2026-11-25", "1:30", "(2026-11-25 to 2026-11-25, Europe/Berlin)"}},
		{[]string{"report", "--detailed", "--from", "today", "--to", "today"}, []string{"2026-11-25  00:00  00:30", "2026-11-25  09:00  10:00"}},
		{[]string{"activity"}, []string{"No activity recorded for 2026-11-25"}},
		{[]string{"invoice", "create", "--project", "Acme", "--from", "today", "--to", "today"}, []string{"Invoice 1, 2026-11-25 to 2026-11-25", "150.00 EUR"}},
		{[]string{"invoice", "show", "1"}, []string{"Invoice 1, 2026-11-25 to 2026-11-25"}},
		{[]string{"invoice", "list"}, []string{"2026-11-25..2026-11-25"}},
		{[]string{"invite", "create", "ada@example.com"}, []string{"until 2026-12-02 11:00 CET"}},
		{[]string{"invite", "list"}, []string{"2026-12-02 11:00"}},
		{[]string{"timer", "start", "x"}, []string{"at 11:00"}},
		{[]string{"timer", "status"}, []string{"since 11:00"}},
	}
	for _, c := range checks {
		out := h.ok(c.args...)
		for _, want := range c.want {
			if !strings.Contains(out, want) {
				t.Errorf("stint %s lacks %q:\n%s", strings.Join(c.args, " "), want, out)
			}
		}
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed: the invoice PDF's period is not checked")
	}
	pdf := filepath.Join(t.TempDir(), "invoice.pdf")
	h.ok("invoice", "show", "1", "--pdf", pdf)
	text, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "2026-11-25 to 2026-11-25") {
		t.Errorf("the invoice PDF's period is not Berlin's days:\n%s", text)
	}
}

// TestUserZoneBinary runs the built binary with the process in Pacific/Kiritimati (UTC+14)
// on a workspace made in Berlin: what it reads and prints is Berlin's, as the process's own
// zone (time.Local) never decides a day or a clock time.
func TestUserZoneBinary(t *testing.T) {
	bin := buildStint(t)
	data := t.TempDir()
	stint := func(tz string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "STINT_DATA="+data, "TZ="+tz, "HOME="+t.TempDir())
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("TZ=%s stint %v: %v\n%s", tz, args, err, stderr.String())
		}
		return string(out)
	}
	stint(berlin, "projects", "add", "Acme", "--billable") // the workspace is made in Berlin
	stint(berlin, "rate", "set", "100", "EUR", "--from", "2026-01-01")
	const kiri = "Pacific/Kiritimati"
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc).Format(app.DateLayout)
	checks := []struct {
		args []string
		want []string
	}{
		{[]string{"entries", "add", "--start", "2026-11-25 09:00", "--duration", "1h", "--project", "Acme", "x"}, []string{"Wed 2026-11-25 09:00–10:00"}},
		{[]string{"entries", "--from", "2026-11-25", "--to", "2026-11-25"}, []string{"Wed 2026-11-25", "09:00–10:00", "(Europe/Berlin)"}},
		{[]string{"report", "--detailed", "--from", "2026-11-25", "--to", "2026-11-25"}, []string{"2026-11-25  09:00  10:00"}},
		{[]string{"report", "--from", "today", "--to", "today"}, []string{"(" + today + " to " + today + ", Europe/Berlin)"}},
		{[]string{"invoice", "create", "--project", "Acme", "--from", "2026-11-25", "--to", "2026-11-25"}, []string{"Invoice 1, 2026-11-25 to 2026-11-25"}},
		{[]string{"invoice", "show", "1"}, []string{"Invoice 1, 2026-11-25 to 2026-11-25"}},
	}
	for _, c := range checks {
		out := stint(kiri, c.args...)
		for _, want := range c.want {
			if !strings.Contains(out, want) {
				t.Errorf("TZ=%s stint %s lacks %q:\n%s", kiri, strings.Join(c.args, " "), want, out)
			}
		}
	}
}
