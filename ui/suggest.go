//go:build !headless

package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// suggestLimit is how many earlier descriptions the list under a field offers.
const suggestLimit = 6

// suggester offers earlier descriptions (app.DescriptionSuggestions) in a list under a
// description field while the user types in it; picking one fills the field and hands the
// suggestion's project, task and tags to onPick. The list (box) sits in the layout under the
// field rather than in a pop-up: a pop-up is an overlay with its own focus, and keys typed
// while it shows would not reach the field.
type suggester struct {
	u      *UI
	field  *entry
	onPick func(app.Suggestion)
	box    *fyne.Container // the list; hidden when there is nothing to offer
	// shown is what the list offers, with its buttons, for tests.
	shown   []app.Suggestion
	buttons []*widget.Button
	req     int
	picking bool
	// relayout, when set, fits what holds the list (a dialog) after it shows or hides.
	relayout func()
}

// suggestDescriptions attaches a suggester to field, keeping the field's own OnChanged.
func (u *UI) suggestDescriptions(field *entry, onPick func(app.Suggestion)) *suggester {
	s := &suggester{u: u, field: field, onPick: onPick, box: container.NewVBox()}
	s.box.Hide()
	prev := field.OnChanged
	field.OnChanged = func(text string) {
		if prev != nil {
			prev(text)
		}
		s.changed(text)
	}
	return s
}

// changed looks for suggestions for what the user typed; text set by the program (the
// field not focused) brings none.
func (s *suggester) changed(text string) {
	s.req++
	cv := s.u.win.Canvas()
	if s.picking || cv.Focused() != s.field || len([]rune(strings.TrimSpace(text))) < 2 {
		s.hide()
		return
	}
	u, a, req := s.u, s.u.actor, s.req
	u.bg(func(ctx context.Context) (func(), error) {
		sugs, err := u.svc.DescriptionSuggestions(ctx, a, text, suggestLimit)
		if err != nil {
			return nil, err
		}
		return func() {
			if req == s.req {
				s.show(sugs)
			}
		}, nil
	})
}

// show lists sugs under the field (or hides the list when there are none).
func (s *suggester) show(sugs []app.Suggestion) {
	if len(sugs) == 0 || (len(sugs) == 1 && sugs[0].Description == s.field.Text) {
		s.hide()
		return
	}
	s.shown, s.buttons = sugs, nil
	s.box.Objects = nil
	for _, sg := range sugs {
		b := widget.NewButton(s.label(sg), func() { s.pick(sg) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		s.buttons = append(s.buttons, b)
		s.box.Add(b)
	}
	s.box.Show()
	s.box.Refresh()
	if s.relayout != nil {
		s.relayout()
	}
}

// label is "Description — Project · Task · #tag".
func (s *suggester) label(sg app.Suggestion) string {
	cat := s.u.cat
	var parts []string
	if sg.ProjectID != nil {
		if p, ok := cat.projectByID[*sg.ProjectID]; ok {
			parts = append(parts, p.Name)
		}
	}
	if sg.TaskID != nil {
		if t, ok := cat.taskByID[*sg.TaskID]; ok {
			parts = append(parts, t.Name)
		}
	}
	for _, id := range sg.TagIDs {
		if t, ok := cat.tagByID[id]; ok {
			parts = append(parts, "#"+t.Name)
		}
	}
	text := ellipsize(sg.Description, 60)
	if len(parts) > 0 {
		text += "  —  " + ellipsize(strings.Join(parts, " · "), 60)
	}
	return text
}

// pick fills the field with sg and hands it on.
func (s *suggester) pick(sg app.Suggestion) {
	s.hide()
	s.picking = true
	s.field.SetText(sg.Description)
	s.picking = false
	s.field.CursorColumn = len([]rune(sg.Description))
	s.field.Refresh()
	s.u.win.Canvas().Focus(s.field)
	s.onPick(sg)
}

func (s *suggester) hide() {
	if s.box.Visible() {
		s.box.Hide()
		if s.relayout != nil {
			s.relayout()
		}
	}
	s.shown, s.buttons = nil, nil
}

// onSuggestion fills the timer bar from an earlier entry (project, task, tags, billable); a
// running entry takes it at once.
func (s *timerScreen) onSuggestion(sg app.Suggestion) {
	s.project.set(sg.ProjectID)
	s.task.set(sg.TaskID)
	s.tags.set(sg.TagIDs)
	s.setBillable(sg.Billable)
	if s.u.running != nil {
		desc, tags, billable := sg.Description, sg.TagIDs, sg.Billable
		s.patchRunning(app.TimeEntryPatch{Description: &desc, ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: sg.ProjectID},
			TaskID: app.Nullable[uuid.UUID]{Set: true, Value: sg.TaskID}, TagIDs: &tags, Billable: &billable})
	}
}

// onSuggestion fills the entry form from an earlier entry: project, task, tags, billable.
func (ed *entryEditor) onSuggestion(u *UI, sg app.Suggestion) {
	ed.project.set(sg.ProjectID)
	ed.task.set(sg.TaskID)
	ed.billable.SetChecked(sg.Billable)
	ed.tags.SetSelected(u.tagNames(sg.TagIDs))
}

// fitDialog resizes the entry dialog to its content, as the suggestion list comes and goes.
func (ed *entryEditor) fitDialog() {
	if ed.editor != nil && ed.dialog != nil {
		ed.dialog.Resize(ed.dialog.MinSize())
	}
}
