//go:build linux || freebsd || openbsd || netbsd || dragonfly

package activity

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/screensaver"
	"github.com/jezek/xgb/xproto"

	"github.com/stinthq/stint/app"
)

// x11 is the X11 source: a control connection (xgb) for the idle time and the active
// window, and a RECORD data connection for input counts.
type x11 struct {
	mu      sync.Mutex
	conn    *xgb.Conn
	root    xproto.Window
	atoms   map[string]xproto.Atom
	count   *counter // nil when the server cannot record input
	win     xproto.Window
	app     string
	process string
	randr   int // RandR version ×100 once asked (0: not yet, -1: none), for screenshots
}

var xgbLogger sync.Mutex

func open(getenv func(string) string, counts bool) (app.ActivitySource, error) {
	if wayland(getenv) {
		return nil, unavailable("this is a Wayland session, where applications cannot see the input of other applications")
	}
	d, err := parseDisplay(getenv("DISPLAY"))
	if err != nil {
		return nil, unavailable("no X display: %v", err)
	}
	// xgb logs its fallback to a connection without an authority file, which is normal;
	// keep that out of the app's log.
	xgbLogger.Lock()
	out := xgb.Logger.Writer()
	xgb.Logger.SetOutput(io.Discard)
	conn, err := xgb.NewConnDisplay(getenv("DISPLAY"))
	xgb.Logger.SetOutput(out)
	xgbLogger.Unlock()
	if err != nil {
		return nil, unavailable("cannot connect to the X display: %v", err)
	}
	if err := screensaver.Init(conn); err != nil {
		conn.Close()
		return nil, unavailable("the X server has no screen saver extension: %v", err)
	}
	x := &x11{conn: conn, root: xproto.Setup(conn).DefaultScreen(conn).Root, atoms: map[string]xproto.Atom{}}
	for _, name := range []string{"_NET_ACTIVE_WINDOW", "_NET_WM_PID", "_NET_WM_NAME", "UTF8_STRING"} {
		r, err := xproto.InternAtom(conn, true, uint16(len(name)), name).Reply()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("intern %s: %w", name, err)
		}
		x.atoms[name] = r.Atom
	}
	// Without RECORD the idle time still tells active seconds; counts stay unknown.
	if counts {
		if c, err := startCounter(d, getenv); err == nil {
			x.count = c
		}
	}
	return x, nil
}

// Sample implements app.ActivitySource.
func (x *x11) Sample(titles bool) (app.ActivitySample, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var s app.ActivitySample
	info, err := screensaver.QueryInfo(x.conn, xproto.Drawable(x.root)).Reply()
	if err != nil {
		return s, fmt.Errorf("read the idle time: %w", err)
	}
	s.Idle = time.Duration(info.MsSinceUserInput) * time.Millisecond
	if x.count != nil && x.count.failed() == nil {
		s.Counted = true
		s.Keys, s.Clicks, s.Moves = x.count.keys.Load(), x.count.clicks.Load(), x.count.moves.Load()
	}
	win, err := x.window(x.root, x.atoms["_NET_ACTIVE_WINDOW"])
	if err != nil || win == 0 {
		x.win, x.app, x.process = 0, "", ""
		return s, nil // no window manager with EWMH, or nothing focused
	}
	if win != x.win {
		x.win = win
		x.app, x.process = x.application(win)
	}
	s.App, s.Process = x.app, x.process
	if titles {
		s.Title = x.title(win)
	}
	return s, nil
}

// window reads a WINDOW property.
func (x *x11) window(w xproto.Window, prop xproto.Atom) (xproto.Window, error) {
	if prop == 0 {
		return 0, nil
	}
	r, err := xproto.GetProperty(x.conn, false, w, prop, xproto.AtomWindow, 0, 1).Reply()
	if err != nil || r.Format != 32 || len(r.Value) < 4 {
		return 0, err
	}
	return xproto.Window(xgb.Get32(r.Value)), nil
}

// application names the window's application: its WM_CLASS class, else its process.
func (x *x11) application(w xproto.Window) (name, process string) {
	if pid := x.cardinal(w, x.atoms["_NET_WM_PID"]); pid > 0 {
		process = processName(pid)
	}
	var class []string
	if r, err := xproto.GetProperty(x.conn, false, w, xproto.AtomWmClass, xproto.AtomString, 0, 64).Reply(); err == nil {
		class = strings.Split(strings.TrimRight(string(r.Value), "\x00"), "\x00")
	}
	return appName(class, x.title(w), process), process
}

// appName picks an application's name from its window's WM_CLASS (instance, class), its
// title and its process. Some toolkits (GLFW, and so Fyne) fill WM_CLASS with the window's
// first title: a class equal to the title, or one with spaces (classes are identifiers), is
// a title and never a name, since titles are recorded only when the organization asks. The
// process names such an application.
func appName(class []string, title, process string) string {
	name := ""
	if len(class) == 2 && class[1] != "" {
		name = class[1]
	} else if len(class) >= 1 {
		name = class[0]
	}
	if name == strings.TrimSpace(title) || strings.ContainsAny(name, " \t") {
		name = ""
	}
	if name == "" {
		name = process
	}
	return name
}

func (x *x11) cardinal(w xproto.Window, prop xproto.Atom) uint32 {
	if prop == 0 {
		return 0
	}
	r, err := xproto.GetProperty(x.conn, false, w, prop, xproto.AtomCardinal, 0, 1).Reply()
	if err != nil || r.Format != 32 || len(r.Value) < 4 {
		return 0
	}
	return xgb.Get32(r.Value)
}

// title reads _NET_WM_NAME (UTF-8), else WM_NAME.
func (x *x11) title(w xproto.Window) string {
	if a := x.atoms["_NET_WM_NAME"]; a != 0 {
		r, err := xproto.GetProperty(x.conn, false, w, a, x.atoms["UTF8_STRING"], 0, 256).Reply()
		if err == nil && len(r.Value) > 0 {
			return string(r.Value)
		}
	}
	r, err := xproto.GetProperty(x.conn, false, w, xproto.AtomWmName, xproto.AtomString, 0, 256).Reply()
	if err != nil {
		return ""
	}
	return string(r.Value)
}

// processName is the short name of a local process (Linux's /proc/PID/comm).
func processName(pid uint32) string {
	b, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/comm")
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// Close implements app.ActivitySource.
func (x *x11) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.count != nil {
		x.count.close()
	}
	x.conn.Close()
	return nil
}
