package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func TestActivityCommand(t *testing.T) {
	h := newHarness(t)
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	out := h.ok("activity", "--from", "2026-11-24")
	if !strings.Contains(out, "No activity recorded for 2026-11-24") {
		t.Errorf("empty day:\n%s", out)
	}
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		start := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
		stop := start.Add(14 * time.Minute)
		e, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []app.ActivitySlot{
			{EntryID: e.ID, Start: start, Tracked: 10 * time.Minute, Active: 9 * time.Minute, Keys: 1234, Clicks: 56, Moves: 789,
				Apps: []app.AppUsage{{Name: "Editor", Time: 8 * time.Minute}, {Name: "Browser", Time: 2 * time.Minute}}},
			{EntryID: e.ID, Start: start.Add(10 * time.Minute), Tracked: 4 * time.Minute, Active: time.Minute, Keys: 20,
				Apps: []app.AppUsage{{Name: "Terminal", Time: 4 * time.Minute}}},
		} {
			if _, err := svc.RecordActivity(ctx, a, s); err != nil {
				t.Fatal(err)
			}
		}
	})
	out = h.ok("activity", "--from", "2026-11-24")
	for _, want := range []string{"Tue 2026-11-24", "09:00", "10:00", "90%", "1234", "Editor 8:00, Browser 2:00", "09:10", "4:00", "25%", "Terminal 4:00", "Total", "14:00", "71%"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	var got activityJSON
	h.okJSON(&got, "activity", "--from", "2026-11-24", "--json")
	if len(got.Slots) != 2 || got.Timezone != berlin {
		t.Fatalf("json %+v", got)
	}
	s := got.Slots[0]
	if s.TrackedSeconds != 600 || s.ActiveSeconds != 540 || s.Keys != 1234 || s.Clicks != 56 || s.Moves != 789 || s.ActivityPercent != 90 ||
		len(s.Apps) != 2 || s.Apps[0] != (app.AppView{Name: "Editor", Seconds: 480}) || !s.Start.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("first slot %+v", s)
	}
	if r := h.run("activity", "--from", "2026-01-01", "--to", "2026-11-24"); r.code == 0 || !strings.Contains(r.stderr, "31 days") {
		t.Errorf("a long range: code %d, %s", r.code, r.stderr)
	}
}

func TestActivitySettingsCommand(t *testing.T) {
	h := newHarness(t)
	out := h.ok("activity", "settings")
	for _, want := range []string{"Screenshots:", "off", "10 minutes", "Window titles:"} {
		if !strings.Contains(out, want) {
			t.Errorf("default settings lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " on\n") {
		t.Errorf("something is on by default:\n%s", out)
	}
	out = h.ok("activity", "settings", "--screenshots", "on", "--screenshot-interval", "5", "--screenshot-random", "on")
	for _, want := range []string{"Screenshots:          on", "5 minutes", "At a random moment:   on", "Window titles:        off"} {
		if !strings.Contains(out, want) {
			t.Errorf("after turning screenshots on, lacks %q:\n%s", want, out)
		}
	}
	var got app.ActivitySettings
	h.okJSON(&got, "activity", "settings", "--window-titles", "on", "--json")
	if want := (app.ActivitySettings{Screenshots: true, ScreenshotMinutes: 5, ScreenshotRandom: true, WindowTitles: true}); got != want {
		t.Errorf("json %+v, want %+v", got, want)
	}
	if r := h.run("activity", "settings", "--screenshot-interval", "7"); r.code == 0 || !strings.Contains(r.stderr, "1, 3, 5 or 10") {
		t.Errorf("interval 7: code %d, %s", r.code, r.stderr)
	}
	if r := h.run("activity", "settings", "--screenshots", "maybe"); r.code == 0 || !strings.Contains(r.stderr, "on or off") {
		t.Errorf("--screenshots maybe: code %d, %s", r.code, r.stderr)
	}
}

// TestActivitySettingsConnected: on a data directory connected to a team server with no
// desktop app running, an owner's 'stint activity settings' change says that it waits for
// 'stint sync', which takes it to the server; a member's is refused with a message saying
// who may change them.
func TestActivitySettingsConnected(t *testing.T) {
	ts, svc, owner := teamServer(t)
	h := newHarness(t)
	if r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	r := h.run("activity", "settings", "--screenshots", "on")
	if r.code != 0 || !strings.Contains(r.stdout, "Screenshots:          on") || !strings.Contains(r.stderr, "stint sync") {
		t.Fatalf("activity settings on a connected machine: exit %d\nstdout: %s\nstderr: %s\nwant the settings and a note about 'stint sync'", r.code, r.stdout, r.stderr)
	}
	if out := h.ok("sync"); !strings.Contains(out, "1 sent") || strings.Contains(out, "refused") {
		t.Fatalf("sync said %q, want 1 sent, none refused", out)
	}
	got, err := svc.OrganizationActivity(context.Background(), owner)
	if err != nil || !got.Screenshots {
		t.Fatalf("the server's settings after the sync: %+v, %v; want screenshots on", got, err)
	}

	if _, err := svc.AddMember(context.Background(), owner, app.MemberInput{Email: "bo@example.com", Name: "Bo", Role: app.RoleMember,
		Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	m := newHarness(t)
	if r := m.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "bo@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("member's remote login: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if out := m.ok("activity", "settings"); !strings.Contains(out, "Screenshots:          on") {
		t.Fatalf("the member's machine shows:\n%s\nwant screenshots on, as the owner set them", out)
	}
	r = m.run("activity", "settings", "--screenshots", "off")
	if r.code == 0 || !strings.Contains(r.stderr, "owners and admins") {
		t.Fatalf("a member turning screenshots off: exit %d, stderr %q; want a refusal saying who may", r.code, r.stderr)
	}
	if out := m.ok("activity", "settings"); !strings.Contains(out, "Screenshots:          on") {
		t.Fatalf("after the refusal the member's machine shows:\n%s\nwant screenshots still on", out)
	}
}
