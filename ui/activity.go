//go:build !headless

package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// activityScreen shows one day of the activity timer's slots: a bar per 10-minute slot,
// its length the activity % and its colour low, middling or high, with the slot's top
// applications, and the day's tracked time, activity and top applications above.
type activityScreen struct {
	u    *UI
	date string // the day shown; "" for today
	// person picks whose day a manager sees: the signed-in user unless another is picked;
	// members never see it.
	person    *picker
	personBox fyne.CanvasObject
	// who is the user whose day is shown; uuid.Nil for the signed-in user.
	who uuid.UUID
	// members are the organization's, for a manager's person picker.
	members  []app.Member
	dayLabel *dayHeading
	summary  *subtle
	apps     *subtle
	rows     *fyne.Container
	empty    *fyne.Container
	emptyMsg *widget.Label
	req      int
	prev     *widget.Button
	next     *widget.Button
	today    *widget.Button
	// slots shown, for tests.
	slots []app.ActivitySlot
	// shots are the day's screenshots by slot start (Unix seconds), with their thumbnails.
	shots map[int64][]shotThumb
	// viewer is the open screenshot, for tests.
	viewer *shotViewer
	// appsFull is the day's top applications with their whole names (apps cuts them).
	appsFull string
}

// shotThumb is a screenshot with its thumbnail's JPEG bytes.
type shotThumb struct {
	shot  app.Screenshot
	thumb []byte
}

// maxSlotThumbs is how many thumbnails a slot's row shows; the rest open from a "+N" button.
const maxSlotThumbs = 5

func newActivityScreen(u *UI) *activityScreen {
	s := &activityScreen{u: u, dayLabel: newDayHeading(), summary: caption(""), apps: caption("")}
	s.summary.Wrapping = fyne.TextWrapWord
	// One line, cut to the window; hovering it shows it whole.
	s.apps.truncated()
	s.rows = container.NewVBox()
	t := widget.NewLabel("No activity on this day")
	t.Alignment = fyne.TextAlignCenter
	t.TextStyle = fyne.TextStyle{Bold: true}
	s.emptyMsg = widget.NewLabel("")
	s.emptyMsg.Alignment = fyne.TextAlignCenter
	s.emptyMsg.Wrapping = fyne.TextWrapWord
	s.empty = container.NewCenter(fixedWidth(360, container.NewVBox(t, s.emptyMsg)))
	s.empty.Hide()
	s.person = newPicker(u, "", s.memberOptions, func(id *uuid.UUID) {
		s.who = uuid.Nil
		if id != nil && *id != s.u.actor.UserID {
			s.who = *id
		}
		s.refresh()
	})
	return s
}

// memberOptions lists the organization's members by name, for a manager's person picker.
func (s *activityScreen) memberOptions() []pickOption {
	out := make([]pickOption, 0, len(s.members))
	for _, m := range s.members {
		out = append(out, pickOption{id: m.UserID, label: m.Name, detail: m.Email})
	}
	return out
}

// user is whose day the screen shows: the person picked, else the signed-in user.
func (s *activityScreen) user() uuid.UUID {
	if s.who != uuid.Nil && s.u.actor.Role.Can(app.PermEntriesReadAll) {
		return s.who
	}
	return s.u.actor.UserID
}

// personName is the name of the person whose day is shown, when it is not the signed-in
// user's, cut to nameMaxRunes (the picker's button shows it whole on hover).
func (s *activityScreen) personName(id uuid.UUID) string {
	for _, m := range s.members {
		if m.UserID == id {
			return ellipsize(m.Name, nameMaxRunes)
		}
	}
	return "this person"
}

func (s *activityScreen) title() string       { return "Activity" }
func (s *activityScreen) icon() fyne.Resource { return theme.ComputerIcon() }

func (s *activityScreen) build() fyne.CanvasObject {
	s.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.shift(-1) })
	s.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.shift(1) })
	s.today = widget.NewButton("Today", func() { s.date = ""; s.refresh() })
	// Wide, the person picker sits beside Today; narrow, it takes a line of its own under
	// the day, which keeps the room to show the day's name. Its button cuts a long name
	// short (the list shows more).
	s.personBox = fixedWidth(170, s.person.button)
	s.personBox.Hide()
	nav := container.NewHBox(s.prev, s.next)
	top := container.NewVBox()
	apps := newTip(s.u.tips, s.apps, func() (string, bool) { return s.appsFull, s.appsFull != s.apps.seg.Text || subtleCut(s.apps) })
	s.u.onNarrow(func(narrow bool) {
		if narrow {
			top.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nav, s.today, s.dayLabel), s.personBox}
		} else {
			top.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nav, container.NewHBox(s.personBox, s.today), s.dayLabel)}
		}
		top.Objects = append(top.Objects, s.summary, apps, widget.NewSeparator())
		top.Refresh()
	})
	return container.NewBorder(top, nil, nil, nil, container.NewStack(container.NewVScroll(s.rows), s.empty))
}

// shift moves the day shown by days.
func (s *activityScreen) shift(days int) {
	base := s.date
	if base == "" {
		base = s.u.today()
	}
	d, err := time.ParseInLocation(app.DateLayout, base, s.u.loc)
	if err != nil {
		d = s.u.svc.Now().In(s.u.loc)
	}
	s.date = d.AddDate(0, 0, days).Format(app.DateLayout)
	s.refresh()
}

func (s *activityScreen) refresh() {
	u := s.u
	s.req++
	req := s.req
	a, date, user := u.actor, s.date, s.user()
	if date == "" {
		date = u.today()
	}
	tz := u.loc.String()
	// Managers and above may read the organization's activity: they pick whose day to see.
	manager := a.Role.Can(app.PermEntriesReadAll)
	if s.personBox != nil {
		if manager {
			s.personBox.Show()
		} else {
			s.personBox.Hide()
		}
	}
	u.bg(func(ctx context.Context) (func(), error) {
		var members []app.Member
		if manager {
			var err error
			if members, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Member], error) { return u.svc.Members(ctx, a, lp) }); err != nil {
				return nil, err
			}
		}
		slots, err := u.svc.Activity(ctx, a, app.ActivityQuery{From: date, To: date, Timezone: tz, UserID: &user})
		if err != nil {
			return nil, err
		}
		on, err := u.svc.ActivityEnabled(ctx)
		if err != nil {
			return nil, err
		}
		shots, err := u.svc.ListScreenshots(ctx, a, app.ActivityQuery{From: date, To: date, Timezone: tz, UserID: &user})
		if err != nil {
			return nil, err
		}
		byslot := map[int64][]shotThumb{}
		// A screenshot whose image is not on this device (taken on another) has its
		// thumbnail fetched from the team server; offline, or past a few seconds for the
		// day's, it shows a placeholder.
		fetch, cancel := context.WithTimeout(ctx, shotFetchBudget)
		defer cancel()
		offline := false
		for _, sh := range shots {
			thumb, err := s.shotImage(fetch, a, sh.ID, true, offline)
			if errors.Is(err, app.ErrUnavailable) || fetch.Err() != nil {
				offline = true
			}
			byslot[sh.SlotStart.Unix()] = append(byslot[sh.SlotStart.Unix()], shotThumb{shot: sh, thumb: thumb})
		}
		return func() {
			if req == s.req {
				if manager {
					s.members = members
					s.person.set(&user)
					// A person, not a project: the button shows whose day it is.
					s.person.button.SetIcon(theme.AccountIcon())
				}
				s.shots = byslot
				s.show(date, slots, on)
			}
		}, nil
	})
}

// show lays the day out.
func (s *activityScreen) show(date string, slots []app.ActivitySlot, on bool) {
	s.slots = slots
	loc := s.u.loc
	if d, err := time.ParseInLocation(app.DateLayout, date, loc); err == nil {
		s.dayLabel.set(d)
	}
	display := s.u.display()
	s.next.Disable()
	if date < s.u.today() {
		s.next.Enable()
	}
	var tracked, active time.Duration
	apps := map[string]time.Duration{}
	rows := make([]fyne.CanvasObject, 0, len(slots))
	placed := map[int64]bool{}
	for _, sl := range slots {
		tracked += sl.Tracked
		active += sl.Active
		for _, a := range sl.Apps {
			apps[a.Name] += a.Time
		}
		row := s.slotRow(sl, loc, display)
		if k := sl.Start.Unix(); !placed[k] && len(s.shots[k]) > 0 {
			placed[k] = true
			row = container.NewVBox(row, s.thumbRow(s.shots[k]))
		}
		rows = append(rows, row)
	}
	// Screenshots of a slot not written yet (the slot in progress) get a row of their own.
	var rest []int64
	for k := range s.shots {
		if !placed[k] {
			rest = append(rest, k)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i] < rest[j] })
	for _, k := range rest {
		label := widget.NewLabel(display.Clock(time.Unix(k, 0), loc))
		rows = append(rows, container.NewVBox(container.NewHBox(label, caption("screenshots")), s.thumbRow(s.shots[k])))
	}
	s.rows.Objects = rows
	s.rows.Refresh()
	if len(slots) == 0 && len(s.shots) == 0 {
		s.empty.Show()
		s.emptyMsg.SetText(s.emptyHint(on))
		s.summary.SetText("")
		s.setApps("", "")
		return
	}
	s.empty.Hide()
	if len(slots) == 0 {
		s.summary.SetText("")
		s.setApps("", "")
		return
	}
	pct := 0
	if tracked > 0 {
		pct = int(active * 100 / tracked)
	}
	s.summary.SetText(fmt.Sprintf("Tracked %s, active %d%% of it", display.Duration(tracked), pct))
	s.setApps(topApps(apps, 5, display))
}

// setApps shows the day's top applications, their long names cut short, on a line that
// ends in an ellipsis when the window is narrow; the whole text shows on hover.
func (s *activityScreen) setApps(shown, full string) {
	s.appsFull = full
	s.apps.SetText(shown)
}

// emptyHint says why a day has no slots.
func (s *activityScreen) emptyHint(on bool) string {
	if id := s.user(); id != s.u.actor.UserID {
		// This device's settings and tracker say nothing about another person's day.
		return "Nothing was measured for " + s.personName(id) + " on this day."
	}
	if !on {
		return "Measuring activity is turned off in Settings → Timer."
	}
	if t := s.u.opts.Tracker; t != nil {
		if err := t.Err(); err != nil && errors.Is(err, app.ErrActivityUnavailable) {
			return "Activity cannot be measured here: " + strings.TrimPrefix(err.Error(), app.ErrActivityUnavailable.Error()+": ") + "."
		}
	}
	return "While a timer runs, the time with keyboard or mouse input is measured in 10-minute slots and shows up here."
}

// slotRow is one slot: its time, a bar as long as its activity %, the figures and its top
// applications, cut to the row's width; hovering them shows each application with its
// window title.
func (s *activityScreen) slotRow(sl app.ActivitySlot, loc *time.Location, display app.Display) fyne.CanvasObject {
	label := widget.NewLabel(display.Clock(sl.Start, loc))
	pct := sl.Percent()
	bar := newActivityBar(pct)
	figures := widget.NewLabel(fmt.Sprintf("%3d%% of %2d min", pct, int(sl.Tracked.Round(time.Minute)/time.Minute)))
	// With window titles an application can come several times (once per title): name
	// it once.
	var names []string
	for _, a := range sl.Apps {
		if len(names) == 2 {
			break
		}
		if !slices.Contains(names, a.Name) {
			names = append(names, a.Name)
		}
	}
	appsLabel := widget.NewLabel(strings.Join(names, ", "))
	appsLabel.Truncation = fyne.TextTruncateEllipsis
	var lines []string
	more := len(sl.Apps) > len(names)
	for _, a := range sl.Apps {
		line := a.Name
		if a.Title != "" {
			line += " — " + a.Title
			more = true
		}
		lines = append(lines, line+" ("+display.Duration(a.Time)+")")
	}
	full := strings.Join(lines, "\n")
	apps := newTip(s.u.tips, appsLabel, func() (string, bool) { return full, more || labelCut(appsLabel) })
	left := container.NewHBox(fixedWidth(clockWidth(display), label), fixedSize(fyne.NewSize(120, 20), bar), fixedWidth(128, figures))
	return container.NewBorder(nil, nil, left, nil, apps)
}

// topApps lists the applications with the most time, longest first: as shown, each name
// cut to nameMaxRunes, and whole.
func topApps(apps map[string]time.Duration, n int, display app.Display) (shown, full string) {
	type kv struct {
		name string
		d    time.Duration
	}
	var list []kv
	for k, v := range apps {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].d != list[j].d {
			return list[i].d > list[j].d
		}
		return list[i].name < list[j].name
	})
	var cut, whole []string
	for i, e := range list {
		if i == n {
			break
		}
		cut = append(cut, ellipsize(e.name, nameMaxRunes)+" "+display.Duration(e.d))
		whole = append(whole, e.name+" "+display.Duration(e.d))
	}
	if len(cut) == 0 {
		return "", ""
	}
	return "Top applications: " + strings.Join(cut, " · "), "Top applications: " + strings.Join(whole, " · ")
}

// clockWidth is the room of the widest time of day the display shows, so the slots' bars
// and thumbnails line up whatever the clock.
func clockWidth(display app.Display) float32 {
	return widget.NewLabel(display.Clock(time.Date(2000, 1, 1, 12, 58, 0, 0, time.UTC), time.UTC)).MinSize().Width
}

// dayHeading names the day shown as fully as its width allows: "Wednesday 30 September
// 2026", "Wed 30 Sep 2026" or "30 Sep 2026", so a narrow window shows the whole date
// rather than cutting it. Like any truncating label it asks for little room, so the wide
// arrangement never holds the window wider than the narrow one needs.
type dayHeading struct {
	widget.Label
	day   time.Time
	shown bool
}

// dayFormats are the day's names, longest first.
var dayFormats = []string{"Monday 2 January 2006", "Mon 2 Jan 2006", "2 Jan 2006"}

func newDayHeading() *dayHeading {
	h := &dayHeading{}
	h.SizeName = theme.SizeNameHeadingText
	h.TextStyle = fyne.TextStyle{Bold: true}
	h.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

// set shows day.
func (h *dayHeading) set(day time.Time) {
	h.day, h.shown = day, true
	h.SetText(h.fitted(h.Size().Width))
}

// fitted is the longest of the day's names that fits width w (the longest before the
// heading is laid out).
func (h *dayHeading) fitted(w float32) string {
	if !h.shown {
		return h.Text
	}
	for _, f := range dayFormats {
		if text := h.day.Format(f); w <= 0 || !textCut(text, theme.Size(h.SizeName), h.TextStyle, w) {
			return text
		}
	}
	return h.day.Format(dayFormats[len(dayFormats)-1])
}

// Resize picks the name that fits the new width.
func (h *dayHeading) Resize(size fyne.Size) {
	text := h.fitted(size.Width)
	changed := text != h.Text
	h.Text = text
	h.Label.Resize(size)
	if changed {
		h.Refresh()
	}
}

// activityBar is a horizontal bar filled to a percentage, coloured by it: under 30% the
// error colour, under 60% the warning colour, else the success colour.
type activityBar struct {
	widget.BaseWidget
	pct int
}

func newActivityBar(pct int) *activityBar {
	b := &activityBar{pct: max(0, min(pct, 100))}
	b.ExtendBaseWidget(b)
	return b
}

// fill is the bar's colour for its percentage.
func (b *activityBar) fill() color.Color {
	switch {
	case b.pct < 30:
		return theme.Color(theme.ColorNameError)
	case b.pct < 60:
		return theme.Color(theme.ColorNameWarning)
	}
	return theme.Color(theme.ColorNameSuccess)
}

func (b *activityBar) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 3
	fg := canvas.NewRectangle(b.fill())
	fg.CornerRadius = 3
	return &activityBarRenderer{b: b, bg: bg, fg: fg}
}

type activityBarRenderer struct {
	b      *activityBar
	bg, fg *canvas.Rectangle
}

func (r *activityBarRenderer) Layout(size fyne.Size) {
	h := min(size.Height, 12)
	y := (size.Height - h) / 2
	r.bg.Move(fyne.NewPos(0, y))
	r.bg.Resize(fyne.NewSize(size.Width, h))
	r.fg.Move(fyne.NewPos(0, y))
	r.fg.Resize(fyne.NewSize(size.Width*float32(r.b.pct)/100, h))
}

func (r *activityBarRenderer) MinSize() fyne.Size { return fyne.NewSize(40, 12) }

func (r *activityBarRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.fg.FillColor = r.b.fill()
	r.bg.Refresh()
	r.fg.Refresh()
}

func (r *activityBarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.fg} }
func (r *activityBarRenderer) Destroy()                     {}

// thumbHeight is how high a slot's thumbnails show.
const thumbHeight = 64

// thumbSize is the size a slot's thumbnails show at: thumbHeight high and the shape of
// its first screenshot (a slot's screenshots are of one desk), from square to three
// times as wide, so a thumbnail fills its cell and thumbnails sit evenly apart.
func thumbSize(shots []shotThumb) fyne.Size {
	w := float32(thumbHeight) * 16 / 10
	if len(shots) > 0 && shots[0].shot.Width > 0 && shots[0].shot.Height > 0 {
		w = float32(thumbHeight) * float32(shots[0].shot.Width) / float32(shots[0].shot.Height)
	}
	return fyne.NewSize(min(max(w, thumbHeight), 3*thumbHeight), thumbHeight)
}

// thumbRow shows a slot's screenshots as thumbnails (the first maxSlotThumbs, then a
// button for all of them); a click opens the screenshot. They line up with the slots'
// bars, the camera in the time's column, and wrap in a narrow window.
func (s *activityScreen) thumbRow(shots []shotThumb) fyne.CanvasObject {
	grid := container.NewGridWrap(thumbSize(shots))
	for i, st := range shots {
		if i == maxSlotThumbs {
			all := shots
			more := widget.NewButton(fmt.Sprintf("+%d", len(shots)-maxSlotThumbs), func() { s.openAll(all) })
			grid.Add(more)
			break
		}
		grid.Add(s.thumb(st))
	}
	timeColumn := clockWidth(s.u.display())
	return container.NewBorder(nil, nil, fixedWidth(timeColumn, container.NewCenter(widget.NewIcon(theme.MediaPhotoIcon()))), nil, grid)
}

// thumb is one screenshot's thumbnail, 120 pixels wide at most and 56 high.
func (s *activityScreen) thumb(st shotThumb) fyne.CanvasObject {
	return newThumbButton(st, func() { s.open(st.shot) })
}

// openAll shows every screenshot of a slot as thumbnails, for slots with more than fit.
func (s *activityScreen) openAll(shots []shotThumb) {
	grid := container.NewGridWrap(thumbSize(shots))
	var d dialog.Dialog
	for _, st := range shots {
		sh := st.shot
		grid.Add(newThumbButton(st, func() { d.Hide(); s.open(sh) }))
	}
	title := "Screenshots"
	if len(shots) > 0 {
		from := shots[0].shot.SlotStart.In(s.u.loc)
		display := s.u.display()
		title = fmt.Sprintf("Screenshots %s–%s", display.Clock(from, s.u.loc), display.Clock(from.Add(app.SlotLength), s.u.loc))
	}
	all := dialog.NewCustomWithoutButtons(title, fixedSize(fyne.NewSize(min(660, s.u.win.Canvas().Size().Width-60), 260), container.NewVScroll(grid)), s.u.win)
	all.SetButtons([]fyne.CanvasObject{newDialogButton(s.u, "Close", nil, all.Hide)})
	d = all
	s.u.showModal(d, nil, nil)
}

// shotFetchBudget bounds the time a day's thumbnails wait for the team server.
const shotFetchBudget = 5 * time.Second

// shotImage reads a screenshot's image or thumbnail, fetching it from the team server
// through the sync worker when this device does not hold it (taken on another device);
// local only skips the server.
func (s *activityScreen) shotImage(ctx context.Context, a app.Actor, id uuid.UUID, thumb, local bool) ([]byte, error) {
	if w := s.u.opts.Sync; w != nil && !local {
		return w.ScreenshotImage(ctx, a, id, thumb)
	}
	return s.u.svc.ScreenshotImage(ctx, a, id, thumb)
}

// open loads a screenshot's image and shows it, with a button to delete it. An image
// this device cannot get (taken elsewhere, the server out of reach) shows as a
// placeholder, never as an error.
func (s *activityScreen) open(sh app.Screenshot) {
	u := s.u
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		fetch, cancel := context.WithTimeout(ctx, 2*shotFetchBudget)
		defer cancel()
		b, err := s.shotImage(fetch, a, sh.ID, false, false)
		if err != nil {
			if !errors.Is(err, app.ErrNotFound) && !errors.Is(err, app.ErrUnavailable) && fetch.Err() == nil {
				u.log.Warn("screenshots: open", "err", err)
			}
			b = nil
		}
		return func() { s.view(sh, b) }, nil
	})
}

// shotViewer is an open screenshot.
type shotViewer struct {
	shot        app.Screenshot
	dialog      *dialog.CustomDialog
	image       *canvas.Image // nil when the image is not to be had: placeholder says so
	placeholder *widget.Label
	close       *dialogButton
	del         *dialogButton
	confirm     *confirmDelete
}

func (s *activityScreen) view(sh app.Screenshot, img []byte) {
	u := s.u
	v := &shotViewer{shot: sh}
	var content fyne.CanvasObject
	if len(img) > 0 {
		v.image = canvas.NewImageFromReader(bytes.NewReader(img), sh.Hash+".jpg")
		v.image.FillMode = canvas.ImageFillContain
		v.image.ScaleMode = canvas.ImageScaleSmooth
		// 760 px wide, or what a narrow window leaves beside the dialog's padding.
		w := min(760, u.win.Canvas().Size().Width-80)
		v.image.SetMinSize(fyne.NewSize(w, w*float32(sh.Height)/float32(max(sh.Width, 1))))
		content = v.image
	} else {
		// Taken on another device, and the team server cannot be reached now.
		v.placeholder = widget.NewLabel("This screenshot was taken on another computer. Its image shows once this computer can reach the team server.")
		v.placeholder.Wrapping = fyne.TextWrapWord
		v.placeholder.Alignment = fyne.TextAlignCenter
		content = fixedSize(fyne.NewSize(min(420, u.win.Canvas().Size().Width-80), 160), container.NewCenter(container.NewVBox(widget.NewIcon(theme.MediaPhotoIcon()), v.placeholder)))
	}
	taken := sh.TakenAt.In(u.loc)
	at := taken.Format("15:04:05")
	if u.display().Hour12 {
		at = taken.Format("3:04:05 PM")
	}
	info := caption(fmt.Sprintf("%s %s · %d × %d · %s", taken.Format("Mon 2 Jan"), at, sh.Width, sh.Height, byteSize(sh.Bytes)))
	v.dialog = dialog.NewCustomWithoutButtons("Screenshot", container.NewBorder(nil, info, nil, nil, content), u.win)
	v.close = newDialogButton(u, "Close", nil, v.dialog.Hide)
	v.del = newDialogButton(u, "Delete…", theme.DeleteIcon(), func() { s.askDelete(v) })
	v.del.Importance = widget.DangerImportance
	v.dialog.SetButtons([]fyne.CanvasObject{v.del, v.close})
	if sh.UserID != u.actor.UserID {
		// Only its own user deletes a screenshot; a manager looking at someone's day reads it.
		v.dialog.SetButtons([]fyne.CanvasObject{v.close})
	}
	s.viewer = v
	u.showModal(v.dialog, nil, nil)
}

// askDelete asks before deleting a screenshot, saying that the tracked time stays.
func (s *activityScreen) askDelete(v *shotViewer) {
	u := s.u
	d := &confirmDelete{}
	d.text = widget.NewLabel("The screenshot and its thumbnail will be deleted from this computer and, once it syncs, from the team server and your other computers. The tracked time and the slot's activity stay as they are. This cannot be undone.")
	d.text.Wrapping = fyne.TextWrapWord
	d.dialog = dialog.NewCustomWithoutButtons("Delete this screenshot?", fixedWidth(min(420, u.win.Canvas().Size().Width-80), d.text), u.win)
	cancel := newDialogButton(u, "Cancel", nil, d.dialog.Hide)
	del := newDialogButton(u, "Delete screenshot", theme.DeleteIcon(), func() {
		d.dialog.Hide()
		v.dialog.Hide()
		a, id := u.actor, v.shot.ID
		u.bg(func(ctx context.Context) (func(), error) {
			if err := u.svc.DeleteScreenshot(ctx, a, id, 0); err != nil {
				return nil, fmt.Errorf("delete the screenshot: %w", err)
			}
			return s.refresh, nil
		})
	})
	del.Importance = widget.DangerImportance
	d.del = &del.Button
	d.dialog.SetButtons([]fyne.CanvasObject{cancel, del})
	v.confirm = d
	u.showModal(d.dialog, submitWith(d.del), nil)
}

// byteSize shows a file size in KB or MB.
func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

// thumbButton is a screenshot's thumbnail that opens it when clicked.
type thumbButton struct {
	widget.BaseWidget
	shot  app.Screenshot
	img   fyne.CanvasObject
	onTap func()
}

func newThumbButton(st shotThumb, onTap func()) *thumbButton {
	b := &thumbButton{shot: st.shot, onTap: onTap}
	if len(st.thumb) > 0 {
		img := canvas.NewImageFromReader(bytes.NewReader(st.thumb), st.shot.Hash+".thumb.jpg")
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(120, 56))
		b.img = img
	} else {
		b.img = container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)), container.NewCenter(caption("not on this device")))
	}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped opens the screenshot.
func (b *thumbButton) Tapped(*fyne.PointEvent) { b.onTap() }

// Cursor shows a pointer: the thumbnail is clickable.
func (b *thumbButton) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (b *thumbButton) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.img) }

func (b *thumbButton) MinSize() fyne.Size { return fyne.NewSize(120, 56) }

// screenshotChoices are the screenshot intervals offered, as app.ScreenshotIntervals.
var screenshotChoices = []string{"Every minute", "Every 3 minutes", "Every 5 minutes", "Every 10 minutes"}

// activityRules is the Settings part that shows the organization's activity settings:
// owners and admins change them, everyone else reads what is recorded.
type activityRules struct {
	u        *UI
	shots    *widget.Check
	interval *widget.Select
	random   *widget.Check
	titles   *widget.Check
	note     *subtle
	loading  bool // set while refresh sets the widgets, so no change is sent back
}

func newActivityRules(u *UI) *activityRules {
	r := &activityRules{u: u}
	r.shots = widget.NewCheck("Take screenshots of all monitors while a timer runs", func(on bool) {
		r.save(app.ActivitySettingsPatch{Screenshots: &on})
	})
	r.interval = widget.NewSelect(screenshotChoices, func(label string) {
		if i := slices.Index(screenshotChoices, label); i >= 0 {
			m := app.ScreenshotIntervals[i]
			r.save(app.ActivitySettingsPatch{ScreenshotMinutes: &m})
		}
	})
	r.random = widget.NewCheck("At a random moment within each interval", func(on bool) {
		r.save(app.ActivitySettingsPatch{ScreenshotRandom: &on})
	})
	r.titles = widget.NewCheck("Record window titles beside applications", func(on bool) {
		r.save(app.ActivitySettingsPatch{WindowTitles: &on})
	})
	r.note = wrapped(caption(""))
	return r
}

func (r *activityRules) object() fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel("The organization's rules"),
		container.NewHBox(r.shots, fixedWidth(180, r.interval)), r.random, r.titles, r.note)
}

// refresh shows the organization's settings; only owners and admins may change them.
func (r *activityRules) refresh() {
	u := r.u
	set := u.org.Activity
	r.loading = true
	r.shots.SetChecked(set.Screenshots)
	r.interval.SetSelected(screenshotChoices[max(0, slices.Index(app.ScreenshotIntervals, int(set.ScreenshotInterval()/time.Minute)))])
	r.random.SetChecked(set.ScreenshotRandom)
	r.titles.SetChecked(set.WindowTitles)
	r.loading = false
	manage := u.actor.Role.Can(app.PermOrgManage)
	for _, w := range []fyne.Disableable{r.shots, r.interval, r.random, r.titles} {
		if manage {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if !set.Screenshots {
		r.interval.Disable()
		r.random.Disable()
	}
	note := "Screenshots are kept in this computer's data folder; window titles stay in the activity slots. Neither is ever written to the log."
	if !manage {
		note = "Set by the organization's owners and admins. " + note
	}
	r.note.SetText(note)
}

// save changes one setting of the organization.
func (r *activityRules) save(p app.ActivitySettingsPatch) {
	if r.loading {
		return
	}
	u := r.u
	a, id, version := u.actor, u.org.ID, u.org.Version
	u.bg(func(ctx context.Context) (func(), error) {
		org, err := u.svc.UpdateOrganization(ctx, a, id, app.OrganizationPatch{Activity: p}, version)
		return func() {
			if err != nil {
				u.showError(fmt.Errorf("change the activity settings: %w", err))
			} else {
				u.setOrg(org)
			}
			r.refresh()
		}, nil
	})
}
