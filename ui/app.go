//go:build !headless

// Package ui is Stint's desktop app: a Fyne window with the timer, entries, timesheet and
// catalog screens, a tray menu, and first-run onboarding. Screens call app.Service
// in-process and hold no business rules: they turn input into service calls and results
// into widgets. Every service call runs off the UI thread (UI.bg) and its result comes back
// through fyne.Do, so the window never waits on the disk.
package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/assets"
)

// AppID is the desktop app's unique id (preferences, .desktop file, D-Bus names).
const AppID = "com.stinthq.stint"

// Options configure the desktop app.
type Options struct {
	Service *app.Service
	// DataDir is where the database lives; settings show it.
	DataDir string
	// LogFile is where the log is written besides standard error ("": nowhere else). Run
	// sets it to a file in DataDir; settings and error messages name it.
	LogFile string
	// APIAddr is the local API's listen address ("" when it does not run).
	APIAddr string
	// APIStatus reports why the local API is not serving (nil: it serves).
	APIStatus func() error
	// DefaultName and DefaultTimezone prefill onboarding.
	DefaultName     string
	DefaultTimezone string
	// Executable is started on login when the user asks for it (default: os.Executable).
	Executable string
	Version    string
	Logger     *slog.Logger
	// Tray enables the tray icon. Run sets it when a D-Bus session bus accepts a connection.
	Tray bool
	// TrayHost says something shows the tray icon, so closing the window may hide it. Run
	// sets it when a StatusNotifierWatcher owns its name on the session bus.
	TrayHost bool
	// Tracker measures the running timer's activity (nil: not measured). The loop ticks it
	// once a second; the timer screen shows the slot in progress.
	Tracker *app.ActivityTracker
	// Activity opens the platform's activity source (package activity, wired by cmd: ui
	// speaks no X11). Nil, or an error, leaves idle detection off.
	Activity func() (app.ActivitySource, error)
	// Sync is the background sync worker, which the caller runs (nil: no team server
	// support). The window shows its state and kicks it after a connect or on Sync now.
	Sync *app.SyncWorker
	// SignIn signs in to a team server with an account or an invitation code (package
	// sync, wired by cmd: ui speaks no HTTP).
	SignIn func(ctx context.Context, in TeamSignIn) (TeamSession, error)
	// Publish makes the local workspace a new team on the server at url, with in's ids
	// and sign-in; TeamCatalog reads the session's organization catalog and role there,
	// for a join (package sync, wired by cmd).
	Publish     func(ctx context.Context, url string, in app.PublishInput) (TeamSession, error)
	TeamCatalog func(ctx context.Context, ts TeamSession) (app.TeamCatalog, error)
}

// Run opens the desktop app and returns when it quits.
func Run(ctx context.Context, opts Options) error {
	plainLocale()
	tuneGC := os.Getenv("GOGC") == "" // memory.go
	if tuneGC {
		debug.SetGCPercent(startGCPercent)
	}
	opts.Tray, opts.TrayHost = true, true
	if runtime.GOOS == "linux" {
		opts.Tray, opts.TrayHost = trayHostPresent(os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
	}
	// The log file first: Fyne may print while it starts.
	closeLog := withLogFile(&opts)
	defer closeLog()
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("stint.png", assets.Icon))
	u := New(a, opts)
	if tuneGC {
		u.trim.settle = func() { debug.SetGCPercent(gcPercent) }
	}
	if opts.Activity != nil {
		if src, err := opts.Activity(); err != nil {
			u.log.Info("idle detection off", "err", err)
		} else {
			u.idleSrc = src
			defer src.Close()
		}
	}
	if err := u.Start(ctx); err != nil {
		return err
	}
	stop := u.loop()
	a.Run()
	stop()
	u.Close()
	return nil
}

// plainLocale names English for message lookups when the locale is C.UTF-8 or POSIX with a
// codeset: Fyne would otherwise log a parse error for the "C" language on every start.
func plainLocale() {
	for _, key := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(key)
		if v == "" {
			continue
		}
		if lang, _, _ := strings.Cut(v, "."); (lang == "C" || lang == "POSIX") && v != lang && os.Getenv("LANGUAGE") == "" {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}

// UI is the running desktop app: the window, its screens and the state they share.
type UI struct {
	opts Options
	svc  *app.Service
	log  *slog.Logger
	fyne fyne.App
	win  fyne.Window

	ctx    context.Context
	cancel context.CancelFunc
	// do runs a function on the UI thread: fyne.Do, or a serialised call in tests.
	do func(func())
	wg sync.WaitGroup

	// Shared state, touched only on the UI thread.
	actor   app.Actor
	org     app.Organization
	userTZ  string         // the user's zone by app.UserZone; "" until the first reload
	loc     *time.Location // app.PickZone(userTZ, org's): where days and clock times are cut
	cat     catalogData
	running *app.TimeEntry
	undo    *pendingDelete
	// undoOffer is another action the undo bar offers to take back (an archive).
	undoOffer *undoOffer
	// undoAfter is how long Undo is offered (undoWindow; tests stretch it).
	undoAfter time.Duration
	loaded    string // local date of the last reload, to notice midnight
	// background is true while no window of the app has focus: the timer then shows h:mm
	// and the window repaints once a minute instead of every second.
	background bool

	// who is the acting user for the poll goroutine; seq the change-log position seen.
	who atomic.Pointer[app.Actor]
	seq atomic.Int64
	// views caches each screen's built content.
	views map[screen]fyne.CanvasObject
	// themeHooks repaint the few objects that hold theme colours themselves.
	themeHooks []func()

	onboarding *onboardingScreen
	timer      *timerScreen
	entries    *entriesScreen
	timesheet  *timesheetScreen
	projects   *projectsScreen
	clients    *clientsScreen
	tasks      *tasksScreen
	tags       *tagsScreen
	settings   *settingsScreen
	tray       *trayMenu
	sync       *syncView
	// meEmail is the account the device syncs as ("" until known).
	meEmail string
	idle    *idleWatch
	// reminderWatch reminds when no timer runs and stops one at the set time.
	reminderWatch *reminderWatch
	// idleSrc samples the idle time (nil: no idle detection); only the loop goroutine uses it.
	idleSrc app.ActivitySource

	screens   []screen
	current   int
	nav       *widget.List
	content   *fyne.Container
	status    *widget.Label
	statusDot *dot
	undoBar   *fyne.Container
	undoLabel *widget.Label
	undoBtn   *widget.Button
	// narrow is true while the window is narrower than narrowBelow; narrowHooks follow it.
	narrow      bool
	narrowHooks []func(bool)
	// modals are the open dialogs, the front one last (see showModal).
	modals []*modal
	// lastEntryEditor is the entry dialog opened last (tests look into it).
	lastEntryEditor *entryEditor
	shortcuts       *shortcuts
	// tips shows the whole of names cut short (tooltip.go); tipDelay is how long the
	// pointer rests first (tests make it 0).
	tips     *tipLayer
	tipDelay time.Duration
	// trim returns freed memory to the system after start and in the background (memory.go).
	trim *trimmer
}

// screen is one page of the main window.
type screen interface {
	title() string
	icon() fyne.Resource
	build() fyne.CanvasObject
	// refresh shows the shared state and, for screens with their own data, reloads it.
	refresh()
}

// New prepares the app's window and screens without showing them.
func New(a fyne.App, opts Options) *UI {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	u := &UI{opts: opts, svc: opts.Service, log: opts.Logger, fyne: a, do: fyne.Do, loc: time.UTC,
		views: map[screen]fyne.CanvasObject{}, undoAfter: undoWindow, tipDelay: tipDelay}
	u.trim = newTrimmer(u.log)
	u.ctx, u.cancel = context.WithCancel(context.Background())
	a.Settings().SetTheme(newTheme(a.Preferences().StringWithFallback(prefTheme, themeSystem)))
	u.win = a.NewWindow("Stint")
	u.win.SetMaster() // closing it quits, even though the tray keeps a hidden window of its own
	u.win.SetIcon(fyne.NewStaticResource("stint.png", assets.Icon))
	u.win.Resize(fyne.NewSize(1040, 680))
	u.shortcuts = newShortcuts(u)
	u.win.Canvas().SetOnTypedKey(u.onWindowKey)
	u.idle = &idleWatch{u: u}
	u.reminderWatch = &reminderWatch{u: u}
	u.sync = newSyncView(u)
	a.Lifecycle().SetOnEnteredForeground(func() { u.setBackground(false) })
	a.Lifecycle().SetOnExitedForeground(func() { u.setBackground(true) })
	a.Settings().AddListener(func(fyne.Settings) {
		u.do(func() {
			for _, h := range u.themeHooks {
				h()
			}
		})
	})
	return u
}

// onThemeChange runs fn (on the UI thread) whenever the theme or its variant changes.
func (u *UI) onThemeChange(fn func()) { u.themeHooks = append(u.themeHooks, fn) }

// Start decides between onboarding and the main screens and shows the window. It reads the
// store once, before the event loop runs.
func (u *UI) Start(ctx context.Context) error {
	a, err := u.svc.LocalActor(ctx)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return fmt.Errorf("local workspace: %w", err)
	}
	if u.opts.Tray {
		// Fyne starts the tray when its event loop starts, and only then: a tray menu first
		// set after onboarding (inside the loop) is never started, and quitting then panics
		// in the tray's shutdown. So the tray gets its menu now, on every launch.
		u.tray = newTrayMenu(u)
	}
	// Closing the window quits (unless it hides to the tray): the entry waiting for its
	// Undo to expire is deleted first, before the driver shuts anything down.
	u.win.SetOnClosed(u.flushUndo)
	switch {
	case errors.Is(err, app.ErrNotFound):
		u.onboarding = newOnboarding(u)
		u.win.SetContent(u.onboarding.build())
		u.win.Canvas().Focus(u.onboarding.name)
	default:
		org, err := u.svc.Organization(ctx, a, a.OrgID)
		if err != nil {
			return fmt.Errorf("local workspace: %w", err)
		}
		u.enter(a, org)
	}
	u.win.CenterOnScreen()
	u.win.Show()
	u.listenForActivation()
	u.sync.start()
	return nil
}

// Close cancels background work, commits a pending delete and waits for both.
func (u *UI) Close() {
	u.flushUndo()
	u.cancel()
	u.wg.Wait()
	if u.opts.Tracker != nil {
		// The slot in progress is written before the store closes.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		u.opts.Tracker.Close(ctx)
		cancel()
	}
}

// enter switches from onboarding (or nothing) to the main screens of the workspace.
func (u *UI) enter(a app.Actor, org app.Organization) {
	u.actor = a
	u.who.Store(&a)
	u.setOrg(org)
	u.tips = newTipLayer(u, false)
	u.timer = newTimerScreen(u)
	u.entries = newEntriesScreen(u)
	u.timesheet = newTimesheetScreen(u)
	u.projects = newProjectsScreen(u)
	u.clients = newClientsScreen(u)
	u.tasks = newTasksScreen(u)
	u.tags = newTagsScreen(u)
	u.settings = newSettingsScreen(u)
	u.screens = []screen{u.timer, u.entries, u.timesheet, u.projects, u.clients, u.tasks, u.tags, u.settings, newReportsScreen(u), newActivityScreen(u)}
	u.win.SetContent(u.tips.over(u.buildMain()))
	u.shortcuts.install(u.win.Canvas())
	switch {
	case u.tray != nil && u.opts.TrayHost:
		u.win.SetCloseIntercept(u.win.Hide)
		u.log.Info("system tray ready; closing the window hides it to the tray")
	case u.tray != nil:
		u.log.Info("no tray host on the session bus (no StatusNotifierWatcher); the tray icon may not show, so closing the window quits")
	default:
		u.log.Info("no system tray: no D-Bus session bus answers; closing the window quits")
	}
	u.show(0)
	u.win.Canvas().Focus(u.timer.desc)
	u.reload()
}

// setOrg takes the organization's new state and with it the zone the window shows: the
// user's, else the organization's (app.PickZone), as the CLI, tray and reports do.
func (u *UI) setOrg(org app.Organization) {
	u.org = org
	u.loc, _ = app.PickZone(u.userTZ, org.Timezone)
}

// buildMain lays out the sidebar, the current screen and the undo bar.
func (u *UI) buildMain() fyne.CanvasObject {
	u.nav = widget.NewList(
		func() int { return len(u.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Timesheet"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Icon).SetResource(u.screens[i].icon())
			label := box.Objects[1].(*widget.Label)
			label.SetText(u.screens[i].title())
			label.Hidden = u.narrow // icons only in a narrow window
		})
	u.nav.OnSelected = func(i widget.ListItemID) { u.show(i) }
	u.nav.HideSeparators = true
	logo := canvas.NewImageFromResource(fyne.NewStaticResource("stint.png", assets.Icon))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(28, 28))
	brand := canvas.NewText("Stint", theme.Color(theme.ColorNameForeground))
	brand.TextStyle = fyne.TextStyle{Bold: true}
	brand.TextSize = 20
	head := container.NewPadded(container.NewHBox(logo, brand))
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.status.SizeName = theme.SizeNameCaptionText
	u.statusDot = newDot(8)
	footer := container.NewVBox(u.sync.newItem(u.tips), container.NewBorder(nil, nil, u.statusDot.box, nil, labelTip(u.tips, u.status)))
	sidebar := container.NewBorder(head, footer, nil, nil, u.nav)
	sideBG := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	u.onThemeChange(func() {
		sideBG.FillColor = theme.Color(theme.ColorNameHeaderBackground)
		sideBG.Refresh()
		brand.Color = theme.Color(theme.ColorNameForeground)
		brand.Refresh()
	})
	side := container.NewStack(sideBG, sidebar)
	u.onNarrow(func(narrow bool) {
		if narrow {
			brand.Hide()
			u.status.Hide()
		} else {
			brand.Show()
			u.status.Show()
		}
		u.sync.set(u.sync.act) // icon only in a narrow window
		u.nav.Refresh()
	})

	u.undoLabel = widget.NewLabel("")
	u.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), u.onUndo)
	u.undoBtn.Importance = widget.HighImportance
	u.undoBar = container.NewBorder(widget.NewSeparator(), nil, nil, u.undoBtn, u.undoLabel)
	u.undoBar.Hide()

	u.content = container.NewStack()
	main := container.NewBorder(nil, u.undoBar, nil, nil, u.content)
	return container.New(rootLayout{u}, side, widget.NewSeparator(), main)
}

// show makes screen i current.
func (u *UI) show(i int) {
	if i < 0 || i >= len(u.screens) {
		return
	}
	u.current = i
	u.tips.hide() // what it pointed at leaves with the screen
	s := u.screens[i]
	view, ok := u.views[s]
	if !ok {
		view = container.NewPadded(s.build())
		u.views[s] = view
	}
	u.content.Objects = []fyne.CanvasObject{view}
	u.content.Refresh()
	if u.nav != nil {
		u.nav.OnSelected = nil
		u.nav.Select(i)
		u.nav.OnSelected = func(i widget.ListItemID) { u.show(i) }
	}
	u.win.SetTitle(s.title() + " – Stint")
	s.refresh()
}

// showing reports whether s is the screen shown.
func (u *UI) showing(s screen) bool {
	return u.current < len(u.screens) && u.screens[u.current] == s
}

// bg runs work off the UI thread; the function it returns (if any) then runs on the UI
// thread. An error is shown to the user instead.
func (u *UI) bg(work func(ctx context.Context) (func(), error)) {
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		apply, err := work(u.ctx)
		if u.ctx.Err() != nil {
			return
		}
		u.do(func() {
			if err != nil {
				u.showError(err)
				return
			}
			if apply != nil {
				apply()
			}
		})
	}()
}

// reload fetches the shared state (catalog, running entry) and refreshes the screens.
func (u *UI) reload() {
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		seq, err := u.svc.LatestChange(ctx, a, u.seq.Load())
		if err != nil {
			return nil, err
		}
		cat, err := loadCatalog(ctx, u.svc, a)
		if err != nil {
			return nil, err
		}
		running, err := u.svc.RunningEntry(ctx, a)
		if err != nil {
			return nil, err
		}
		org, err := u.svc.Organization(ctx, a, a.OrgID)
		if err != nil {
			return nil, err
		}
		_, userTZ, err := u.svc.UserZone(ctx, a)
		if err != nil {
			return nil, err
		}
		threshold, err := u.svc.IdleThreshold(ctx)
		if err != nil {
			return nil, err
		}
		// The role may have changed since the window opened (a sync brings a promotion).
		me, err := u.svc.LocalActor(ctx)
		if err != nil {
			return nil, err
		}
		u.advanceSeq(seq)
		return func() {
			if me.TenantID == u.actor.TenantID && me.OrgID == u.actor.OrgID && me.UserID == u.actor.UserID && me.Role != u.actor.Role {
				u.actor.Role = me.Role
				u.who.Store(&me)
			}
			u.cat = cat
			u.idle.threshold = threshold
			u.userTZ = userTZ
			u.setOrg(org)
			u.running = running
			if u.undo != nil && running != nil && running.ID == u.undo.entry.ID {
				u.running = nil
			}
			u.loaded = u.today()
			u.timer.refresh()
			if u.current != 0 {
				u.screens[u.current].refresh()
			}
			if u.tray != nil {
				u.tray.refresh()
			}
			u.updateStatus()
		}, nil
	})
}

// loop starts the once-a-second tick (elapsed time, midnight) and the change poller, which
// notices writes by other processes (the CLI, the API) and reloads. It returns a stop func.
func (u *UI) loop() func() {
	done := make(chan struct{})
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-u.ctx.Done():
				return
			case <-t.C:
				u.trim.tick(n)
				if u.idleSrc != nil && n%idleSampleEvery == 0 {
					if sample, err := u.idleSrc.Sample(false); err == nil {
						idle := sample.Idle
						now := u.svc.Now()
						u.do(func() { u.idle.observe(idle, now) })
					}
				}
				if n%idleSampleEvery == 0 {
					u.idle.checkAnswered(u.ctx, u.who.Load())
				}
				if u.opts.Tracker != nil {
					u.opts.Tracker.Tick(u.ctx, u.who.Load())
				}
				changed := u.poll(u.ctx)
				u.do(func() {
					if changed || (u.loaded != "" && u.loaded != u.today()) {
						u.reload()
						return
					}
					u.tick()
				})
			}
		}
	}()
	return func() { close(done) }
}

// idleSampleEvery is how many loop ticks (seconds) pass between idle-time samples.
const idleSampleEvery = 5

// poll reports whether the store changed since the last poll or reload. It runs off the UI
// thread; when nothing changed it costs one indexed query.
func (u *UI) poll(ctx context.Context) bool {
	a := u.who.Load()
	old := u.seq.Load()
	if a == nil || old == 0 {
		return false // the first reload sets the starting point
	}
	seq, err := u.svc.LatestChange(ctx, *a, old)
	if err != nil {
		u.log.Warn("poll for changes", "err", err)
		return false
	}
	return u.advanceSeq(seq)
}

// advanceSeq moves the seen change-log position forward to seq, reporting whether it moved.
func (u *UI) advanceSeq(seq int64) bool {
	for {
		old := u.seq.Load()
		if seq <= old {
			return false
		}
		if u.seq.CompareAndSwap(old, seq) {
			return true
		}
	}
}

// setBackground switches the live figures between seconds (focused) and minutes (in the
// background). It runs on the UI thread: Fyne calls it from its event handling.
func (u *UI) setBackground(bg bool) {
	if u.background == bg {
		return
	}
	u.background = bg
	u.log.Debug("window focus changed", "background", bg)
	if bg {
		u.trim.request()
	}
	u.tick()
}

// live formats the running timer for the window: h:mm:ss while the app has focus, h:mm in
// the background, as the tray does.
func (u *UI) live(d time.Duration) string {
	if u.background {
		return u.display().Duration(d)
	}
	return app.FormatDuration(d)
}

// tick advances the live figures; it changes only a few labels. Reminders are checked on
// it too, once a minute. The timer screen's figures tick only while it is the screen shown:
// a changed label repaints the whole window, and the elapsed seconds change every second,
// so another screen would be redrawn each second for a label nobody sees. Showing the timer
// screen again brings them up to date (show → refresh).
func (u *UI) tick() {
	if u.timer != nil && u.showing(u.timer) {
		u.timer.tick()
	}
	u.reminderWatch.check(u.svc.Now())
	if u.running != nil {
		u.updateStatus()
		if u.tray != nil {
			u.tray.tick()
		}
	}
}

// updateStatus shows the running entry at the bottom of the sidebar.
func (u *UI) updateStatus() {
	if u.status == nil {
		return
	}
	if u.running == nil {
		setText(u.status, cmp.Or(u.reminderWatch.note, "Not tracking"))
		u.statusDot.box.Hide()
		return
	}
	u.statusDot.set("#e5484d")
	u.statusDot.box.Show()
	text := u.display().Duration(u.svc.Now().Sub(u.running.StartedAt))
	setText(u.status, text+"  "+u.entryTitle(*u.running))
}

// today is the local date in the organization's zone.
func (u *UI) today() string { return u.svc.Now().In(u.loc).Format(app.DateLayout) }

// changed is called after this window changed data: everything reloads.
func (u *UI) changed() { u.reload() }
