//go:build !headless

package ui

import (
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// parseHex reads #rrggbb; anything else is a neutral grey.
func parseHex(s string) color.Color {
	grey := color.NRGBA{R: 0x9a, G: 0xa0, B: 0xa6, A: 0xff}
	if len(s) != 7 || s[0] != '#' {
		return grey
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return grey
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// dot is a small filled circle in a project or tag colour.
type dot struct {
	circle  *canvas.Circle
	box     *fyne.Container
	hex     string
	painted bool
}

func newDot(size float32) *dot {
	c := canvas.NewCircle(color.Transparent)
	return &dot{circle: c, box: container.NewCenter(container.NewGridWrap(fyne.NewSize(size, size), c))}
}

func (d *dot) set(hex string) {
	if d.hex == hex && d.painted {
		return
	}
	d.hex, d.painted = hex, true
	if hex == "" {
		d.circle.FillColor = color.Transparent
		d.circle.StrokeColor = theme.Color(theme.ColorNameDisabled)
		d.circle.StrokeWidth = 1
	} else {
		d.circle.FillColor = parseHex(hex)
		d.circle.StrokeWidth = 0
	}
	d.circle.Refresh()
}

// dotIcon is a coloured circle as an icon resource, for buttons and menus.
func dotIcon(hex string) fyne.Resource {
	if len(hex) != 7 || hex[0] != '#' {
		hex = "#9aa0a6"
	}
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="7" fill="%s"/></svg>`, hex)
	return fyne.NewStaticResource("dot-"+hex[1:]+".svg", []byte(svg))
}

// heading is a screen title.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// subtle is secondary text: muted (the placeholder colour, readable in both variants,
// unlike a low-importance label) and optionally small.
type subtle struct {
	*widget.RichText
	seg *widget.TextSegment
}

func newSubtle(text string, small bool) *subtle {
	seg := &widget.TextSegment{Text: text, Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, Inline: true}}
	if small {
		seg.Style.SizeName = theme.SizeNameCaptionText
	}
	return &subtle{RichText: widget.NewRichText(seg), seg: seg}
}

// truncated makes the text end in an ellipsis when it does not fit (its minimum width is
// then tiny, so only use it where the layout gives it room).
func (s *subtle) truncated() *subtle {
	s.Truncation = fyne.TextTruncateEllipsis
	return s
}

// SetText changes the text, repainting only on a change.
func (s *subtle) SetText(text string) {
	if s.seg.Text != text {
		s.seg.Text = text
		s.Refresh()
	}
}

// caption is small secondary text.
func caption(text string) *subtle { return newSubtle(text, true) }

// fieldError is the message under a form field; empty and hidden when the field is fine.
type fieldError struct{ label *widget.Label }

func newFieldError() *fieldError {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.SizeName = theme.SizeNameCaptionText
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return &fieldError{label: l}
}

func (f *fieldError) set(msg string) {
	f.label.SetText(msg)
	if msg == "" {
		f.label.Hide()
	} else {
		f.label.Show()
	}
}

// form lays out labelled fields with an error line under each, and maps a
// ValidationError's fields onto them.
type form struct {
	grid    *fyne.Container
	general *fieldError
	fields  map[string]*fieldError // by app field name
	labels  map[string]string
	// inputs are the text fields and the error lines that speak of them.
	inputs map[*entry]*fieldError
	// tips, when set, is the dialog's own layer for the tips of the form's cut names (the
	// window's layer lies under the dialog).
	tips *tipLayer
}

func newForm() *form {
	return &form{grid: container.NewVBox(), general: newFieldError(), fields: map[string]*fieldError{}, labels: map[string]string{},
		inputs: map[*entry]*fieldError{}}
}

// clearOnEdit makes typing into a field clear its error, so a message such as "Is
// required." never outlives the mistake. Call it once the fields' own OnChanged are set.
func (f *form) clearOnEdit() {
	for e, fe := range f.inputs {
		next := e.OnChanged
		e.OnChanged = func(text string) {
			fe.set("")
			if next != nil {
				next(text)
			}
		}
	}
}

// add appends a field on its own row; names are the app field names whose errors it shows.
func (f *form) add(label string, w fyne.CanvasObject, names ...string) {
	f.grid.Add(f.field(label, w, names...))
}

// row appends fields side by side (made with field).
func (f *form) row(fields ...fyne.CanvasObject) {
	f.grid.Add(container.NewGridWithColumns(len(fields), fields...))
}

// field makes a labelled field with its error line, for add or row.
func (f *form) field(label string, w fyne.CanvasObject, names ...string) fyne.CanvasObject {
	fe := newFieldError()
	if e, ok := w.(*entry); ok {
		f.inputs[e] = fe
	}
	for _, n := range names {
		f.fields[n] = fe
		f.labels[n] = label
	}
	if label == "" {
		return container.NewVBox(w, fe.label)
	}
	l := widget.NewLabel(label)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(l, w, fe.label)
}

func (f *form) object() fyne.CanvasObject {
	return container.NewVBox(f.general.label, f.grid)
}

// clear hides every error.
func (f *form) clear() {
	f.general.set("")
	for _, fe := range f.fields {
		fe.set("")
	}
}

// show puts err's messages next to their fields and reports whether it was a validation
// error (other errors are for showError).
func (f *form) show(err error) bool {
	f.clear()
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		var ce *app.ConflictError
		if errors.As(err, &ce) {
			// A catalog form's only conflict is a taken name: say so under the name.
			if fe, ok := f.fields["name"]; ok {
				fe.set(sentence(ce.Message))
			} else {
				f.general.set(sentence(ce.Message))
			}
			return true
		}
		return false
	}
	var general []string
	msgs := map[*fieldError][]string{}
	for _, fe := range ve.Fields {
		name := fe.Field
		if i := strings.IndexByte(name, '['); i > 0 {
			name = name[:i]
		}
		if target, ok := f.fields[name]; ok {
			msgs[target] = append(msgs[target], sentence(fe.Message))
			continue
		}
		general = append(general, fe.Field+": "+fe.Message)
	}
	for target, m := range msgs {
		target.set(strings.Join(m, " "))
	}
	if len(general) > 0 {
		f.general.set(strings.Join(general, "; "))
	}
	return true
}

// sentence capitalises a field message ("must be after started_at" → "Must be after the start").
func sentence(msg string) string {
	msg = strings.NewReplacer("started_at", "the start", "stopped_at", "the end", "project_id", "the project",
		"task_id", "the task").Replace(msg)
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// isInputError reports whether err is about the user's input.
func isInputError(err error) bool {
	var ve *app.ValidationError
	return errors.As(err, &ve)
}

// userMessage is what a dialog says about an error that is not a validation error.
func userMessage(err error) string {
	var ce *app.ConflictError
	switch {
	case errors.As(err, &ce):
		return ce.Message
	case errors.Is(err, app.ErrNotFound):
		return "It no longer exists; it may have been deleted elsewhere."
	case errors.Is(err, app.ErrPrecondition):
		return "It was changed elsewhere in the meantime. Reload and try again."
	case errors.Is(err, app.ErrForbidden):
		return "Your role does not allow this."
	}
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		var parts []string
		for _, f := range ve.Fields {
			parts = append(parts, sentence(f.Message))
		}
		return strings.Join(parts, " ")
	}
	var ue *userError
	if errors.As(err, &ue) {
		return ue.msg
	}
	return ""
}

// userError is a failure with what to tell the user: what went wrong and what to do.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.err.Error() }
func (e *userError) Unwrap() error { return e.err }

// unexpected says what went wrong for an error the UI has no words for: the error itself
// (wrapped with what was being done), what to try, and where the log is.
func (u *UI) unexpected(err error) string {
	msg := "This did not work: " + err.Error() + ".\n\nTry again. If it keeps failing, "
	if u.opts.LogFile != "" {
		return msg + "the log has the details: " + u.opts.LogFile
	}
	return msg + "start Stint from a terminal and the log there has the details."
}

// showError tells the user about err and logs it once.
func (u *UI) showError(err error) {
	if errors.Is(err, app.ErrNotFound) || errors.Is(err, app.ErrConflict) || errors.Is(err, app.ErrPrecondition) {
		u.log.Info("action refused", "err", err)
	} else {
		u.log.Error("action failed", "err", err)
	}
	msg := userMessage(err)
	if msg == "" {
		msg = u.unexpected(err)
	}
	u.showErrorDialog(errors.New(msg))
}

// duration formats seconds as h:mm:ss.
func duration(secs int64) string { return app.FormatDuration(time.Duration(secs) * time.Second) }

// dayTitle names a date for a list header: "Today", "Yesterday", or "Monday, 23 Nov".
func dayTitle(date, today string, loc *time.Location) string {
	d, err := time.ParseInLocation(app.DateLayout, date, loc)
	if err != nil {
		return date
	}
	if date == today {
		return "Today"
	}
	if t, err := time.ParseInLocation(app.DateLayout, today, loc); err == nil && t.AddDate(0, 0, -1).Format(app.DateLayout) == date {
		return "Yesterday"
	}
	if t, err := time.ParseInLocation(app.DateLayout, today, loc); err == nil && t.Year() != d.Year() {
		return d.Format("Monday, 2 Jan 2006")
	}
	return d.Format("Monday, 2 Jan")
}

// entry is a text field that lets the window's shortcuts through (a focused stock Entry
// swallows every shortcut), and Escape through to an optional handler.
type entry struct {
	widget.Entry
	shortcuts *shortcuts
	onEscape  func()
}

func newEntry(s *shortcuts, placeholder string) *entry {
	e := &entry{shortcuts: s}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrapOff
	e.Scroll = container.ScrollHorizontalOnly
	e.SetPlaceHolder(placeholder)
	return e
}

// TypedShortcut runs the window's shortcuts before the field's own.
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if e.shortcuts != nil && e.shortcuts.handle(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey handles Escape: the field's own handler, or else it closes the dialog in front.
func (e *entry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if e.onEscape != nil {
			e.onEscape()
			return
		}
		if e.shortcuts != nil && e.shortcuts.u.closeModal() {
			return
		}
	}
	e.Entry.TypedKey(k)
}

// selectEntry is a stock SelectEntry (a field with a list of suggestions) that lets the
// window's shortcuts through, as entry does, and Escape through to the dialog in front.
type selectEntry struct {
	widget.SelectEntry
	shortcuts *shortcuts
}

func newSelectEntry(s *shortcuts, options []string) *selectEntry {
	e := &selectEntry{shortcuts: s}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	return e
}

// TypedShortcut runs the window's shortcuts before the field's own.
func (e *selectEntry) TypedShortcut(s fyne.Shortcut) {
	if e.shortcuts != nil && e.shortcuts.handle(s) {
		return
	}
	e.SelectEntry.TypedShortcut(s)
}

// TypedKey closes the dialog in front on Escape.
func (e *selectEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.shortcuts != nil && e.shortcuts.u.closeModal() {
		return
	}
	e.SelectEntry.TypedKey(k)
}

// check is a stock Check that passes Escape on to the dialog in front. A tap gives a check
// the keyboard focus, and the focused widget takes every key, so a stock check would keep
// the dialog open.
type check struct {
	widget.Check
	u *UI
}

func newCheck(u *UI, label string, changed func(bool)) *check {
	c := &check{u: u}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey closes the dialog in front on Escape.
func (c *check) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && c.u.closeModal() {
		return
	}
	c.Check.TypedKey(k)
}

// selectBox is a stock Select that passes Escape on to the dialog in front: a tap gives
// it the keyboard focus, which it keeps after its list closes.
type selectBox struct {
	widget.Select
	u *UI
}

func newSelectBox(u *UI, options []string, changed func(string)) *selectBox {
	s := &selectBox{u: u}
	s.Options, s.OnChanged, s.PlaceHolder = options, changed, "(Select one)"
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey closes the dialog in front on Escape.
func (s *selectBox) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && s.u.closeModal() {
		return
	}
	s.Select.TypedKey(k)
}

// checkGroup is a row of checks, as a horizontal widget.CheckGroup shows them, made of
// check so Escape still closes the dialog after a tap on one.
type checkGroup struct {
	widget.BaseWidget
	// Selected are the ticked options' labels, in the options' order.
	Selected []string
	checks   []*check
}

func newCheckGroup(u *UI, options []string) *checkGroup {
	g := &checkGroup{}
	for _, o := range options {
		g.checks = append(g.checks, newCheck(u, o, func(bool) { g.collect() }))
	}
	g.ExtendBaseWidget(g)
	return g
}

// SetSelected ticks the options named and clears the others.
func (g *checkGroup) SetSelected(names []string) {
	for _, c := range g.checks {
		c.SetChecked(slices.Contains(names, c.Text))
	}
	g.collect()
}

func (g *checkGroup) collect() {
	g.Selected = nil
	for _, c := range g.checks {
		if c.Checked {
			g.Selected = append(g.Selected, c.Text)
		}
	}
}

func (g *checkGroup) CreateRenderer() fyne.WidgetRenderer {
	box := container.NewHBox()
	for _, c := range g.checks {
		box.Add(c)
	}
	return widget.NewSimpleRenderer(box)
}

// fixedWidth gives o at least width w.
func fixedWidth(w float32, o fyne.CanvasObject) fyne.CanvasObject {
	return fixedSize(fyne.NewSize(w, 0), o)
}

// fixedSize gives o at least size s.
func fixedSize(s fyne.Size, o fyne.CanvasObject) fyne.CanvasObject {
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(s)
	return container.NewStack(spacer, o)
}

// emptyState is a centred message for an empty list.
func emptyState(title, hint string) *fyne.Container {
	t := widget.NewLabel(title)
	t.Alignment = fyne.TextAlignCenter
	t.TextStyle = fyne.TextStyle{Bold: true}
	h := widget.NewLabel(hint)
	h.Alignment = fyne.TextAlignCenter
	h.Wrapping = fyne.TextWrapWord
	return container.NewCenter(fixedWidth(360, container.NewVBox(t, h)))
}

// setText changes a label only when its text differs: a change repaints the window.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// section is a titled group on a softly tinted, rounded background.
func (u *UI) section(title string, content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	bg.CornerRadius = 10
	u.onThemeChange(func() {
		bg.FillColor = theme.Color(theme.ColorNameHeaderBackground)
		bg.Refresh()
	})
	t := widget.NewLabel(title)
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.SizeName = theme.SizeNameSubHeadingText
	return container.NewStack(bg, container.NewPadded(container.NewVBox(t, content)))
}

// refreshTree refreshes every widget under o. List rows live outside the window's tree
// walk, so a theme change reaches them only this way.
func refreshTree(o fyne.CanvasObject) {
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			refreshTree(c)
		}
	case fyne.Widget:
		x.Refresh()
	default:
		o.Refresh()
	}
}

// Fyne gives a key to the focused widget alone, and a button, a select, a check or a list
// with the focus drops Escape: it never reaches the window, which closes the dialog in
// front. The dialog's own widgets (dialogButton, dialogList, check, selectBox) pass Escape on to it. (Ctrl+Enter needs no help: these
// widgets take no shortcuts, so it reaches the window's, which submit the dialog.)

// dialogButton is a button in a dialog: Escape on it closes the dialog.
type dialogButton struct {
	widget.Button
	u *UI
}

func newDialogButton(u *UI, text string, icon fyne.Resource, tapped func()) *dialogButton {
	b := &dialogButton{u: u}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey closes the dialog in front on Escape.
func (b *dialogButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && b.u.closeModal() {
		return
	}
	b.Button.TypedKey(k)
}

// dialogList is a list in a dialog: Escape on it closes the dialog.
type dialogList struct {
	widget.List
	u *UI
}

func newDialogList(u *UI, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *dialogList {
	l := &dialogList{u: u}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey closes the dialog in front on Escape.
func (l *dialogList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && l.u.closeModal() {
		return
	}
	l.List.TypedKey(k)
}

// radioGroup is a set of radio choices, as widget.RadioGroup shows them, made of
// dialogButtons: a stock group's items take the focus on a tap and drop Escape, so the
// dialog stayed open. Choosing an option calls OnChanged, as a stock group does.
type radioGroup struct {
	widget.BaseWidget
	// Selected is the chosen option ("" for none).
	Selected string
	// Horizontal lays the options out in a row.
	Horizontal bool
	// Required keeps a choice: tapping the chosen option does not clear it.
	Required  bool
	OnChanged func(string)
	options   []string
	items     []*dialogButton
}

func newRadioGroup(u *UI, options []string, changed func(string)) *radioGroup {
	g := &radioGroup{OnChanged: changed, options: options}
	for _, o := range options {
		b := newDialogButton(u, o, theme.RadioButtonIcon(), func() { g.tapped(o) })
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		g.items = append(g.items, b)
	}
	g.ExtendBaseWidget(g)
	return g
}

func (g *radioGroup) tapped(o string) {
	if o == g.Selected {
		if g.Required {
			return
		}
		o = ""
	}
	g.SetSelected(o)
}

// SetSelected chooses option o ("" for none), calling OnChanged when the choice changes.
func (g *radioGroup) SetSelected(o string) {
	if o == g.Selected {
		return
	}
	g.Selected = o
	for i, b := range g.items {
		if g.options[i] == o {
			b.SetIcon(theme.NewPrimaryThemedResource(theme.RadioButtonCheckedIcon()))
		} else {
			b.SetIcon(theme.RadioButtonIcon())
		}
	}
	if g.OnChanged != nil {
		g.OnChanged(o)
	}
}

// Disable greys every option out.
func (g *radioGroup) Disable() {
	for _, b := range g.items {
		b.Disable()
	}
}

// Enable makes every option choosable again.
func (g *radioGroup) Enable() {
	for _, b := range g.items {
		b.Enable()
	}
}

func (g *radioGroup) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(g.items))
	for i, b := range g.items {
		objs[i] = b
	}
	if g.Horizontal {
		return widget.NewSimpleRenderer(container.NewHBox(objs...))
	}
	return widget.NewSimpleRenderer(container.NewVBox(objs...))
}
