//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// activityScreen shows one day of the activity timer's slots: a bar per 10-minute slot,
// its length the activity % and its colour low, middling or high, with the slot's top
// applications, and the day's tracked time, activity and top applications above.
type activityScreen struct {
	u        *UI
	date     string // the day shown; "" for today
	dayLabel *widget.Label
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
}

func newActivityScreen(u *UI) *activityScreen {
	s := &activityScreen{u: u, dayLabel: heading(""), summary: caption(""), apps: caption("")}
	s.summary.Wrapping = fyne.TextWrapWord
	s.apps.Wrapping = fyne.TextWrapWord
	s.rows = container.NewVBox()
	t := widget.NewLabel("No activity on this day")
	t.Alignment = fyne.TextAlignCenter
	t.TextStyle = fyne.TextStyle{Bold: true}
	s.emptyMsg = widget.NewLabel("")
	s.emptyMsg.Alignment = fyne.TextAlignCenter
	s.emptyMsg.Wrapping = fyne.TextWrapWord
	s.empty = container.NewCenter(fixedWidth(360, container.NewVBox(t, s.emptyMsg)))
	s.empty.Hide()
	return s
}

func (s *activityScreen) title() string       { return "Activity" }
func (s *activityScreen) icon() fyne.Resource { return theme.ComputerIcon() }

func (s *activityScreen) build() fyne.CanvasObject {
	s.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.shift(-1) })
	s.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.shift(1) })
	s.today = widget.NewButton("Today", func() { s.date = ""; s.refresh() })
	s.dayLabel.Truncation = fyne.TextTruncateEllipsis
	head := container.NewBorder(nil, nil, container.NewHBox(s.prev, s.next), s.today, s.dayLabel)
	top := container.NewVBox(head, s.summary, s.apps, widget.NewSeparator())
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
	a, date := u.actor, s.date
	if date == "" {
		date = u.today()
	}
	tz := u.loc.String()
	u.bg(func(ctx context.Context) (func(), error) {
		slots, err := u.svc.Activity(ctx, a, app.ActivityQuery{From: date, To: date, Timezone: tz, UserID: &a.UserID})
		if err != nil {
			return nil, err
		}
		on, err := u.svc.ActivityEnabled(ctx)
		if err != nil {
			return nil, err
		}
		return func() {
			if req == s.req {
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
		s.dayLabel.SetText(d.Format("Monday 2 January 2006"))
	}
	s.next.Disable()
	if date < s.u.today() {
		s.next.Enable()
	}
	var tracked, active time.Duration
	apps := map[string]time.Duration{}
	rows := make([]fyne.CanvasObject, 0, len(slots))
	for _, sl := range slots {
		tracked += sl.Tracked
		active += sl.Active
		for _, a := range sl.Apps {
			apps[a.Name] += a.Time
		}
		rows = append(rows, s.slotRow(sl, loc))
	}
	s.rows.Objects = rows
	s.rows.Refresh()
	if len(slots) == 0 {
		s.empty.Show()
		s.emptyMsg.SetText(s.emptyHint(on))
		s.summary.SetText("")
		s.apps.SetText("")
		return
	}
	s.empty.Hide()
	pct := 0
	if tracked > 0 {
		pct = int(active * 100 / tracked)
	}
	s.summary.SetText(fmt.Sprintf("Tracked %s, active %d%% of it", shortDuration(int64(tracked/time.Second)), pct))
	s.apps.SetText(topApps(apps, 5))
}

// emptyHint says why a day has no slots.
func (s *activityScreen) emptyHint(on bool) string {
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
// applications.
func (s *activityScreen) slotRow(sl app.ActivitySlot, loc *time.Location) fyne.CanvasObject {
	start := sl.Start.In(loc)
	label := widget.NewLabel(start.Format("15:04"))
	pct := sl.Percent()
	bar := newActivityBar(pct)
	figures := widget.NewLabel(fmt.Sprintf("%3d%% of %2d min", pct, int(sl.Tracked.Round(time.Minute)/time.Minute)))
	var names []string
	for i, a := range sl.Apps {
		if i == 2 {
			break
		}
		names = append(names, a.Name)
	}
	appsLabel := widget.NewLabel(strings.Join(names, ", "))
	appsLabel.Truncation = fyne.TextTruncateEllipsis
	left := container.NewHBox(label, fixedSize(fyne.NewSize(120, 20), bar), fixedWidth(128, figures))
	return container.NewBorder(nil, nil, left, nil, appsLabel)
}

// topApps lists the applications with the most time, longest first.
func topApps(apps map[string]time.Duration, n int) string {
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
	var parts []string
	for i, e := range list {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s", e.name, shortDuration(int64(e.d/time.Second))))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Top applications: " + strings.Join(parts, " · ")
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
