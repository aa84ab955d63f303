//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/stinthq/stint/app"
)

// middle is the absolute position of o's centre.
func middle(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

// entryRowFor is the laid-out row of l that shows the entry described desc.
func entryRowFor(t *testing.T, l *entryList, desc string) *entryRow {
	t.Helper()
	for _, r := range l.rows {
		if !r.item.header && r.item.entry.Description == desc && r.desc.Visible() && r.desc.Size().Width > 0 {
			return r
		}
	}
	t.Fatalf("no row shows %q", desc)
	return nil
}

// TestCutNamesShowTheirWholeTextOnHover: names that end in an ellipsis show their whole text
// in a card near the pointer (Fyne 2.7 has no tooltips); text that fits shows none. The
// pointer moves through Fyne's own hit testing (test.MoveMouse), so the tip must be what the
// pointer finds, and the card must not take the pointer away from it.
func TestCutNamesShowTheirWholeTextOnHover(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 0
	long := strings.Repeat("Quarterly planning ", 5)[:90]
	longDesc := "Reconcile the invoices of the third quarter with the bank statements and the receipts folder, line by line"
	client, err := h.svc.CreateClient(h.ctx, h.actor(), app.ClientInput{Name: "A client whose name is also far too long to fit anywhere sensible"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.svc.CreateProject(h.ctx, h.actor(), app.ProjectInput{Name: long, ClientID: &client.ID})
	if err != nil {
		t.Fatal(err)
	}
	short := h.project("Admin")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt(longDesc, &p, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), time.Hour)
	h.entryAt("Email", &short, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), 15*time.Minute)
	h.external()
	c := h.u.win.Canvas()
	h.u.win.Resize(fyne.NewSize(1040, 680))
	h.u.show(0)
	h.wait()

	hover := func(what string, o fyne.CanvasObject, want string) {
		t.Helper()
		test.MoveMouse(c, middle(o))
		if got := h.u.tips.showing(); got != want {
			t.Fatalf("%s: tip %q, want %q", what, got, want)
		}
		if want == "" {
			return
		}
		card, win := h.u.tips.card, c.Size()
		drawn := false
		for _, o := range test.LaidOutObjects(c.Content()) {
			drawn = drawn || o == card
		}
		if !drawn || !card.Visible() {
			t.Fatalf("%s: the card is not drawn in the window", what)
		}
		if card.Position().X < 0 || card.Position().Y < 0 || card.Position().X+card.Size().Width > win.Width || card.Position().Y+card.Size().Height > win.Height {
			t.Fatalf("%s: card at %v size %v leaves the %v window", what, card.Position(), card.Size(), win)
		}
		// Moving on within the text keeps the tip: the card does not take the pointer.
		test.MoveMouse(c, middle(o).AddXY(3, 1))
		if got := h.u.tips.showing(); got != want {
			t.Fatalf("%s: tip after a small move %q, want %q", what, got, want)
		}
	}
	away := func() {
		t.Helper()
		test.MoveMouse(c, fyne.NewPos(2, c.Size().Height-2))
		if got := h.u.tips.showing(); got != "" {
			t.Fatalf("tip %q stays after the pointer left", got)
		}
	}

	// The timer's list of today's entries: the description and the project.
	l := h.u.timer.entries
	cut := entryRowFor(t, l, longDesc)
	hover("cut description", cut.desc, longDesc)
	away()
	hover("cut project", cut.project, long)
	away()
	// What the tip points at moves when the window is resized or the screen changes.
	hover("cut description", cut.desc, longDesc)
	h.u.win.Resize(fyne.NewSize(1000, 680))
	h.wait()
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q stays after the window was resized", got)
	}
	h.u.win.Resize(fyne.NewSize(1040, 680))
	h.wait()
	away() // a tip comes back when the pointer comes back, as in other toolkits
	hover("cut description", cut.desc, longDesc)
	h.u.show(1)
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q stays after the screen changed", got)
	}
	h.u.show(0)
	h.wait()
	away()
	fits := entryRowFor(t, l, "Email")
	hover("description that fits", fits.desc, "")
	hover("project that fits", fits.project, "")

	// The picker's list, in its popup, has a layer of its own: the window's lies under it.
	pk := h.u.timer.project
	h.tap(pk.button)
	test.Type(pk.search, "Quarterly")
	h.wait()
	var cell fyne.CanvasObject
	for _, o := range test.LaidOutObjects(pk.popup) {
		if tp, ok := o.(*tip); ok {
			if text, _ := tp.full(); strings.HasPrefix(text, long) {
				cell = tp
			}
		}
	}
	if cell == nil {
		t.Fatal("no tip on the picker's row")
	}
	// Fyne's test driver places nothing inside a popup where it draws it, so the pointer
	// comes in by hand here.
	cell.(*tip).MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{AbsolutePosition: fyne.NewPos(400, 200)}})
	if got := pk.tips.showing(); got != long+" · "+client.Name {
		t.Fatalf("picker row: tip %q", got)
	}
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("the window's layer shows %q under the popup", got)
	}
	pk.close()
	if got := pk.tips.showing(); got != "" {
		t.Fatalf("picker tip %q outlives the popup", got)
	}

	// The timer's project picker shortens the name on its button: hover and keyboard focus.
	h.pick(h.u.timer.project, "Quarterly")
	b := h.u.timer.project.button
	if !strings.HasSuffix(b.Text, "…") {
		t.Fatalf("picker button shows %q", b.Text)
	}
	hover("picker button", b, long)
	away()
	c.Focus(b)
	if got := h.u.tips.showing(); got != long {
		t.Fatalf("focused picker button: tip %q", got)
	}
	c.Unfocus()
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q stays after the focus left", got)
	}

	// The timesheet's project column.
	h.u.show(2)
	h.wait()
	var sheetName *tip
	for _, o := range test.LaidOutObjects(h.u.win.Content()) {
		if tp, ok := o.(*tip); ok {
			if text, _ := tp.full(); text == long {
				sheetName = tp
			}
		}
	}
	if sheetName == nil {
		t.Fatal("the timesheet shows no tip for the project")
	}
	h.u.win.Resize(fyne.NewSize(700, 680))
	h.wait()
	hover("timesheet project", sheetName, long)
	away()

	// A catalog row: the name and the client.
	h.u.win.Resize(fyne.NewSize(1040, 680))
	h.u.show(3)
	h.wait()
	var row *catalogRow
	for _, r := range h.u.projects.list.rows {
		if r.item.title == long && r.title.Size().Width > 0 {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no catalog row shows the project")
	}
	hover("catalog name", row.title, long)
	away()
	hover("catalog client", row.subtitle, row.item.subtitle)
	if !strings.HasPrefix(row.item.subtitle, client.Name) {
		t.Fatalf("catalog row detail %q", row.item.subtitle)
	}
	away()
	for _, r := range h.u.projects.list.rows {
		if r.item.title == "Admin" && r.title.Size().Width > 0 {
			hover("catalog name that fits", r.title, "")
		}
	}
}

// TestTipWaitsForThePointerToRest: the tip shows only after the pointer rests, and not
// at all when it leaves first.
func TestTipWaitsForThePointerToRest(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 20 * time.Millisecond
	longDesc := strings.Repeat("A description far too long for its row, ", 6) + "the end"
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt(longDesc, nil, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), time.Hour)
	h.external()
	c := h.u.win.Canvas()
	h.u.show(0)
	h.wait()
	r := entryRowFor(t, h.u.timer.entries, longDesc)

	// Leaving before the delay: nothing shows, even after it.
	test.MoveMouse(c, middle(r.desc))
	test.MoveMouse(c, fyne.NewPos(2, c.Size().Height-2))
	time.Sleep(60 * time.Millisecond)
	h.wait()
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q shown after the pointer left", got)
	}

	// Resting: nothing at first, the whole text once the delay has passed.
	test.MoveMouse(c, middle(r.desc))
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q shown at once", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.u.tips.showing() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		h.wait()
	}
	if got := h.u.tips.showing(); got != longDesc {
		t.Fatalf("tip %q, want the description", got)
	}
}

// TestFocusedRowShowsItsWholeText: moving through a list with the arrow keys shows the
// focused row's whole text when the row cuts it, and nothing for a row that fits.
func TestFocusedRowShowsItsWholeText(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 0
	long := strings.Repeat("Quarterly planning ", 5)[:90]
	p := h.project(long)
	short := h.project("Admin")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h.entryAt("Budget", &p, time.Date(2026, 11, 23, 8, 0, 0, 0, berlin), time.Hour)
	h.entryAt("Email", &short, time.Date(2026, 11, 23, 9, 0, 0, 0, berlin), 15*time.Minute)
	h.external()
	c := h.u.win.Canvas()
	h.u.show(0)
	h.wait()
	l := h.u.timer.entries.list
	if got := rows(h.u.timer.entries); strings.Join(got, ",") != "Email,Budget" {
		t.Fatalf("rows %v", got)
	}
	c.Focus(l)
	key := func(name fyne.KeyName) {
		t.Helper()
		c.Focused().TypedKey(&fyne.KeyEvent{Name: name})
	}
	key(fyne.KeyDown) // Budget, on the long project
	if got := h.u.tips.showing(); !strings.Contains(got, "Budget") || !strings.Contains(got, long) {
		t.Fatalf("focused cut row: tip %q", got)
	}
	key(fyne.KeyUp) // Email fits
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("focused row that fits: tip %q", got)
	}
	key(fyne.KeyDown)
	c.Unfocus()
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q stays after the list lost the focus", got)
	}

	// Tab moves through a row by its buttons: while one has the focus, the row shows its tip.
	c.Focus(entryRowFor(t, h.u.timer.entries, "Budget").edit)
	if got := h.u.tips.showing(); !strings.Contains(got, "Budget") || !strings.Contains(got, long) {
		t.Fatalf("cut row's button focused: tip %q", got)
	}
	c.Focus(entryRowFor(t, h.u.timer.entries, "Email").del)
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("button of a row that fits focused: tip %q", got)
	}
	c.Focus(entryRowFor(t, h.u.timer.entries, "Budget").cont)
	c.Unfocus()
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q stays after the button lost the focus", got)
	}

	// The catalog, sorted by name: Down moves from the first row to the second.
	h.u.show(3)
	h.wait()
	cl := h.u.projects.list
	names := []string{cl.items[0].title, cl.items[1].title}
	c.Focus(cl.list)
	key(fyne.KeyDown)
	want := ""
	if names[1] == long {
		want = long
	}
	if got := h.u.tips.showing(); !strings.HasPrefix(got, want) || (want == "") != (got == "") {
		t.Fatalf("catalog row %q focused: tip %q", names[1], got)
	}
	key(fyne.KeyUp)
	want = ""
	if names[0] == long {
		want = long
	}
	if got := h.u.tips.showing(); !strings.HasPrefix(got, want) || (want == "") != (got == "") {
		t.Fatalf("catalog row %q focused: tip %q", names[0], got)
	}
	for _, r := range cl.rows {
		if r.item.title == long && r.title.Size().Width > 0 {
			c.Focus(r.archive)
			if got := h.u.tips.showing(); !strings.HasPrefix(got, long) {
				t.Fatalf("catalog row's Archive focused: tip %q", got)
			}
			c.Unfocus()
		}
	}
	if got := h.u.tips.showing(); got != "" {
		t.Fatalf("tip %q after the catalog row's button lost the focus", got)
	}
}

// TestPickerFitsTheNameToItsWidth: the picker's button cut every name at 18 characters,
// whatever room it had: a name of wide letters pushed its button past the box it sits in
// (the timer's 180 px, the Entries filter's 160 px), and a button with a line of its own
// in a narrow window still showed 18 characters. Now the name ends in an ellipsis where
// the button's width ends, and the button shows the whole name on hover and focus.
func TestPickerFitsTheNameToItsWidth(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.u.tipDelay = 0
	wide := strings.Repeat("WMW Quarterly planning ", 4)[:90]
	p := h.project(wide)
	h.external()
	fits := func(what string, b *tipButton) {
		t.Helper()
		if b.MinSize().Width > b.Size().Width {
			t.Errorf("%s: the button needs %v px where it has %v", what, b.MinSize().Width, b.Size().Width)
		}
		if !strings.HasSuffix(b.Text, "…") || !strings.HasPrefix(wide, strings.TrimSuffix(b.Text, "…")) {
			t.Errorf("%s: the button reads %q", what, b.Text)
		}
		if w := b.measure(b.Text); w > b.textRoom(b.Size().Width) {
			t.Errorf("%s: %q is %v px in %v px of room", what, b.Text, w, b.textRoom(b.Size().Width))
		}
		if full, cut := b.tipText(); full != wide || !cut {
			t.Errorf("%s: tip %q (cut %v)", what, full, cut)
		}
	}
	h.u.show(0)
	h.wait()
	h.pick(h.u.timer.project, "WMW")
	fits("timer project", h.u.timer.project.button)
	h.u.show(1)
	h.wait()
	h.u.entries.project.set(&p.ID)
	h.u.win.Content().Refresh()
	fits("entries filter", h.u.entries.project.button)

	// With room, the button shows more: a picker with a line of its own in a narrow window.
	long := "Bartholomew Fitzwilliam-Montgomery of the Quarterly Planning Committee"
	m, err := h.svc.AddMember(h.ctx, h.actor(), app.MemberInput{Name: long, Email: "bart@example.com", Role: app.RoleMember, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	s := h.activityScreen()
	h.u.win.Resize(fyne.NewSize(480, 680))
	h.wait()
	h.pick(s.person, "Bartholomew")
	b := s.person.button
	if n := len([]rune(b.Text)); n <= 30 || b.Size().Width < 300 {
		t.Errorf("a %v px person picker shows %d characters: %q", b.Size().Width, n, b.Text)
	}
	if s.who != m.UserID {
		t.Errorf("the picker chose %v, want %v", s.who, m.UserID)
	}
	if w := b.measure(b.Text); w > b.textRoom(b.Size().Width) {
		t.Errorf("%q is %v px in %v px of room", b.Text, w, b.textRoom(b.Size().Width))
	}
	h.u.win.Canvas().Focus(b)
	if got := h.u.tips.showing(); got != long {
		t.Errorf("focused person picker: tip %q", got)
	}
}
