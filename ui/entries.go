//go:build !headless

package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// entriesScreen lists entries by day with daily totals, filtered by a date range, a project
// and words of the description; entries are created and edited in a dialog.
type entriesScreen struct {
	u       *UI
	from    *entry
	to      *entry
	project *picker
	tag     *picker
	// billable is one of billableChoices.
	billable *widget.Select
	search   *entry
	newBtn   *widget.Button
	total    *widget.Label
	errs     *fieldError
	list     *entryList
	// req numbers loads, so a slow old answer never replaces a newer one.
	req int
}

func newEntriesScreen(u *UI) *entriesScreen {
	s := &entriesScreen{u: u}
	now := u.svc.Now().In(u.loc)
	monday := u.display().WeekStart(now, u.loc)
	s.from = newEntry(u.shortcuts, "from")
	s.from.SetText(monday.Format(app.DateLayout))
	s.to = newEntry(u.shortcuts, "to")
	s.to.SetText(monday.AddDate(0, 0, 6).Format(app.DateLayout))
	s.from.OnSubmitted = func(string) { s.refresh() }
	s.to.OnSubmitted = func(string) { s.refresh() }
	s.project = newPicker(u, "All projects", u.projectOptions, func(*uuid.UUID) { s.refresh() })
	s.tag = newPicker(u, "All tags", u.tagOptions, func(*uuid.UUID) { s.refresh() })
	s.billable = widget.NewSelect(billableChoices, nil)
	s.billable.SetSelectedIndex(0)
	s.billable.OnChanged = func(string) { s.refresh() }
	s.search = newEntry(u.shortcuts, "Search descriptions (Ctrl+F)")
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { s.refresh() }
	s.search.onEscape = func() { s.search.SetText("") }
	s.newBtn = widget.NewButtonWithIcon("New entry", theme.ContentAddIcon(), func() { u.editEntry(nil) })
	s.newBtn.Importance = widget.HighImportance
	s.total = widget.NewLabel("")
	s.total.TextStyle = fyne.TextStyle{Bold: true}
	s.errs = newFieldError()
	s.list = newEntryList(u, true)
	return s
}

func (s *entriesScreen) title() string       { return "Entries" }
func (s *entriesScreen) icon() fyne.Resource { return theme.ListIcon() }

func (s *entriesScreen) build() fyne.CanvasObject {
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.shift(-1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.shift(1) })
	week := widget.NewButton("This week", s.onThisWeek)
	dates := container.NewHBox(prev, fixedWidth(104, s.from), widget.NewLabel("–"), fixedWidth(104, s.to), next, week)
	// Wide: dates, project and tag on one line, search and billable under them; narrow:
	// each on its own line.
	kinds := container.NewHBox(fixedWidth(160, s.project.button), fixedWidth(130, s.tag.button))
	filters := container.NewVBox(s.u.newSwitch(dates, kinds), s.u.newSwitch(s.search, fixedWidth(150, s.billable)))
	s.u.onNarrow(func(narrow bool) {
		if narrow {
			week.Hide() // the arrows and Ctrl+F stay
		} else {
			week.Show()
		}
	})
	head := s.u.newSwitch(heading("Entries"), container.NewHBox(s.total, s.newBtn))
	return container.NewBorder(container.NewVBox(head, filters, s.errs.label, widget.NewSeparator()), nil, nil, nil, s.list.object())
}

// shift moves the range by its own length.
func (s *entriesScreen) shift(dir int) {
	from, err1 := time.ParseInLocation(app.DateLayout, s.from.Text, s.u.loc)
	to, err2 := time.ParseInLocation(app.DateLayout, s.to.Text, s.u.loc)
	if err1 != nil || err2 != nil || to.Before(from) {
		s.onThisWeek()
		return
	}
	days := int(to.Sub(from).Hours()/24+0.5) + 1
	s.from.SetText(from.AddDate(0, 0, dir*days).Format(app.DateLayout))
	s.to.SetText(to.AddDate(0, 0, dir*days).Format(app.DateLayout))
	s.refresh()
}

func (s *entriesScreen) onThisWeek() {
	monday := s.u.display().WeekStart(s.u.svc.Now(), s.u.loc)
	s.from.SetText(monday.Format(app.DateLayout))
	s.to.SetText(monday.AddDate(0, 0, 6).Format(app.DateLayout))
	s.refresh()
}

// refresh loads the entries the filters select.
func (s *entriesScreen) refresh() {
	u := s.u
	s.req++
	req := s.req
	q := app.DayLogQuery{From: s.from.Text, To: s.to.Text, ProjectID: s.project.selected, Search: s.search.Text, UserID: &u.actor.UserID}
	a, loc := u.actor, u.loc
	tag, billable := s.tag.selected, s.billable.SelectedIndex()
	u.bg(func(ctx context.Context) (func(), error) {
		log, err := u.svc.DayLog(ctx, a, q)
		return func() {
			if req != s.req {
				return
			}
			if err != nil {
				if !isInputError(err) {
					u.showError(err)
					return
				}
				s.errs.set(userMessage(err))
				return
			}
			s.errs.set("")
			s.list.set(filterDays(log.Days, tag, billable), u.svc.Now().In(loc).Format(app.DateLayout))
			seen := map[uuid.UUID]bool{}
			total := int64(0)
			var mins []int64
			for _, it := range s.list.items {
				if it.header {
					total += it.total
					mins = append(mins, it.mins...)
				} else {
					seen[it.entry.ID] = true
				}
			}
			n := len(seen)
			word := "entries"
			if n == 1 {
				word = "entry"
			}
			s.total.SetText(fmt.Sprintf("%d %s · %s", n, word, rowsTotal(u.display(), total, mins)))
		}, nil
	})
}

// billableChoices filter entries by billable: either, only billable, only not billable.
var billableChoices = []string{"Billable or not", "Billable", "Not billable"}

// filterDays keeps the entries with a tag (when not nil) and of a billable choice, with the
// days' totals of what is kept; days left empty go.
func filterDays(days []app.LogDay, tag *uuid.UUID, billable int) []app.LogDay {
	if tag == nil && billable <= 0 {
		return days
	}
	var out []app.LogDay
	for _, d := range days {
		kept := app.LogDay{Date: d.Date}
		for _, e := range d.Entries {
			if tag != nil && !slices.Contains(e.TagIDs, *tag) {
				continue
			}
			if (billable == 1 && !e.Billable) || (billable == 2 && e.Billable) {
				continue
			}
			kept.Entries = append(kept.Entries, e)
			kept.TotalSeconds += e.Seconds
		}
		if len(kept.Entries) > 0 {
			out = append(out, kept)
		}
	}
	return out
}
