//go:build !headless

package ui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/assets"
)

// commonZones are offered in the time zone field; any IANA name may be typed.
var commonZones = []string{
	"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Amsterdam", "Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Stockholm",
	"Europe/Warsaw", "Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Istanbul",
	"Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata",
	"Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth",
	"Australia/Sydney", "Pacific/Auckland", "America/St_Johns", "America/Halifax",
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Mexico_City",
	"America/Bogota", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
}

// onboardingScreen creates the local workspace on first launch: no server, no e-mail.
type onboardingScreen struct {
	u        *UI
	name     *entry
	org      *entry
	timezone *widget.SelectEntry
	form     *form
	start    *widget.Button
	// join connects to a team server instead of starting a workspace here (sync.go).
	join *widget.Button
}

func newOnboarding(u *UI) *onboardingScreen {
	return &onboardingScreen{u: u}
}

func (s *onboardingScreen) build() fyne.CanvasObject {
	s.name = newEntry(nil, "Your name")
	s.name.SetText(s.u.opts.DefaultName)
	s.org = newEntry(nil, "Workspace name")
	s.org.SetText("Personal")
	tz := s.u.opts.DefaultTimezone
	if tz == "" {
		tz = "UTC"
	}
	zones := commonZones
	if !slices.Contains(zones, tz) {
		zones = append([]string{tz}, zones...)
	}
	s.timezone = widget.NewSelectEntry(zones)
	s.timezone.SetText(tz)
	s.form = newForm()
	s.form.add("Your name", s.name, "name")
	s.form.add("Workspace", s.org, "organization")
	s.form.add("Time zone (days and weeks are counted in it)", s.timezone, "timezone")
	s.start = widget.NewButtonWithIcon("Get started", theme.NavigateNextIcon(), s.onStart)
	s.start.Importance = widget.HighImportance
	s.name.OnSubmitted = func(string) { s.onStart() }
	s.org.OnSubmitted = func(string) { s.onStart() }
	s.timezone.OnSubmitted = func(string) { s.onStart() }
	s.form.clearOnEdit()

	logo := canvas.NewImageFromResource(fyne.NewStaticResource("stint.png", assets.Icon))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(72, 72))
	title := widget.NewLabel("Welcome to Stint")
	title.SizeName = theme.SizeNameHeadingText
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Alignment = fyne.TextAlignCenter
	intro := widget.NewLabel("Stint tracks your time on this computer. Everything is stored here and works offline; you can connect to a team server later.")
	intro.Wrapping = fyne.TextWrapWord
	intro.Alignment = fyne.TextAlignCenter
	s.join = widget.NewButtonWithIcon("Join a team server instead…", theme.LoginIcon(), s.u.sync.onConnect)
	s.join.Importance = widget.LowImportance
	if s.u.opts.Sync == nil {
		s.join.Hide()
	}
	body := container.NewVBox(logo, title, intro, widget.NewSeparator(), s.form.object(), container.NewPadded(s.start), s.join)
	return container.NewCenter(fixedWidth(440, body))
}

func (s *onboardingScreen) onStart() {
	setup := app.LocalSetup{Name: s.name.Text, Organization: s.org.Text, Timezone: s.timezone.Text}
	s.start.Disable()
	s.form.clear()
	s.u.bg(func(ctx context.Context) (func(), error) {
		a, _, err := s.u.svc.EnsureLocal(ctx, setup)
		var org app.Organization
		if err == nil {
			org, err = s.u.svc.Organization(ctx, a, a.OrgID)
		}
		return func() {
			s.start.Enable()
			if err != nil {
				if !s.form.show(err) {
					s.u.showError(err)
				}
				return
			}
			s.u.log.Info("local workspace created", "timezone", org.Timezone)
			s.u.onboarding = nil
			s.u.enter(a, org)
		}, nil
	})
}
