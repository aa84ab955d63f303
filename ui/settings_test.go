//go:build !headless

package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
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
