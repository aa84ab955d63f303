package app_test

import (
	"errors"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestOrganizationActivitySettings: a new organization records neither screenshots nor
// titles; owners and admins change the settings, managers and members may only read them,
// and the interval is one of 1, 3, 5 and 10 minutes.
func TestOrganizationActivitySettings(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	got := must[app.ActivitySettings](t)(e.svc.OrganizationActivity(e.ctx, owner))
	if got != app.DefaultActivitySettings() || got.Screenshots || got.WindowTitles || got.ScreenshotMinutes != 10 {
		t.Fatalf("new organization's settings %+v, want screenshots and titles off, 10 minutes", got)
	}
	created := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, owner, app.OrganizationInput{Name: "Second"}))
	if created.Activity != app.DefaultActivitySettings() {
		t.Errorf("created organization's settings %+v", created.Activity)
	}

	on := app.ActivitySettingsPatch{Screenshots: ptr(true), ScreenshotMinutes: ptr(3), ScreenshotRandom: ptr(true), WindowTitles: ptr(true)}
	for _, tc := range []struct {
		role app.Role
		want error
	}{
		{app.RoleMember, app.ErrForbidden},
		{app.RoleManager, app.ErrForbidden},
		{app.RoleAdmin, nil},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			a := e.member(owner, tc.role)
			o := must[app.Organization](t)(e.svc.Organization(e.ctx, a, owner.OrgID))
			_, err := e.svc.UpdateOrganization(e.ctx, a, owner.OrgID, app.OrganizationPatch{Activity: on}, o.Version)
			if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
				t.Fatalf("update by %s: %v, want %v", tc.role, err, tc.want)
			}
			// Everyone reads them.
			got := must[app.ActivitySettings](t)(e.svc.OrganizationActivity(e.ctx, a))
			if tc.want == nil && got != (app.ActivitySettings{Screenshots: true, ScreenshotMinutes: 3, ScreenshotRandom: true, WindowTitles: true}) {
				t.Errorf("after the update: %+v", got)
			}
		})
	}

	o := must[app.Organization](t)(e.svc.Organization(e.ctx, owner, owner.OrgID))
	for _, minutes := range []int{0, 2, 15, -1} {
		_, err := e.svc.UpdateOrganization(e.ctx, owner, owner.OrgID, app.OrganizationPatch{Activity: app.ActivitySettingsPatch{ScreenshotMinutes: ptr(minutes)}}, o.Version)
		var v *app.ValidationError
		if !errors.As(err, &v) {
			t.Errorf("interval %d: %v, want a validation error", minutes, err)
		}
	}
	// A patch of one field leaves the others.
	o = must[app.Organization](t)(e.svc.UpdateOrganization(e.ctx, owner, owner.OrgID, app.OrganizationPatch{Activity: app.ActivitySettingsPatch{WindowTitles: ptr(false)}}, o.Version))
	if want := (app.ActivitySettings{Screenshots: true, ScreenshotMinutes: 3, ScreenshotRandom: true}); o.Activity != want {
		t.Errorf("after turning titles off: %+v, want %+v", o.Activity, want)
	}
	if o.Activity.ScreenshotInterval().Minutes() != 3 || (app.ActivitySettings{}).ScreenshotInterval().Minutes() != 10 {
		t.Errorf("intervals: %v, and %v for an unset one", o.Activity.ScreenshotInterval(), (app.ActivitySettings{}).ScreenshotInterval())
	}
}
