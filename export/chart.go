package export

import (
	"image"
	"image/color"
	"image/draw"
	"sort"
	"strconv"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/stinthq/stint/app"
)

// Bar is one bar of a chart: a label and the time it stands for.
type Bar struct {
	Label   string
	Seconds int64
	// Text is the time as written beside the bar, for a reader who sees durations another
	// way (decimal hours, say); "" writes h:mm of the bar's whole minutes.
	Text string
	// Color is the bar's own colour in a breakdown (a project's, say); nil takes the
	// style's palette in turn.
	Color color.Color
}

// time is the bar's time as the chart writes it.
func (b Bar) time() string {
	if b.Text != "" {
		return b.Text
	}
	return app.FormatMinuteCount(app.WholeMinutes(b.Seconds))
}

// ChartStyle is how a chart is painted. Scale multiplies every size, for sharp images on
// dense screens and in print.
type ChartStyle struct {
	Background color.Color // nil: transparent
	Text       color.Color
	Grid       color.Color
	Bar        color.Color
	Palette    []color.Color // the breakdown's bars, in turn
	Scale      float64
	// TextSize is the labels' size in unscaled pixels (0: 10).
	TextSize float64
}

// textSize is the labels' size, 10 unless set.
func (st ChartStyle) textSize() float64 {
	if st.TextSize > 0 {
		return st.TextSize
	}
	return 10
}

// PrintStyle is dark text on white, for the PDF.
func PrintStyle() ChartStyle {
	return ChartStyle{Background: color.White, Text: color.RGBA{0x22, 0x22, 0x22, 0xff}, Grid: color.RGBA{0xdd, 0xdd, 0xdd, 0xff},
		Bar: hexColor("#4f7cff"), Palette: Palette(), Scale: 2}
}

// Palette is the breakdown's colours: the ones projects and tags are given.
func Palette() []color.Color {
	var out []color.Color
	for _, h := range app.Palette() {
		out = append(out, hexColor(h))
	}
	return out
}

// hexColor reads #rrggbb; anything else is grey.
func hexColor(s string) color.Color {
	if len(s) != 7 || s[0] != '#' {
		return color.Gray{0x88}
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.Gray{0x88}
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// PeriodBars is the time per day, week or month of a report grouped by one, every period of
// the range in order with the empty ones at zero, labelled briefly ("Mon 23", "23 Nov",
// "Nov 2026"). It is nil when the report has no period group.
func PeriodBars(rep app.Report) []Bar {
	period := ReportPeriod(rep)
	if period == "" {
		return nil
	}
	sums, mins := map[string]int64{}, map[string]int64{}
	var first string
	for _, r := range rep.Rows {
		sums[r.Period] += r.Seconds
		mins[r.Period] += r.Minutes()
		if first == "" || r.Period < first {
			first = r.Period
		}
	}
	from, err1 := time.Parse(app.DateLayout, rep.From)
	to, err2 := time.Parse(app.DateLayout, rep.To)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil
	}
	start := from
	switch period {
	case app.GroupWeek:
		// Weeks start on the weekday the rows' labels start on (the user's first day of
		// the week), Monday when there are no rows.
		wd := time.Monday
		if first != "" {
			if t, err := time.Parse(app.DateLayout, first); err == nil {
				wd = t.Weekday()
			}
		}
		for start.Weekday() != wd {
			start = start.AddDate(0, 0, -1)
		}
	case app.GroupMonth:
		start = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	var bars []Bar
	for t := start; !t.After(to); {
		key := t.Format(app.DateLayout)
		var label string
		switch period {
		case app.GroupDay:
			label = t.Format("Mon 2")
			t = t.AddDate(0, 0, 1)
		case app.GroupWeek:
			label = t.Format("2 Jan")
			t = t.AddDate(0, 0, 7)
		default:
			label = t.Format("Jan 2006")
			t = t.AddDate(0, 1, 0)
		}
		bars = append(bars, Bar{Label: label, Seconds: sums[key], Text: app.FormatMinuteCount(mins[key])})
	}
	return bars
}

// GroupBars is the time per value of the report's first dimension (project, client…),
// largest first; past limit bars the rest are summed into one "Other" bar.
func GroupBars(rep app.Report, limit int) []Bar {
	period := ReportPeriod(rep)
	idx := -1
	for _, g := range rep.Group {
		if g != period {
			idx = 0
			break
		}
	}
	if idx < 0 {
		return nil
	}
	sums, mins := map[string]int64{}, map[string]int64{}
	var order []string
	for _, r := range rep.Rows {
		if len(r.Values) == 0 {
			continue
		}
		name := ValueName(r.Values[0])
		if _, ok := sums[name]; !ok {
			order = append(order, name)
		}
		sums[name] += r.Seconds
		mins[name] += r.Minutes()
	}
	bars := make([]Bar, 0, len(order))
	for _, n := range order {
		bars = append(bars, Bar{Label: n, Seconds: sums[n], Text: app.FormatMinuteCount(mins[n])})
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Seconds > bars[j].Seconds })
	if limit > 1 && len(bars) > limit {
		var rest, restMins int64
		for _, b := range bars[limit-1:] {
			rest += b.Seconds
			restMins += mins[b.Label]
		}
		bars = append(bars[:limit-1], Bar{Label: "Other", Seconds: rest, Text: app.FormatMinuteCount(restMins)})
	}
	return bars
}

// canvas is an image being drawn on, with the chart font at the style's scale.
type canvas struct {
	img   *image.RGBA
	face  font.Face
	style ChartStyle
	s     float64
}

func newCanvas(w, h int, st ChartStyle) (*canvas, error) {
	if st.Scale <= 0 {
		st.Scale = 1
	}
	img := image.NewRGBA(image.Rect(0, 0, int(float64(w)*st.Scale), int(float64(h)*st.Scale)))
	if st.Background != nil {
		draw.Draw(img, img.Bounds(), image.NewUniform(st.Background), image.Point{}, draw.Src)
	}
	face, err := chartFace(st.textSize() * st.Scale)
	if err != nil {
		return nil, err
	}
	return &canvas{img: img, face: face, style: st, s: st.Scale}, nil
}

// px is a length in unscaled pixels as image pixels.
func (c *canvas) px(v float64) int { return int(v*c.s + 0.5) }

func (c *canvas) rect(x0, y0, x1, y1 int, col color.Color) {
	draw.Draw(c.img, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, draw.Over)
}

func (c *canvas) textWidth(s string) int { return font.MeasureString(c.face, s).Ceil() }

// text draws s with its baseline at y, starting at x (align 0), centred on x (1) or ending
// at x (2).
func (c *canvas) text(s string, x, y, align int) {
	w := c.textWidth(s)
	switch align {
	case 1:
		x -= w / 2
	case 2:
		x -= w
	}
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(c.style.Text), Face: c.face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// fit cuts s with "…" until it is at most w pixels wide.
func (c *canvas) fit(s string, w int) string {
	if c.textWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && c.textWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// hourStep is the gap between the axis' lines: a round number of hours giving at most
// five lines up to maxHours.
func hourStep(maxHours float64) float64 {
	for _, s := range []float64{0.25, 0.5, 1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000} {
		if maxHours/s <= 5 {
			return s
		}
	}
	return 10000
}

// PeriodChart draws bars over time: a bar per period, its height the time, on hour lines,
// the label under each bar (every other one, or fewer, when they would touch) and the time
// above it when it fits. width and height are in unscaled pixels.
func PeriodChart(bars []Bar, width, height int, st ChartStyle) (*image.RGBA, error) {
	c, err := newCanvas(width, height, st)
	if err != nil {
		return nil, err
	}
	var most int64
	for _, b := range bars {
		most = max(most, b.Seconds)
	}
	step := hourStep(float64(most) / 3600)
	top := step * float64(int(float64(most)/3600/step)+1)
	ts := st.textSize()
	left, right, topPad, bottom := c.px(3.4*ts), c.img.Bounds().Dx()-c.px(6), c.px(1.6*ts), c.img.Bounds().Dy()-c.px(2*ts)
	plotH := bottom - topPad
	yOf := func(hours float64) int { return bottom - int(hours/top*float64(plotH)) }
	for h := 0.0; h <= top+1e-9; h += step {
		y := yOf(h)
		c.rect(left, y, right, y+max(1, c.px(0.5)), st.Grid)
		c.text(hourLabel(h), left-c.px(4), y+c.px(0.35*ts), 2)
	}
	if len(bars) == 0 {
		return c.img, nil
	}
	slot := float64(right-left) / float64(len(bars))
	barW := max(1, int(slot*0.7))
	every := 1
	widest := 0
	for _, b := range bars {
		widest = max(widest, c.textWidth(b.Label))
	}
	for float64(every)*slot < float64(widest)+float64(c.px(6)) && every < len(bars) {
		every++
	}
	for i, b := range bars {
		x := left + int(slot*float64(i)+(slot-float64(barW))/2)
		y := yOf(float64(b.Seconds) / 3600)
		if b.Seconds > 0 && y >= bottom {
			y = bottom - 1 // a few minutes still show
		}
		c.rect(x, y, x+barW, bottom, st.Bar)
		if i%every == 0 {
			c.text(b.Label, x+barW/2, bottom+c.px(1.3*ts), 1)
		}
		if v := b.time(); b.Seconds > 0 && c.textWidth(v) <= int(slot) {
			c.text(v, x+barW/2, y-c.px(3), 1)
		}
	}
	return c.img, nil
}

// hourLabel is an axis value: "4h", "0.5h".
func hourLabel(h float64) string {
	return strconv.FormatFloat(h, 'f', -1, 64) + "h"
}

// breakdownRow is the height of one bar of a breakdown, unscaled.
func (st ChartStyle) breakdownRow() int { return int(st.textSize()*2.2 + 0.5) }

// BreakdownHeight is the unscaled height of a breakdown chart of n bars in style st.
func BreakdownHeight(n int, st ChartStyle) int { return max(n, 1)*st.breakdownRow() + 8 }

// BreakdownChart draws a horizontal bar per value, largest first as given: its name on the
// left, a bar in its colour as long as its share of the largest, and its time and share of
// the total on the right. width is in unscaled pixels; the height is BreakdownHeight.
func BreakdownChart(bars []Bar, width int, st ChartStyle) (*image.RGBA, error) {
	c, err := newCanvas(width, BreakdownHeight(len(bars), st), st)
	if err != nil {
		return nil, err
	}
	var most, total int64
	for _, b := range bars {
		most = max(most, b.Seconds)
		total += b.Seconds
	}
	w := c.img.Bounds().Dx() - c.px(4)
	labelW := w * 30 / 100
	row := float64(st.breakdownRow())
	valueW := c.textWidth("0000:00  100%") + c.px(6)
	barX, barMax := labelW+c.px(8), w-labelW-c.px(8)-valueW
	for i, b := range bars {
		y := c.px(4 + float64(i)*row)
		rowH := c.px(row)
		base := y + rowH/2 + c.px(0.35*st.textSize())
		c.text(c.fit(b.Label, labelW), 0, base, 0)
		col := st.Bar
		switch {
		case b.Color != nil:
			col = b.Color
		case len(st.Palette) > 0:
			col = st.Palette[i%len(st.Palette)]
		}
		bw := 0
		if most > 0 {
			bw = int(float64(barMax) * float64(b.Seconds) / float64(most))
		}
		if b.Seconds > 0 {
			bw = max(bw, 2)
		}
		c.rect(barX, y+rowH/5, barX+bw, y+rowH-rowH/5, col)
		share := 0
		if total > 0 {
			share = int((b.Seconds*100 + total/2) / total)
		}
		c.text(b.time()+"  "+strconv.Itoa(share)+"%", w, base, 2)
	}
	return c.img, nil
}
