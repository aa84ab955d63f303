//go:build !headless

package ui

import "testing"

func TestOnboardingCreatesTheLocalWorkspace(t *testing.T) {
	h := newHarness(t, harnessOpts{timezone: "America/New_York"})
	s := h.u.onboarding
	if s == nil || h.u.timer != nil {
		t.Fatal("first launch should show onboarding")
	}
	if s.name.Text != "Ada Lovelace" || s.org.Text != "Personal" || s.timezone.Text != "America/New_York" {
		t.Fatalf("prefill: %q %q %q", s.name.Text, s.org.Text, s.timezone.Text)
	}
	// Invalid input: the messages appear next to their fields and nothing is created.
	h.typeInto(s.name, "")
	s.timezone.SetText("Mars/Olympus")
	h.tap(s.start)
	if got := s.form.fields["name"].label.Text; got != "Is required." {
		t.Fatalf("name error %q", got)
	}
	if got := s.form.fields["timezone"].label.Text; got == "" {
		t.Fatal("no time zone error")
	}
	if _, err := h.svc.LocalActor(h.ctx); err == nil {
		t.Fatal("workspace created from invalid input")
	}
	// Fixed: Enter in a field submits.
	h.typeInto(s.name, "Grace Hopper")
	s.timezone.SetText("Europe/Lisbon")
	h.enter(s.org)
	a := h.actor()
	org, err := h.svc.Organization(h.ctx, a, a.OrgID)
	if err != nil || org.Name != "Personal" || org.Timezone != "Europe/Lisbon" {
		t.Fatalf("organization %+v %v", org, err)
	}
	me, err := h.svc.Me(h.ctx, a)
	if err != nil || me.User.Name != "Grace Hopper" || me.Role != "owner" {
		t.Fatalf("owner %+v %v", me, err)
	}
	if h.u.timer == nil || h.u.onboarding != nil || h.u.current != 0 {
		t.Fatal("after onboarding the timer screen shows")
	}
	if h.u.loc.String() != "Europe/Lisbon" {
		t.Fatalf("window zone %s", h.u.loc)
	}
}

func TestLaterLaunchesSkipOnboarding(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	if h.u.onboarding != nil || h.u.timer == nil {
		t.Fatal("an existing workspace should open the timer")
	}
	if got := h.u.win.Title(); got != "Timer – Stint" {
		t.Fatalf("title %q", got)
	}
}
