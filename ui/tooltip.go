//go:build !headless

package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne 2.7 has no tooltips, and names end in an ellipsis wherever they do not fit. A tip
// shows the whole text in a small card near the pointer once it rests on a cut label (or a
// picker button is focused), and goes away when the pointer leaves.
//
// The card lives in a tipLayer stacked over the window's content, not in a PopUp: a PopUp
// is an overlay, and an overlay takes every mouse event, so the label under it would lose
// the pointer the moment its tip appeared. The layer holds nothing that takes events.

// tipDelay is how long the pointer rests on a cut text before its tip shows; tipShownFor
// is how long a tip stays at most (Fyne is not told when the pointer leaves the window, so
// a tip could otherwise outstay it).
const (
	tipDelay    = 500 * time.Millisecond
	tipShownFor = 8 * time.Second
)

// tipLayer draws the tip card over the content it is stacked on. A nil layer shows nothing.
type tipLayer struct {
	u    *UI
	box  *fyne.Container // the layer: no minimum size, the card placed by hand
	card *fyne.Container
	bg   *canvas.Rectangle
	text *widget.Label
	// inOverlay says the layer sits in a popup; the window's own layer shows nothing while
	// a popup or dialog covers the window.
	inOverlay bool

	owner fyne.CanvasObject // what the tip shown or waited for belongs to
	at    fyne.Position     // where the pointer is, absolute
	timer *time.Timer
	shown bool
}

func newTipLayer(u *UI, inOverlay bool) *tipLayer {
	l := &tipLayer{u: u, inOverlay: inOverlay}
	l.bg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	l.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	l.bg.StrokeWidth = 1
	l.bg.CornerRadius = 6
	l.text = widget.NewLabel("")
	l.text.Wrapping = fyne.TextWrapWord
	l.text.SizeName = theme.SizeNameCaptionText
	l.card = container.NewStack(l.bg, l.text)
	l.card.Hide()
	l.box = container.New(&tipBoxLayout{l: l}, l.card)
	return l
}

// over stacks the layer on content.
func (l *tipLayer) over(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, l.box)
}

// tipBoxLayout asks for no room (a tip never widens the window) and leaves the card where
// show put it; a new size (the window resized) takes the tip away, as what it pointed at
// has moved.
type tipBoxLayout struct {
	l    *tipLayer
	size fyne.Size
}

func (*tipBoxLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (b *tipBoxLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if size != b.size {
		b.size = size
		b.l.hide()
	}
}

// hover starts the wait for owner's tip, the pointer at the absolute position at.
func (l *tipLayer) hover(owner fyne.CanvasObject, at fyne.Position, full func() (string, bool)) {
	if l == nil {
		return
	}
	l.hide()
	l.owner, l.at = owner, at
	delay := l.u.tipDelay
	if delay <= 0 {
		l.show(owner, full)
		return
	}
	l.timer = time.AfterFunc(delay, func() {
		l.u.do(func() {
			if l.owner == owner && !l.shown {
				l.show(owner, full)
			}
		})
	})
}

// move follows the pointer until the tip shows (a shown tip stays put, as tooltips do).
func (l *tipLayer) move(owner fyne.CanvasObject, at fyne.Position) {
	if l == nil {
		return
	}
	if l.owner == owner && !l.shown {
		l.at = at
	}
}

// leave hides owner's tip, or stops waiting for it.
func (l *tipLayer) leave(owner fyne.CanvasObject) {
	if l == nil {
		return
	}
	if l.owner == owner {
		l.hide()
	}
}

// hide takes the card away.
func (l *tipLayer) hide() {
	if l == nil {
		return
	}
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.owner = nil
	if l.shown {
		l.shown = false
		l.card.Hide()
	}
}

// show puts the card near the pointer when full says the text is cut.
func (l *tipLayer) show(owner fyne.CanvasObject, full func() (string, bool)) {
	if l == nil {
		return
	}
	text, cut := full()
	if !cut || text == "" || !l.visible(owner) {
		return
	}
	if !l.inOverlay && l.u.win.Canvas().Overlays().Top() != nil {
		return // a dialog covers the window and this layer
	}
	l.owner = owner
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(l.box)
	area := l.box.Size()
	pad := theme.Padding()
	maxW := min(float32(420), area.Width-2*pad)
	if maxW <= 0 {
		return
	}
	l.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground) // the theme may have changed
	l.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	l.text.SetText(text)
	w := min(fyne.MeasureText(text, theme.CaptionTextSize(), fyne.TextStyle{}).Width+2*theme.InnerPadding()+2, maxW)
	l.text.Resize(fyne.NewSize(w, l.text.MinSize().Height))
	h := l.text.MinSize().Height
	// Below and right of the pointer, kept inside the layer; above it when there is no room.
	at := l.at.Subtract(origin)
	x := min(max(at.X+4, pad), area.Width-w-pad)
	y := at.Y + 18
	if y+h > area.Height-pad {
		y = max(at.Y-h-6, pad)
	}
	l.card.Move(fyne.NewPos(x, y))
	l.card.Resize(fyne.NewSize(w, h))
	l.card.Show()
	l.shown = true
	l.box.Refresh()
	l.timer = time.AfterFunc(tipShownFor, func() {
		l.u.do(func() {
			if l.owner == owner && l.shown {
				l.hide()
			}
		})
	})
}

// visible reports whether o is still on screen (a recycled or hidden row is not).
func (l *tipLayer) visible(o fyne.CanvasObject) bool {
	return o.Visible() && o.Size().Width > 0
}

// showing is the tip's text while it shows (tests read it).
func (l *tipLayer) showing() string {
	if !l.shown {
		return ""
	}
	return l.text.Text
}

// tip wraps a text object so that resting the pointer on it shows its whole text when the
// object cuts it.
type tip struct {
	widget.BaseWidget
	layer   *tipLayer
	content fyne.CanvasObject
	full    func() (string, bool)
}

func newTip(layer *tipLayer, content fyne.CanvasObject, full func() (string, bool)) *tip {
	t := &tip{layer: layer, content: content, full: full}
	t.ExtendBaseWidget(t)
	return t
}

// labelTip wraps a truncating label.
func labelTip(layer *tipLayer, l *widget.Label) *tip {
	return newTip(layer, l, func() (string, bool) { return l.Text, labelCut(l) })
}

// subtleTip wraps truncating secondary text.
func subtleTip(layer *tipLayer, s *subtle) *tip {
	return newTip(layer, s, func() (string, bool) { return s.seg.Text, subtleCut(s) })
}

func (t *tip) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

// MouseIn starts the wait for the tip.
func (t *tip) MouseIn(ev *desktop.MouseEvent) { t.layer.hover(t, ev.AbsolutePosition, t.full) }

// MouseMoved follows the pointer.
func (t *tip) MouseMoved(ev *desktop.MouseEvent) { t.layer.move(t, ev.AbsolutePosition) }

// MouseOut hides the tip.
func (t *tip) MouseOut() { t.layer.leave(t) }

// textCut reports whether text in a label-like widget of width w (Fyne pads text by the
// inner padding on each side) ends in an ellipsis.
func textCut(text string, size float32, style fyne.TextStyle, w float32) bool {
	if text == "" || w <= 0 {
		return false
	}
	return fyne.MeasureText(text, size, style).Width > w-2*theme.InnerPadding()
}

// labelCut reports whether a truncating label cuts its text.
func labelCut(l *widget.Label) bool {
	if l.Truncation == fyne.TextTruncateOff {
		return false
	}
	return textCut(l.Text, theme.Size(labelSizeName(l)), l.TextStyle, l.Size().Width)
}

func labelSizeName(l *widget.Label) fyne.ThemeSizeName {
	if l.SizeName == "" {
		return theme.SizeNameText
	}
	return l.SizeName
}

// subtleCut reports whether truncating secondary text cuts its text.
func subtleCut(s *subtle) bool {
	if s.Truncation == fyne.TextTruncateOff {
		return false
	}
	name := s.seg.Style.SizeName
	if name == "" {
		name = theme.SizeNameText
	}
	return textCut(s.seg.Text, theme.Size(name), s.seg.Style.TextStyle, s.Size().Width)
}

// tipButton is a button whose text may be shortened (ellipsize, or fitText to its width):
// it shows the whole text as a tip on hover and when it gets the keyboard focus.
type tipButton struct {
	widget.Button
	layer *tipLayer
	full  string // the whole text; Text is what fits
	// fit says Text is cut to the button's width (fitText), not to a number of runes.
	fit bool
}

func newTipButton(layer *tipLayer, text string, icon fyne.Resource, tapped func()) *tipButton {
	b := &tipButton{layer: layer}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// setText shows text, shortened to n runes.
func (b *tipButton) setText(text string, n int) {
	b.full, b.fit = text, false
	b.SetText(ellipsize(text, n))
}

// fitText shows as much of text as the button's width holds, ending in an ellipsis when
// it is cut. The button then asks for little room (fitMinText), so a long name never
// widens its row: the layout decides the width, and the text follows it.
func (b *tipButton) fitText(text string) {
	b.full, b.fit = text, true
	b.SetText(b.fitted(b.Size().Width))
}

// fitMinText is the text a fitting button keeps room for at least.
const fitMinText = "Mmmm…"

// textRoom is the width left for the text in a button w wide: Fyne pads the label by the
// inner padding on each side, the button by as much again, and an icon takes its size
// and a padding.
func (b *tipButton) textRoom(w float32) float32 {
	th := b.Theme()
	room := w - 4*th.Size(theme.SizeNameInnerPadding)
	if b.Icon != nil {
		room -= th.Size(theme.SizeNameInlineIcon) + th.Size(theme.SizeNamePadding)
	}
	return room - 1
}

// measure is the width of a button's text (buttons draw it bold).
func (b *tipButton) measure(text string) float32 {
	return fyne.MeasureText(text, b.Theme().Size(theme.SizeNameText), fyne.TextStyle{Bold: true}).Width
}

// fitted is the most of the whole text that fits a button w wide (all of it before the
// button is laid out).
func (b *tipButton) fitted(w float32) string {
	room := b.textRoom(w)
	if w <= 0 || b.measure(b.full) <= room {
		return b.full
	}
	r := []rune(b.full)
	lo, hi := 0, len(r) // the longest prefix that fits lies in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if b.measure(strings.TrimRight(string(r[:mid]), " ")+"…") <= room {
			lo = mid
		} else {
			hi = mid
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// MinSize of a fitting button keeps room for fitMinText, or the whole text when shorter.
func (b *tipButton) MinSize() fyne.Size {
	m := b.Button.MinSize()
	if !b.fit || b.full == "" {
		return m
	}
	chrome := m.Width - b.textRoom(m.Width)
	return fyne.NewSize(chrome+min(b.measure(b.full), b.measure(fitMinText)), m.Height)
}

// Resize cuts a fitting button's text to its new width.
func (b *tipButton) Resize(s fyne.Size) {
	if !b.fit {
		b.Button.Resize(s)
		return
	}
	text := b.fitted(s.Width)
	changed := text != b.Text
	b.Text = text
	b.Button.Resize(s)
	if changed {
		b.Refresh()
	}
}

func (b *tipButton) tipText() (string, bool) { return b.full, b.full != "" && b.full != b.Text }

// MouseIn highlights the button and starts the wait for the tip.
func (b *tipButton) MouseIn(ev *desktop.MouseEvent) {
	b.Button.MouseIn(ev)
	b.layer.hover(b, ev.AbsolutePosition, b.tipText)
}

// MouseMoved follows the pointer.
func (b *tipButton) MouseMoved(ev *desktop.MouseEvent) {
	b.Button.MouseMoved(ev)
	b.layer.move(b, ev.AbsolutePosition)
}

// MouseOut hides the tip.
func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.layer.leave(b)
}

// FocusGained shows the tip under the button at once: the keyboard user has no pointer
// to rest.
func (b *tipButton) FocusGained() {
	b.Button.FocusGained()
	if _, cut := b.tipText(); !cut {
		return
	}
	if b.layer == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	b.layer.hide()
	b.layer.owner, b.layer.at = b, pos.AddXY(0, b.Size().Height-14)
	b.layer.show(b, b.tipText)
}

// TypedKey closes the dialog in front on Escape: a focused button would drop it, and it
// never reaches the window.
func (b *tipButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && b.layer != nil && b.layer.u.closeModal() {
		return
	}
	b.Button.TypedKey(k)
}

// FocusLost hides the tip.
func (b *tipButton) FocusLost() {
	b.Button.FocusLost()
	b.layer.leave(b)
}

// Tapped hides the tip before the button does its work.
func (b *tipButton) Tapped(ev *fyne.PointEvent) {
	b.layer.leave(b)
	b.Button.Tapped(ev)
}

// tipList is a List whose row under the keyboard focus shows its whole text as a tip when
// the row cuts it, as a row under the pointer does. Fyne keeps the focused row to itself:
// tipList follows it as List.TypedKey moves it and as a tap moves it (the list's
// OnSelected calls follow), and shows the tip after an arrow key.
type tipList struct {
	widget.List
	layer *tipLayer
	focus widget.ListItemID
	// row is the laid-out row that shows item id (nil when there is none, or for a header),
	// its whole text and whether the row cuts any of it.
	row func(id widget.ListItemID) (fyne.CanvasObject, string, bool)
}

func newTipList(layer *tipLayer, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject),
	row func(widget.ListItemID) (fyne.CanvasObject, string, bool)) *tipList {
	l := &tipList{layer: layer, row: row}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// follow notes that id has the focus now (a tap on it).
func (l *tipList) follow(id widget.ListItemID) { l.focus = id }

// TypedKey moves the focus as List does, and shows the focused row's tip.
func (l *tipList) TypedKey(ev *fyne.KeyEvent) {
	l.List.TypedKey(ev)
	switch ev.Name {
	case fyne.KeyDown:
		if l.focus < l.Length()-1 {
			l.focus++
		}
	case fyne.KeyUp:
		if l.focus > 0 {
			l.focus--
		}
	default:
		return
	}
	l.layer.leave(l)
	o, text, cut := l.row(l.focus)
	if o == nil || !cut || l.layer == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	l.layer.owner, l.layer.at = l, pos.AddXY(o.Size().Width/4, o.Size().Height-14)
	l.layer.show(l, func() (string, bool) { return text, cut })
}

// FocusLost hides the tip.
func (l *tipList) FocusLost() {
	l.List.FocusLost()
	l.layer.leave(l)
}

// rowButton is a button in a list row: Tab moves through rows by their buttons, so while
// one of a row's buttons has the keyboard focus, the row shows its tip.
type rowButton struct {
	widget.Button
	onFocus func(focused bool)
}

func newRowButton(text string, icon fyne.Resource, tapped func(), onFocus func(bool)) *rowButton {
	b := &rowButton{onFocus: onFocus}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// FocusGained shows the row's tip.
func (b *rowButton) FocusGained() {
	b.Button.FocusGained()
	b.onFocus(true)
}

// FocusLost hides it.
func (b *rowButton) FocusLost() {
	b.Button.FocusLost()
	b.onFocus(false)
}

// showRow shows a row's whole text under it at once (the keyboard user has no pointer to
// rest), or hides row's tip.
func (l *tipLayer) showRow(row fyne.CanvasObject, show bool, full func() (string, bool)) {
	if l == nil {
		return
	}
	l.leave(row)
	if !show {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row)
	l.owner, l.at = row, pos.AddXY(row.Size().Width/4, row.Size().Height-14)
	l.show(row, full)
}
