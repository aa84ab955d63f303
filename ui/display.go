//go:build !headless

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// Display preferences are kept per device, in Fyne's preferences beside the theme: how a
// screen shows times is a matter of the screen and its reader, like the theme.
const (
	prefClock    = "display.clock"     // "24" or "12"
	prefWeek     = "display.week"      // "monday", "sunday" or "saturday"
	prefDuration = "display.durations" // "hmm" or "decimal"
)

// Choices offered in Settings, in order, with their stored values.
var (
	clockChoices    = []string{"24-hour (14:05)", "12-hour (2:05 PM)"}
	clockValues     = []string{"24", "12"}
	weekChoices     = []string{"Monday", "Sunday", "Saturday"}
	weekValues      = []string{"monday", "sunday", "saturday"}
	durationChoices = []string{"Hours and minutes (1:30)", "Decimal hours (1.50)"}
	durationValues  = []string{"hmm", "decimal"}
)

// display is this device's display preferences.
func (u *UI) display() app.Display {
	p := u.fyne.Preferences()
	week := p.String(prefWeek)
	return app.Display{
		Hour12:   p.String(prefClock) == "12",
		Sunday:   week == "sunday",
		Saturday: week == "saturday",
		Decimal:  p.String(prefDuration) == "decimal",
	}
}

// displaySection builds Settings' Display section: three selects that apply at once.
func (s *settingsScreen) displaySection() fyne.CanvasObject {
	u := s.u
	pick := func(key string, labels, values []string) *widget.Select {
		sel := widget.NewSelect(labels, nil)
		cur := u.fyne.Preferences().String(key)
		sel.SetSelectedIndex(0)
		for i, v := range values {
			if v == cur {
				sel.SetSelectedIndex(i)
			}
		}
		sel.OnChanged = func(string) {
			u.fyne.Preferences().SetString(key, values[sel.SelectedIndex()])
			u.refreshViews()
		}
		return sel
	}
	s.clockSel = pick(prefClock, clockChoices, clockValues)
	s.weekSel = pick(prefWeek, weekChoices, weekValues)
	s.durationSel = pick(prefDuration, durationChoices, durationValues)
	return u.section("Display", container.NewVBox(
		container.NewHBox(widget.NewLabel("Clock"), fixedWidth(240, s.clockSel)),
		container.NewHBox(widget.NewLabel("Weeks start on"), fixedWidth(240, s.weekSel)),
		container.NewHBox(widget.NewLabel("Durations"), fixedWidth(240, s.durationSel)),
		caption("Kept on this device."),
	))
}
