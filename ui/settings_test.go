//go:build !headless

package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/stinthq/stint/app"
)

func TestSettings(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(7)
	h.wait()
	s := h.u.settings
	if s.apiStatus.Text != "http://127.0.0.1:8736" || s.orgName.Text != "Personal" || s.timezone.Text != "Europe/Berlin" {
		t.Fatalf("shown: %q %q %q", s.apiStatus.Text, s.orgName.Text, s.timezone.Text)
	}
	if s.idle.Selected != "5 minutes" {
		t.Fatalf("idle %q", s.idle.Selected)
	}

	// Copy the local API token: it authenticates as the workspace owner.
	h.tap(s.copyToken)
	tok := h.fyne.Clipboard().Content()
	a, err := h.svc.Authenticate(h.ctx, tok, nil)
	if err != nil || a.UserID != h.actor().UserID {
		t.Fatalf("copied token %q: %v", tok, err)
	}
	file := app.LocalTokenFile(h.u.opts.DataDir)
	if b, err := os.ReadFile(string(file)); err != nil || strings.TrimSpace(string(b)) != tok {
		t.Fatalf("token file: %v %q", err, b)
	}

	// Theme: pinned to dark, kept in preferences.
	s.theme.SetSelected("Dark")
	if h.fyne.Preferences().String(prefTheme) != themeDark {
		t.Fatal("theme not saved")
	}
	if got := h.fyne.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); got != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Fatalf("dark theme not applied: %v", got)
	}

	// Idle threshold is a device setting in the store.
	s.idle.SetSelected("15 minutes")
	h.wait()
	if d, _ := h.svc.IdleThreshold(h.ctx); d != 15*time.Minute {
		t.Fatalf("idle threshold %v", d)
	}

	// Workspace time zone: validated by the service, then used by the window.
	h.typeInto(s.orgName, "Home")
	s.timezone.SetText("Nowhere/Special")
	h.tap(s.orgSave)
	if s.orgForm.fields["timezone"].label.Text == "" {
		t.Fatal("bad zone accepted")
	}
	s.timezone.SetText("Asia/Tokyo")
	h.tap(s.orgSave)
	if h.u.loc.String() != "Asia/Tokyo" || h.u.org.Name != "Home" {
		t.Fatalf("zone %s name %s", h.u.loc, h.u.org.Name)
	}

	// Start on login writes an XDG autostart entry (XDG_CONFIG_HOME is a temp dir here).
	s.autostart.SetChecked(true)
	h.wait()
	path, _ := autostartFile()
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "Exec=") || !strings.Contains(string(b), " desktop") {
		t.Fatalf("autostart file: %v %s", err, b)
	}
	s.autostart.SetChecked(false)
	h.wait()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("autostart file left behind")
	}
}

func TestDesktopEntryQuotesTheExecutable(t *testing.T) {
	got := desktopEntry(`/opt/my "apps"/stint`)
	if !strings.Contains(got, `Exec="/opt/my \"apps\"/stint" desktop`) {
		t.Fatal(got)
	}
}

func TestSettingsRotateToken(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(7)
	h.wait()
	s := h.u.settings
	h.tap(s.copyToken)
	old := h.fyne.Clipboard().Content()

	// Cancelling the confirmation changes nothing.
	h.tap(s.rotate)
	if !h.dialogOpen() {
		t.Fatal("rotating asked no confirmation")
	}
	h.tap(s.rotateCancel)
	if h.dialogOpen() {
		t.Fatal("cancel left the dialog open")
	}
	if _, err := h.svc.Authenticate(h.ctx, old, nil); err != nil {
		t.Fatalf("cancelled rotation revoked the token: %v", err)
	}

	// Confirmed: the old token stops working, the new one is copied and kept in the file.
	h.tap(s.rotate)
	h.tap(s.rotateConfirm)
	fresh := h.fyne.Clipboard().Content()
	if fresh == old || s.copied.seg.Text != "New token copied" {
		t.Fatalf("clipboard %q, note %q", fresh, s.copied.seg.Text)
	}
	if _, err := h.svc.Authenticate(h.ctx, old, nil); err == nil {
		t.Fatal("the old token still works")
	}
	if a, err := h.svc.Authenticate(h.ctx, fresh, nil); err != nil || a.UserID != h.actor().UserID {
		t.Fatalf("new token: %v", err)
	}
	b, err := os.ReadFile(string(app.LocalTokenFile(h.u.opts.DataDir)))
	if err != nil || strings.TrimSpace(string(b)) != fresh {
		t.Fatalf("token file: %v %q", err, b)
	}
	// Copying again hands out the rotated token.
	h.tap(s.copyToken)
	if got := h.fyne.Clipboard().Content(); got != fresh {
		t.Fatalf("copied %q after rotation", got)
	}
}

// The rotate confirmation is a dialog like the others: Escape closes it, and Ctrl+Enter
// rotates (its confirm button) instead of starting the timer behind it.
func TestSettingsRotateDialogKeys(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.show(7)
	h.wait()
	s := h.u.settings
	h.tap(s.copyToken)
	old := h.fyne.Clipboard().Content()

	h.tap(s.rotate)
	h.u.win.Canvas().Unfocus()
	h.u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.dialogOpen() {
		t.Fatal("Escape left the rotate confirmation open")
	}

	h.tap(s.rotate)
	h.u.win.Canvas().Unfocus()
	h.u.shortcuts.handle(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait()
	if h.running() != nil {
		t.Fatal("Ctrl+Enter in the rotate confirmation started the timer behind it")
	}
	if h.dialogOpen() {
		t.Fatal("Ctrl+Enter left the rotate confirmation open")
	}
	if _, err := h.svc.Authenticate(h.ctx, old, nil); err == nil {
		t.Fatal("Ctrl+Enter in the rotate confirmation did not rotate the token")
	}
}

// The window shows the user's zone before the workspace's (app.PickZone), as the CLI and
// reports do, and Settings moves both, so no front end is left on the old zone.
func TestWindowUsesTheUserZone(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true}) // user and workspace in Europe/Berlin
	if _, err := h.svc.SetMyTimezone(h.ctx, h.actor(), "America/New_York"); err != nil {
		t.Fatal(err)
	}
	h.u.reload()
	h.wait()
	if h.u.loc.String() != "America/New_York" {
		t.Fatalf("window zone %s; want the user's America/New_York", h.u.loc)
	}
	h.u.show(7)
	h.wait()
	s := h.u.settings
	if s.timezone.Text != "America/New_York" {
		t.Fatalf("settings show zone %q; want the one in use", s.timezone.Text)
	}
	s.timezone.SetText("Asia/Tokyo")
	h.tap(s.orgSave)
	h.wait()
	if _, tz, err := h.svc.UserZone(h.ctx, h.actor()); err != nil || tz != "Asia/Tokyo" {
		t.Fatalf("after saving Settings the CLI's zone is %q (%v); want Asia/Tokyo", tz, err)
	}
	if h.u.loc.String() != "Asia/Tokyo" {
		t.Fatalf("window zone %s; want Asia/Tokyo", h.u.loc)
	}
}

// TestSettingsMemberSetsOwnZone: a member (a team's, on a connected desktop) may not change
// the workspace: its name is read-only, the note says whose it is, and saving sets the
// member's own zone, which the window then uses, without touching the organization.
func TestSettingsMemberSetsOwnZone(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	owner := h.actor()
	m, err := h.svc.AddMember(h.ctx, owner, app.MemberInput{Email: "mia@example.com", Name: "Mia", Role: app.RoleMember, Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	h.u.actor = app.Actor{TenantID: owner.TenantID, OrgID: owner.OrgID, UserID: m.UserID, Role: app.RoleMember}
	h.u.show(7)
	h.wait()
	s := h.u.settings
	if !s.orgName.Disabled() || !s.orgNote.Visible() || s.orgSave.Text != "Save my time zone" {
		t.Fatalf("a member's workspace section: name disabled %v, note %v, button %q", s.orgName.Disabled(), s.orgNote.Visible(), s.orgSave.Text)
	}
	s.timezone.SetText("Asia/Tokyo")
	h.tap(s.orgSave)
	h.wait()
	if h.overlayText() != "" {
		t.Fatalf("saving showed %q", h.overlayText())
	}
	if h.u.loc.String() != "Asia/Tokyo" {
		t.Errorf("the window's zone %s, want the member's Asia/Tokyo", h.u.loc)
	}
	me, err := h.svc.Me(h.ctx, h.u.actor)
	if err != nil || me.User.Timezone != "Asia/Tokyo" {
		t.Errorf("the member's zone %q, %v", me.User.Timezone, err)
	}
	org, err := h.svc.Organization(h.ctx, owner, owner.OrgID)
	if err != nil || org.Timezone != "Europe/Berlin" || org.Name != "Personal" {
		t.Errorf("the organization changed: %+v, %v", org, err)
	}
}
