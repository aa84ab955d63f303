package app_test

import (
	"errors"
	"testing"

	"github.com/stinthq/stint/app"
)

func TestPickZone(t *testing.T) {
	tests := []struct {
		name, user, org, want string
	}{
		{"user's zone first", "America/New_York", "Europe/Berlin", "America/New_York"},
		{"workspace's when the user has none", "", "Europe/Berlin", "Europe/Berlin"},
		{"workspace's when the user's does not load", "Mars/Olympus", "Europe/Berlin", "Europe/Berlin"},
		{"never the machine's", "Local", "Europe/Berlin", "Europe/Berlin"},
		{"UTC when neither", "", "", "UTC"},
		{"UTC when neither loads", "Nowhere/At_All", "Local", "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TZ", "Asia/Tokyo") // the machine's zone must not leak in
			loc, tz := app.PickZone(tt.user, tt.org)
			if tz != tt.want || loc.String() != tt.want {
				t.Errorf("PickZone(%q, %q) = %s, %q; want %q", tt.user, tt.org, loc, tz, tt.want)
			}
		})
	}
}

func TestUserZone(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup() // user and organization in Europe/Berlin
	if _, tz, err := e.svc.UserZone(e.ctx, owner); err != nil || tz != "Europe/Berlin" {
		t.Fatalf("UserZone = %q, %v; want Europe/Berlin", tz, err)
	}
	// The user's own zone outlives a change of the workspace's.
	org, err := e.svc.Organization(e.ctx, owner, owner.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	ny := "America/New_York"
	if _, err := e.svc.UpdateOrganization(e.ctx, owner, org.ID, app.OrganizationPatch{Timezone: &ny}, org.Version); err != nil {
		t.Fatal(err)
	}
	if loc, tz, err := e.svc.UserZone(e.ctx, owner); err != nil || tz != "Europe/Berlin" || loc.String() != "Europe/Berlin" {
		t.Errorf("after the workspace moved: UserZone = %v, %q, %v; want the user's Europe/Berlin", loc, tz, err)
	}
}

// The user's zone decides where reports and timesheets cut days when a request names no
// zone, not the organization's: one rule for every front end.
func TestServicesDefaultToTheUserZone(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup() // user and organization in Europe/Berlin
	if _, err := e.svc.SetMyTimezone(e.ctx, owner, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	if _, tz, err := e.svc.UserZone(e.ctx, owner); err != nil || tz != "America/New_York" {
		t.Fatalf("UserZone = %q, %v; want America/New_York", tz, err)
	}
	ts, err := e.svc.Timesheet(e.ctx, owner, app.TimesheetQuery{})
	if err != nil || ts.Timezone != "America/New_York" {
		t.Errorf("timesheet zone = %q, %v; want the user's America/New_York", ts.Timezone, err)
	}
	sum, err := e.svc.Summarize(e.ctx, owner, app.SummaryQuery{From: "2026-11-02", To: "2026-11-08"})
	if err != nil || sum.Timezone != "America/New_York" {
		t.Errorf("summary zone = %q, %v; want the user's America/New_York", sum.Timezone, err)
	}
	// Clearing the user's zone falls back to the organization's.
	if _, err := e.svc.SetMyTimezone(e.ctx, owner, ""); err != nil {
		t.Fatal(err)
	}
	if _, tz, _ := e.svc.UserZone(e.ctx, owner); tz != "Europe/Berlin" {
		t.Errorf("after clearing: UserZone = %q; want the organization's Europe/Berlin", tz)
	}
	var ve *app.ValidationError
	if _, err := e.svc.SetMyTimezone(e.ctx, owner, "Local"); !errors.As(err, &ve) {
		t.Errorf("SetMyTimezone(Local) = %v; want a validation error", err)
	}
}
