//go:build !headless

package ui

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// dialogOpener opens one of the app's dialogs. site is where the dialog is made: the
// source file and the function holding the dialog.New… or showModal call.
type dialogOpener struct {
	name string
	site string
	open func(h *harness)
	// stock says the dialog is Fyne's own (the file and folder choosers): its widgets are
	// Fyne's and drop Escape, and the window closes the dialog only with the patched Fyne
	// (third_party/fyne/escape.patch), whose rule patchedWindowEscape follows.
	stock bool
}

// dialogOpeners are all the dialogs the app opens. TestEveryDialogIsWalked keeps the list
// complete.
var dialogOpeners = []dialogOpener{
	{name: "error", site: "modal.go showErrorDialog", open: func(h *harness) { h.u.showErrorDialog(errors.New("The disk is full.")) }},
	{name: "new project", site: "catalog.go openEditor", open: func(h *harness) { h.u.projects.onEdit(uuid.Nil) }},
	{name: "new client", site: "catalog.go openEditor", open: func(h *harness) { h.u.clients.onEdit(uuid.Nil) }},
	{name: "new task", site: "catalog.go openEditor", open: func(h *harness) { h.u.tasks.onEdit(uuid.Nil) }},
	{name: "new tag", site: "catalog.go openEditor", open: func(h *harness) { h.u.tags.onEdit(uuid.Nil) }},
	{name: "entry editor", site: "catalog.go openEditor", open: func(h *harness) { h.u.editEntry(nil) }},
	{name: "delete a project", site: "catalog.go askDelete", open: func(h *harness) {
		h.project("Old " + uuid.NewString()[:8]) // Ctrl+Enter deletes one
		h.external()
		h.u.show(3) // the projects screen fills its list when shown
		h.wait()
		h.u.projects.list.askDelete(h.u.projects.list.items[0])
	}},
	{name: "idle question", site: "idle.go ask", open: func(h *harness) {
		if h.running() == nil {
			if _, err := h.svc.StartTimer(h.ctx, h.actor(), appTimerStart("deep work")); err != nil {
				h.t.Fatal(err)
			}
			h.external()
		}
		h.awayAndBack(20 * time.Minute)
	}},
	{name: "import", site: "importdialog.go openImport", open: func(h *harness) { h.openImportFile("toggl.csv", togglFile) }},
	{name: "import problem", site: "importdialog.go openImport", open: func(h *harness) {
		d := h.openImportFile("toggl.csv", togglFile)
		d.problems.OnSelected(0)
	}},
	{name: "import file chooser", site: "importdialog.go onChoose", stock: true, open: func(h *harness) { h.u.openImport().onChoose() }},
	{name: "export", site: "reports_export.go onExport", open: func(h *harness) { h.reports().onExport() }},
	{name: "export folder chooser", site: "reports_export.go onBrowse", stock: true, open: func(h *harness) {
		h.reports().onExport()
		h.wait()
		h.reports().exporting.onBrowse()
	}},
	{name: "rotate the API token", site: "settings.go onRotate", open: func(h *harness) {
		h.u.show(7) // Ctrl+Enter rotates, and the settings screen then says so
		h.wait()
		h.u.settings.onRotate()
	}},
	{name: "sync details", site: "sync.go show", open: func(h *harness) { h.u.sync.onDetails() }},
	{name: "disconnect", site: "sync.go onDisconnect", open: func(h *harness) {
		h.u.show(7) // the settings screen makes its team section when shown
		h.wait()
		h.u.settings.team.onDisconnect()
	}},
	{name: "connect", site: "sync.go onConnect", open: func(h *harness) { h.u.sync.onConnect() }},
	{name: "connect, with data of its own", site: "sync.go onConnect", open: func(h *harness) {
		h.u.sync.onConnect()
		h.wait()
		c := h.u.sync.connect
		c.existing.Show() // the publish-or-join choice, as for a computer with entries
		c.insecure.Show() // the plain-http consent, as for an http:// address off this machine
		c.dialog.Refresh()
	}},
	{name: "screenshots of a slot", site: "activity.go openAll", open: func(h *harness) {
		h.activity().openAll([]shotThumb{{shot: h.screenshot()}, {shot: h.screenshot()}})
	}},
	{name: "screenshot", site: "activity.go view", open: func(h *harness) { h.activity().view(h.screenshot(), nil) }},
	{name: "delete a screenshot", site: "activity.go askDelete", open: func(h *harness) {
		s := h.activity()
		s.view(h.screenshot(), nil)
		h.wait()
		s.askDelete(s.viewer)
	}},
}

func (h *harness) activity() *activityScreen {
	for _, s := range h.u.screens {
		if a, ok := s.(*activityScreen); ok {
			return a
		}
	}
	h.t.Fatal("no activity screen")
	return nil
}

// screenshot is a screenshot of the user's, as the viewer gets it.
func (h *harness) screenshot() app.Screenshot {
	at := h.clock.Now().Add(-time.Hour)
	return app.Screenshot{ID: uuid.New(), UserID: h.u.actor.UserID, TakenAt: at, SlotStart: at.Truncate(10 * time.Minute), Width: 1920, Height: 1080, Bytes: 200000}
}

// focusables are the widgets in o that can take the keyboard focus: shown and enabled.
func focusables(o fyne.CanvasObject) []fyne.Focusable {
	if o == nil || !o.Visible() {
		return nil
	}
	var out []fyne.Focusable
	if f, ok := o.(fyne.Focusable); ok {
		if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
			out = append(out, f)
		}
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			out = append(out, focusables(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			out = append(out, focusables(c)...)
		}
	}
	return out
}

// patchedWindowEscape presses Escape as the patched GLFW window does
// (third_party/fyne/escape.patch), which Fyne's test driver cannot: the focused widget
// gets it, then the window's key handler too when the focus and the top overlay are
// unchanged.
func patchedWindowEscape(c fyne.Canvas, u *UI) {
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	focused, overlay := c.Focused(), c.Overlays().Top()
	focused.TypedKey(escape)
	if c.Focused() == focused && c.Overlays().Top() == overlay {
		u.onWindowKey(escape)
	}
}

// describe names a widget for a failure message: its type and its text, if it has one.
func describe(f fyne.Focusable) string {
	v := reflect.Indirect(reflect.ValueOf(f))
	for _, name := range []string{"Text", "PlaceHolder"} {
		if v.Kind() != reflect.Struct {
			break
		}
		if t := v.FieldByName(name); t.IsValid() && t.Kind() == reflect.String && t.String() != "" {
			return fmt.Sprintf("%T %q", f, t.String())
		}
	}
	return fmt.Sprintf("%T", f)
}

// TestEscapeClosesEveryDialog opens each dialog the app has and, for every widget in it
// that can take the focus (a tap or Tab puts it there), focuses the widget and presses
// Escape as the window would: the dialog must close. Ctrl+Enter in each dialog must leave
// the timer behind it as it was. Fyne gives a key to the focused
// widget alone, and its stock buttons, checks, radios and lists drop Escape.
func TestEscapeClosesEveryDialog(t *testing.T) {
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	for _, o := range dialogOpeners {
		t.Run(o.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{workspace: true})
			h.project("Website")
			h.external()
			c := h.u.win.Canvas()
			open := func() *modal {
				t.Helper()
				o.open(h)
				h.wait()
				m := h.u.topModal()
				if m == nil || c.Overlays().Top() != m.overlay {
					t.Fatalf("%s: no dialog in front", o.name)
				}
				return m
			}
			closed := func(m *modal) bool {
				return h.u.topModal() != m && c.Overlays().Top() != m.overlay
			}
			// Escape with nothing focused reaches the window, which closes the dialog.
			m := open()
			c.Unfocus()
			h.u.onWindowKey(escape)
			h.wait()
			if !closed(m) {
				t.Fatalf("Escape with no focus left the dialog open")
			}
			// Ctrl+Enter is the dialog's, never the timer's behind it.
			open()
			running := h.running() != nil
			h.u.shortcuts.handle(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault})
			h.wait()
			if (h.running() != nil) != running {
				t.Fatalf("Ctrl+Enter in the dialog turned the timer from running %v to %v", running, !running)
			}
			for h.u.closeModal() {
				h.wait()
			}
			m = open()
			n := len(focusables(m.overlay))
			if n == 0 {
				t.Fatal("no widget to focus")
			}
			t.Logf("%d widgets take the focus", n)
			for i := range n {
				if i > 0 {
					m = open()
				}
				fs := focusables(m.overlay)
				if len(fs) != n {
					t.Fatalf("the dialog has %d focusable widgets, then %d", n, len(fs))
				}
				f := fs[i]
				c.Focus(f)
				if c.Focused() != f {
					t.Fatalf("%s cannot take the focus", describe(f))
				}
				if o.stock {
					patchedWindowEscape(c, h.u)
				} else {
					c.Focused().TypedKey(escape)
				}
				h.wait()
				if !closed(m) {
					t.Errorf("Escape on %s left the dialog open", describe(f))
					for h.u.closeModal() {
						h.wait()
					}
				}
				// Whatever opened under it (the import dialog under its problem) goes too.
				for h.u.closeModal() {
					h.wait()
				}
			}
		})
	}
}

// TestEveryDialogIsWalked: every place in the package that makes a dialog or shows one
// has its opener in dialogOpeners, so a new dialog is walked by TestEscapeClosesEveryDialog.
func TestEveryDialogIsWalked(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	funcName := regexp.MustCompile(`^func (?:\([^)]*\) )?(\w+)`)
	sites := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		fn := ""
		for sc.Scan() {
			line := sc.Text()
			if m := funcName.FindStringSubmatch(line); m != nil {
				fn = m[1]
			}
			if fn == "showModal" || strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if strings.Contains(line, "showModal(") || strings.Contains(line, "dialog.New") {
				sites[f+" "+fn] = true
			}
		}
		fh.Close()
	}
	covered := map[string]bool{}
	for _, o := range dialogOpeners {
		covered[o.site] = true
	}
	var missing, stale []string
	for s := range sites {
		if !covered[s] {
			missing = append(missing, s)
		}
	}
	for s := range covered {
		if !sites[s] {
			stale = append(stale, s)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("dialogs with no opener in dialogOpeners: %v", missing)
	}
	if len(stale) > 0 {
		t.Errorf("openers whose site makes no dialog: %v", stale)
	}
}

// TestCtrlEnterWithAPopupListOpen: with a picker's list or a select's list open, Ctrl+Enter
// started or stopped the timer behind it (in a dialog: saved the dialog under the list).
// It now does nothing while the list is open, and works again once the list is closed.
func TestCtrlEnterWithAPopupListOpen(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.project("Website")
	h.external()
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	c := h.u.win.Canvas()

	// The timer's project picker: Ctrl+Enter in its search field.
	p := h.u.timer.project
	h.tap(p.button)
	if p.popup == nil {
		t.Fatal("the project picker did not open")
	}
	if c.Focused() != p.search {
		t.Fatalf("focus on %T, want the picker's search", c.Focused())
	}
	p.search.TypedShortcut(ctrlEnter)
	h.wait()
	if h.running() != nil {
		t.Fatal("Ctrl+Enter in the project picker's search started the timer")
	}
	p.close()
	h.u.shortcuts.handle(ctrlEnter)
	h.wait()
	if h.running() == nil {
		t.Fatal("Ctrl+Enter with the list closed did not start the timer")
	}

	// A Reports filter's picker and a select's list: a list has the focus, which takes no
	// shortcuts, so the window's get them.
	r := h.reports()
	h.u.show(8)
	h.wait()
	h.tap(r.project.button)
	h.u.shortcuts.handle(ctrlEnter)
	h.wait()
	if h.running() == nil {
		t.Fatal("Ctrl+Enter with a Reports filter's list open stopped the timer")
	}
	r.project.close()
	test.Tap(r.group)
	h.wait()
	if !h.dialogOpen() {
		t.Fatal("the select's list did not open")
	}
	h.u.shortcuts.handle(ctrlEnter)
	h.wait()
	if h.running() == nil {
		t.Fatal("Ctrl+Enter with a select's list open stopped the timer")
	}
	c.Overlays().Top().Hide()
	c.Overlays().Remove(c.Overlays().Top())

	h.u.shortcuts.handle(ctrlEnter)
	h.wait()
	if h.running() != nil {
		t.Fatal("Ctrl+Enter with no list open did not stop the timer")
	}

	// In the entry editor: the project picker's list is open over the dialog.
	n := h.entryCount()
	ed := h.u.editEntry(nil)
	h.wait()
	h.typeInto(ed.desc, "review")
	h.tap(ed.project.button)
	ed.project.search.TypedShortcut(ctrlEnter)
	h.wait()
	if h.entryCount() != n || h.u.topModal() == nil || h.running() != nil {
		t.Fatalf("Ctrl+Enter in the editor's project list: %d entries (want %d), timer running %v", h.entryCount(), n, h.running() != nil)
	}
	ed.project.close()
	ed.desc.TypedShortcut(ctrlEnter)
	h.wait()
	if h.u.topModal() != nil || h.entryCount() != n+1 || h.running() != nil {
		t.Fatalf("Ctrl+Enter in the editor: dialog open %v, %d entries (want %d), timer running %v", h.u.topModal() != nil, h.entryCount(), n+1, h.running() != nil)
	}
}

// TestEntryEditorPickerTipsShowInTheDialog: the entry editor's project and task pickers
// showed the whole of a cut name on the window's tip layer, under the dialog, where
// nobody saw it. They show it on the dialog's own layer now, on hover and on focus.
func TestEntryEditorPickerTipsShowInTheDialog(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 0
	name := strings.Repeat("Quarterly planning ", 5)[:90]
	p := h.project(name)
	task, err := h.svc.CreateTask(h.ctx, h.actor(), app.TaskInput{ProjectID: p.ID, Name: name + " task"})
	if err != nil {
		t.Fatal(err)
	}
	h.external()
	h.u.win.Resize(fyne.NewSize(480, 680))
	h.wait()
	ed := h.u.editEntry(nil)
	h.wait()
	ed.project.set(&p.ID)
	ed.task.set(&task.ID)
	top := h.u.win.Canvas().Overlays().Top()
	relayout(top)
	for _, pk := range []struct {
		name string
		p    *picker
		want string
	}{{"project", ed.project, name}, {"task", ed.task, task.Name}} {
		b := pk.p.button
		b.layer.hide()
		if !strings.HasSuffix(b.Text, "…") {
			t.Fatalf("the %s picker reads %q, not cut", pk.name, b.Text)
		}
		h.u.win.Canvas().Focus(b)
		tips := b.layer
		if got := tips.showing(); got != pk.want {
			t.Errorf("the focused %s picker: tip %q, want %q", pk.name, got, pk.want)
		}
		if !insideOverlay(top, tips.box) {
			t.Errorf("the %s picker's tip shows outside the dialog, under it", pk.name)
		}
	}
}

// insideOverlay reports whether o is drawn within the overlay top.
func insideOverlay(top, o fyne.CanvasObject) bool {
	for _, x := range test.LaidOutObjects(top) {
		if x == o {
			return true
		}
	}
	return false
}

// TestEscapeInAPopupListClosesTheListOnly: Escape with a picker's or a select's list open
// over a dialog closes the list and leaves the dialog open, whether the picker's list has
// the focus or the key reaches the window (the patched Fyne passes it on when the focused
// widget leaves it alone). A stock list dropped it; the window closed the dialog instead.
func TestEscapeInAPopupListClosesTheListOnly(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.project("Website")
	h.external()
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	c := h.u.win.Canvas()
	ed := h.u.editEntry(nil)
	h.wait()
	m := h.u.topModal()
	for _, w := range []struct {
		name  string
		press func()
	}{
		{"the picker's list", func() {
			c.Focus(ed.project.list)
			c.Focused().TypedKey(escape)
		}},
		{"the window", func() { h.u.onWindowKey(escape) }},
	} {
		h.tap(ed.project.button)
		if !h.u.popupOpen() {
			t.Fatalf("%s: the picker did not open", w.name)
		}
		w.press()
		h.wait()
		if h.u.popupOpen() || h.u.topModal() != m || c.Overlays().Top() != m.overlay {
			t.Errorf("Escape to %s: list open %v, dialog open %v", w.name, h.u.popupOpen(), h.u.topModal() == m)
		}
	}
	h.u.closeModal()
	h.wait()

	// A select's list over the Export dialog.
	h.reports().onExport()
	h.wait()
	d := h.reports().exporting
	test.Tap(d.format)
	h.wait()
	if !h.u.popupOpen() {
		t.Fatal("the format's list did not open")
	}
	h.u.onWindowKey(escape)
	h.wait()
	if h.u.popupOpen() || h.u.topModal() == nil {
		t.Errorf("Escape with the format's list open: list open %v, dialog open %v", h.u.popupOpen(), h.u.topModal() != nil)
	}
}
