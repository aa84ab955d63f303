//go:build !headless

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window adapts to its width. Below narrowBelow the sidebar shows only icons and the
// screens stack what sits side by side otherwise, so the window can be made about 480 px
// narrow, to sit beside other work. Long names never widen anything: they end in an
// ellipsis (ellipsize for buttons and menus, Truncation for labels).
const (
	narrowBelow  = 920 // window width where the narrow arrangement starts
	narrowest    = 480 // the window width the narrow arrangement is made to fit
	sideWide     = 190
	sideNarrow   = 48
	nameMaxRunes = 32 // a name on a button or in a menu, before the ellipsis
)

// onNarrow registers fn to run (on the UI thread) when the window crosses narrowBelow, and
// runs it once now for the current arrangement.
func (u *UI) onNarrow(fn func(narrow bool)) {
	u.narrowHooks = append(u.narrowHooks, fn)
	fn(u.narrow)
}

// setNarrow switches the arrangement.
func (u *UI) setNarrow(narrow bool) {
	if u.narrow == narrow {
		return
	}
	u.narrow = narrow
	for _, fn := range u.narrowHooks {
		fn(narrow)
	}
}

// rootLayout places the sidebar, its separator and the current screen, and tells the UI
// when the window crosses narrowBelow. Its minimum width is that of the narrow arrangement,
// so the window can always shrink into it in one go: in the wide arrangement the screens'
// side-by-side parts need more (up to narrowBelow less the wide sidebar), and a window
// holding that as its minimum would stop there when shrunk towards 480 px, and need a
// second resize once it had crossed into the narrow arrangement. So while wide the minimum
// is at most narrowest, which the narrow arrangement fits; the wide one is used only from
// narrowBelow up, where it fits.
type rootLayout struct{ u *UI }

func (l rootLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	side, sep, main := objs[0].MinSize(), objs[1].MinSize(), objs[2].MinSize()
	w := sideNarrow + sep.Width + main.Width
	if !l.u.narrow {
		w = min(w, narrowest-l.u.windowPadding())
	}
	return fyne.NewSize(w, max(side.Height, main.Height))
}

func (l rootLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	narrow := size.Width < narrowBelow
	l.u.setNarrow(narrow)
	side := float32(sideWide)
	if narrow {
		side = sideNarrow
	}
	sep := objs[1].MinSize().Width
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(side, size.Height))
	objs[1].Move(fyne.NewPos(side, 0))
	objs[1].Resize(fyne.NewSize(sep, size.Height))
	objs[2].Move(fyne.NewPos(side+sep, 0))
	objs[2].Resize(fyne.NewSize(size.Width-side-sep, size.Height))
}

// windowPadding is how much wider the window is than its content: the padding on both
// sides of a padded window.
func (u *UI) windowPadding() float32 {
	if u.win != nil && u.win.Padded() {
		return 2 * theme.Padding()
	}
	return 0
}

// switchLayout arranges its objects side by side (wide) or one above the other (narrow).
// wide lays them out as a Border would with the first object in the centre and the rest on
// the right; narrow stacks them.
type switchLayout struct {
	narrow bool
	// gap between stacked objects
}

func (l *switchLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var s fyne.Size
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if l.narrow {
			s.Width = max(s.Width, m.Width)
			s.Height += m.Height
		} else {
			s.Width += m.Width
			s.Height = max(s.Height, m.Height)
		}
		n++
	}
	if n > 1 {
		if l.narrow {
			s.Height += pad * float32(n-1)
		} else {
			s.Width += pad * float32(n-1)
		}
	}
	return s
}

func (l *switchLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	if l.narrow {
		y := float32(0)
		for _, o := range objs {
			if !o.Visible() {
				continue
			}
			h := o.MinSize().Height
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, h))
			y += h + pad
		}
		return
	}
	// The first object takes what the others leave.
	right := float32(0)
	for _, o := range objs[1:] {
		if o.Visible() {
			right += o.MinSize().Width + pad
		}
	}
	x := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		if i == 0 {
			w = size.Width - right
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

// newSwitch makes a container that follows the window's arrangement.
func (u *UI) newSwitch(objs ...fyne.CanvasObject) *fyne.Container {
	l := &switchLayout{}
	c := container.New(l, objs...)
	u.onNarrow(func(narrow bool) {
		l.narrow = narrow
		c.Refresh()
	})
	return c
}

// ellipsize shortens s to n runes, the last an ellipsis, for text that cannot truncate
// itself (buttons, menu items).
func ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// pairLayout puts a title and a detail on one line: the title takes its natural width when
// it fits in most of the line, the detail the rest; both truncate (labels with Truncation).
type pairLayout struct {
	title  *widget.Label
	detail *subtle
}

func (l pairLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(objs[0].MinSize().Width+objs[1].MinSize().Width, max(objs[0].MinSize().Height, objs[1].MinSize().Height))
}

func (l pairLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	want := fyne.MeasureText(l.title.Text, theme.TextSize(), l.title.TextStyle).Width + 4*theme.InnerPadding()
	w := min(want, size.Width*0.7)
	if l.detail.seg.Text == "" || !objs[1].Visible() {
		w = size.Width
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w, size.Height))
}
