//go:build !headless

package ui

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// harness runs the desktop app on Fyne's test driver over a fresh store and a fixed clock.
// Callbacks that production runs through fyne.Do are queued and run on the test goroutine
// by wait, as the real event loop runs them on the main thread.
type harness struct {
	t     *testing.T
	ctx   context.Context
	u     *UI
	svc   *app.Service
	clock *app.FixedClock
	fyne  fyne.App
	mu    sync.Mutex
	queue []func()
	tray  *fakeTray
	// apps records the windows the UI opens and whether it quit.
	apps    *windowApp
	dataDir string
}

// fakeTray is a test app that also has a system tray, recording what was set.
type fakeTray struct {
	fyne.App
	menu *fyne.Menu
	icon fyne.Resource
}

func (f *fakeTray) SetSystemTrayMenu(m *fyne.Menu)    { f.menu = m }
func (f *fakeTray) SetSystemTrayIcon(r fyne.Resource) { f.icon = r }
func (f *fakeTray) SetSystemTrayWindow(fyne.Window)   {}

var _ desktop.App = (*fakeTray)(nil)

// windowApp is a test app that records its windows and whether it quit. Fyne's test windows
// ignore a close intercept and never quit the app; windowApp's windows do what Fyne's desktop
// driver does instead, so a test can press a window's close button and see the outcome.
type windowApp struct {
	fyne.App
	windows []*recWindow
	quit    bool
	// openErr is what opening a URL fails with (nil: it works), as without xdg-open.
	openErr error
}

func (a *windowApp) OpenURL(u *url.URL) error {
	if a.openErr != nil {
		return a.openErr
	}
	return a.App.OpenURL(u)
}

func (a *windowApp) NewWindow(title string) fyne.Window {
	w := &recWindow{Window: a.App.NewWindow(title), app: a}
	a.windows = append(a.windows, w)
	return w
}

func (a *windowApp) Quit() {
	a.quit = true
	a.App.Quit()
}

// recWindow is a test window that keeps its close intercept, master flag and visibility.
type recWindow struct {
	fyne.Window
	app       *windowApp
	intercept func()
	master    bool
	visible   bool
	closed    bool
}

func (w *recWindow) SetCloseIntercept(f func()) {
	w.intercept = f
	w.Window.SetCloseIntercept(f)
}

func (w *recWindow) SetMaster() {
	w.master = true
	w.Window.SetMaster()
}

func (w *recWindow) Show() {
	w.visible = true
	w.Window.Show()
}

func (w *recWindow) Hide() {
	w.visible = false
	w.Window.Hide()
}

// Close closes the window; closing the master window quits the app, as in Fyne's driver.
func (w *recWindow) Close() {
	w.visible, w.closed = false, true
	w.Window.Close()
	if w.master {
		w.app.Quit()
	}
}

// pressClose is the window manager's close button: the close intercept runs when there is
// one, otherwise the window closes (Fyne's glfw window.processClosed).
func (w *recWindow) pressClose() {
	if w.intercept != nil {
		w.intercept()
		return
	}
	w.Close()
}

type harnessOpts struct {
	workspace bool   // create the local workspace first (skip onboarding)
	timezone  string // organization zone (default Europe/Berlin)
	now       time.Time
	tray      bool // a tray icon, with a tray host that shows it
	// noTrayHost keeps the tray icon (tray) but says nothing on the bus shows it.
	noTrayHost bool
	// sync runs a background sync worker for the device (sync_test.go), as the desktop
	// does; connecting to a team server then works.
	sync bool
	// activity measures the running timer's activity from a source the test drives.
	activity *fakeActivity
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	if o.timezone == "" {
		o.timezone = "Europe/Berlin"
	}
	if o.now.IsZero() {
		o.now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) // Monday, 10:00 in Berlin
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // start-on-login writes here, never to the real home
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, ctx: context.Background(), clock: app.NewFixedClock(o.now)}
	h.svc = app.New(st, app.Options{Clock: h.clock, NodeID: "test", ScreenshotDir: t.TempDir()})
	if o.workspace {
		if _, _, err := h.svc.EnsureLocal(h.ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: o.timezone}); err != nil {
			t.Fatal(err)
		}
	}
	h.apps = &windowApp{App: test.NewTempApp(t)}
	h.fyne = h.apps
	if o.tray {
		h.tray = &fakeTray{App: h.fyne}
		h.fyne = h.tray
	}
	dataDir := t.TempDir()
	h.dataDir = dataDir
	opts := Options{Service: h.svc, DataDir: dataDir, LogFile: filepath.Join(dataDir, logFileName), APIAddr: "127.0.0.1:8736",
		DefaultName: "Ada Lovelace", DefaultTimezone: o.timezone, Version: "test", Tray: o.tray, TrayHost: o.tray && !o.noTrayHost}
	if o.sync {
		opts.Sync, opts.SignIn = h.startSync(dataDir)
	}
	if o.activity != nil {
		opts.Tracker = app.NewActivityTracker(h.svc, o.activity.open, nil)
	}
	h.u = New(h.fyne, opts)
	h.u.do = func(f func()) {
		h.mu.Lock()
		h.queue = append(h.queue, f)
		h.mu.Unlock()
	}
	h.u.undoAfter = time.Hour // tests commit or undo deletes themselves
	h.u.win.Resize(fyne.NewSize(1040, 680))
	if err := h.u.Start(h.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.u.cancel()
		h.u.wg.Wait()
	})
	h.wait()
	return h
}

// window is the app's main window as the harness records it.
func (h *harness) window() *recWindow {
	h.t.Helper()
	w, ok := h.u.win.(*recWindow)
	if !ok {
		h.t.Fatalf("main window %T was not opened through the harness app", h.u.win)
	}
	return w
}

// wait runs background work to completion, with its UI callbacks, until all is quiet.
func (h *harness) wait() {
	h.t.Helper()
	for {
		h.u.wg.Wait()
		h.mu.Lock()
		fs := h.queue
		h.queue = nil
		h.mu.Unlock()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

// tap taps a button and waits for what it started.
func (h *harness) tap(b fyne.Tappable) {
	h.t.Helper()
	test.Tap(b)
	h.wait()
}

// typeInto replaces a field's text as a user would: select all, then type.
func (h *harness) typeInto(e *entry, text string) {
	h.t.Helper()
	e.SetText("")
	test.Type(e, text)
	h.wait()
}

// enter presses Enter in a field.
func (h *harness) enter(e *entry) {
	h.t.Helper()
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.wait()
}

// pick chooses in a picker by typing into its search and pressing Enter.
func (h *harness) pick(p *picker, search string) {
	h.t.Helper()
	h.tap(p.button)
	if p.popup == nil || !p.popup.Visible() {
		h.t.Fatal("picker did not open")
	}
	test.Type(p.search, search)
	h.enter(p.search)
}

// actor is the local workspace owner.
func (h *harness) actor() app.Actor {
	h.t.Helper()
	a, err := h.svc.LocalActor(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// running is the store's running entry.
func (h *harness) running() *app.TimeEntry {
	h.t.Helper()
	e, err := h.svc.RunningEntry(h.ctx, h.actor())
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

// project creates a project through the service, as another front end would.
func (h *harness) project(name string) app.Project {
	h.t.Helper()
	p, err := h.svc.CreateProject(h.ctx, h.actor(), app.ProjectInput{Name: name})
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// entryAt records a stopped entry through the service.
func (h *harness) entryAt(desc string, p *app.Project, start time.Time, d time.Duration) app.TimeEntry {
	h.t.Helper()
	stop := start.Add(d)
	in := app.TimeEntryInput{Description: desc, StartedAt: start, StoppedAt: &stop}
	if p != nil {
		in.ProjectID = &p.ID
	}
	e, err := h.svc.CreateTimeEntry(h.ctx, h.actor(), in)
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

// external notices changes made outside the window, as the poll loop does each second.
func (h *harness) external() {
	h.t.Helper()
	if h.u.poll(h.ctx) {
		h.u.reload()
	}
	h.wait()
}

// rows returns the entry rows a list shows: "description | project | span | duration".
func rows(l *entryList) []string {
	var out []string
	for _, it := range l.items {
		if it.header {
			out = append(out, "# "+it.title+" "+duration(it.total))
			continue
		}
		out = append(out, it.entry.Description)
	}
	return out
}

// overlayText is the text the top dialog shows.
func (h *harness) overlayText() string {
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var out []string
	for _, o := range test.LaidOutObjects(top) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		}
	}
	return strings.Join(out, "\n")
}

// dialogOpen reports whether the window shows an overlay (a dialog).
func (h *harness) dialogOpen() bool {
	return h.u.win.Canvas().Overlays().Top() != nil
}

func labelTexts(ls []*widget.Label) string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Text)
	}
	return strings.Join(out, " | ")
}

func appTimerStart(desc string) app.TimerStart { return app.TimerStart{Description: desc} }

func appTimerStartProject(id uuid.UUID) app.TimerStart { return app.TimerStart{ProjectID: &id} }
