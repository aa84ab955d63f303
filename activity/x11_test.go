//go:build linux

package activity

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/stinthq/stint/app"
)

// xserver is a private Xvfb with a cookie in its own authority file and openbox for EWMH.
type xserver struct {
	display, authority string
}

func (x xserver) env(key string) string {
	switch key {
	case "DISPLAY":
		return x.display
	case "XAUTHORITY":
		return x.authority
	}
	return ""
}

// startX starts Xvfb (choosing its own display number) and openbox. Without them it
// skips, unless CI is set.
func startX(t testing.TB) xserver {
	t.Helper()
	return startXScreen(t, "1280x800x24")
}

// startXScreen is startX with a screen of the given size (WxHxDEPTH).
func startXScreen(t testing.TB, size string) xserver {
	t.Helper()
	for _, bin := range []string{"Xvfb", "openbox", "xdotool"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing under CI (make test installs it)", bin)
			}
			t.Skipf("%s is not installed", bin)
		}
	}
	dir := t.TempDir()
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	auth := filepath.Join(dir, "Xauthority")
	if err := os.WriteFile(auth, authorityEntry(familyWild, "", "", "MIT-MAGIC-COOKIE-1", secret), 0o600); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	xvfb := exec.Command("Xvfb", "-displayfd", "3", "-auth", auth, "-screen", "0", size, "-nolisten", "tcp", "-noreset")
	xvfb.ExtraFiles = []*os.File{w}
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { _ = xvfb.Process.Kill(); _ = xvfb.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	var num string
	select {
	case num = <-line:
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	if num == "" {
		t.Fatal("Xvfb did not report its display")
	}
	x := xserver{display: ":" + num, authority: auth}
	wm := exec.Command("openbox", "--sm-disable")
	wm.Env = append(os.Environ(), "DISPLAY="+x.display, "XAUTHORITY="+auth)
	if err := wm.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wm.Process.Kill(); _ = wm.Wait() })
	x.waitForWM(t)
	return x
}

// waitForWM waits until a window manager announces itself (_NET_SUPPORTING_WM_CHECK).
func (x xserver) waitForWM(t testing.TB) {
	t.Helper()
	t.Setenv("XAUTHORITY", x.authority)
	c, err := xgb.NewConnDisplay(x.display)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root := xproto.Setup(c).DefaultScreen(c).Root
	name := "_NET_SUPPORTING_WM_CHECK"
	a, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r, err := xproto.GetProperty(c, false, root, a.Atom, xproto.AtomWindow, 0, 1).Reply()
		if err == nil && len(r.Value) >= 4 {
			return
		}
	}
	t.Fatal("openbox did not start within 20 s")
}

// authorityEntry is one record of an X authority file.
func authorityEntry(family uint16, addr, number, name string, data []byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint16(b, family)
	for _, f := range [][]byte{[]byte(addr), []byte(number), []byte(name), data} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
		b = append(b, f...)
	}
	return b
}

// xdotool runs xdotool against x.
func (x xserver) xdotool(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display, "XAUTHORITY="+x.authority)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
}

// openWindow maps a window with the given class and this process's pid, as an
// application would, and waits until the window manager makes it the active one.
func openWindow(t testing.TB, x xserver, class, title string) {
	t.Helper()
	t.Setenv("XAUTHORITY", x.authority)
	c, err := xgb.NewConnDisplay(x.display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	screen := xproto.Setup(c).DefaultScreen(c)
	win, err := xproto.NewWindowId(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.CreateWindowChecked(c, screen.RootDepth, win, screen.Root, 100, 100, 400, 300, 0,
		xproto.WindowClassInputOutput, screen.RootVisual, xproto.CwBackPixel, []uint32{screen.WhitePixel}).Check(); err != nil {
		t.Fatal(err)
	}
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	wmClass := "probe\x00" + class + "\x00"
	xproto.ChangeProperty(c, xproto.PropModeReplace, win, xproto.AtomWmClass, xproto.AtomString, 8, uint32(len(wmClass)), []byte(wmClass))
	pid := binary.LittleEndian.AppendUint32(nil, uint32(os.Getpid()))
	xproto.ChangeProperty(c, xproto.PropModeReplace, win, atom("_NET_WM_PID"), xproto.AtomCardinal, 32, 1, pid)
	xproto.ChangeProperty(c, xproto.PropModeReplace, win, atom("_NET_WM_NAME"), atom("UTF8_STRING"), 8, uint32(len(title)), []byte(title))
	// WM_HINTS input (ICCCM), as toolkits set it, so the window manager focuses it.
	hints := make([]byte, 36)
	binary.LittleEndian.PutUint32(hints[0:], 1) // InputHint
	binary.LittleEndian.PutUint32(hints[4:], 1) // input: true
	xproto.ChangeProperty(c, xproto.PropModeReplace, win, xproto.AtomWmHints, xproto.AtomWmHints, 32, 9, hints)
	if err := xproto.MapWindowChecked(c, win).Check(); err != nil {
		t.Fatal(err)
	}
	active := atom("_NET_ACTIVE_WINDOW")
	deadline := time.Now().Add(30 * time.Second)
	// The window manager may not manage the window yet when asked to activate it: ask
	// again until it is the active one.
	for i := 0; time.Now().Before(deadline); i++ {
		if i%10 == 0 {
			x.xdotool(t, "windowactivate", fmt.Sprint(uint32(win)))
		}
		r, err := xproto.GetProperty(c, false, screen.Root, active, xproto.AtomWindow, 0, 1).Reply()
		if err == nil && len(r.Value) >= 4 && xproto.Window(xgb.Get32(r.Value)) == win {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the window manager did not activate the window within 30 s")
}

func TestX11CountsInputExactly(t *testing.T) {
	x := startX(t)
	openWindow(t, x, "StintProbe", "Quarterly report – draft")
	src, err := open(x.env, true)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	before, err := src.Sample(false)
	if err != nil {
		t.Fatal(err)
	}
	if !before.Counted {
		t.Fatal("input is not counted: RECORD did not start")
	}
	// 7 key presses, 3 clicks (a wheel step is motion, not a click), 4 pointer moves.
	x.xdotool(t, "key", "a", "b", "c", "d", "e", "f", "g")
	x.xdotool(t, "click", "1")
	x.xdotool(t, "click", "3")
	x.xdotool(t, "click", "1")
	x.xdotool(t, "click", "4")
	for i, p := range [][2]int{{10, 10}, {200, 150}, {640, 400}, {900, 700}} {
		x.xdotool(t, "mousemove", fmt.Sprint(p[0]), fmt.Sprint(p[1]))
		_ = i
	}
	want := [3]uint64{7, 3, 5}
	var got [3]uint64
	var after app.ActivitySample
	deadline := time.Now().Add(15 * time.Second)
	for {
		after, err = src.Sample(true)
		if err != nil {
			t.Fatal(err)
		}
		got = [3]uint64{after.Keys - before.Keys, after.Clicks - before.Clicks, after.Moves - before.Moves}
		if got == want || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Late events would show up now.
	time.Sleep(300 * time.Millisecond)
	final, _ := src.Sample(false)
	got = [3]uint64{final.Keys - before.Keys, final.Clicks - before.Clicks, final.Moves - before.Moves}
	if got != want {
		t.Fatalf("keys, clicks, moves = %v, want %v", got, want)
	}
	if after.App != "StintProbe" {
		t.Errorf("app %q, want the window's class StintProbe", after.App)
	}
	if exe := filepath.Base(os.Args[0]); len(exe) > 15 {
		exe = exe[:15] // the kernel keeps 15 bytes of a process name
		if after.Process != exe {
			t.Errorf("process %q, want %q", after.Process, exe)
		}
	} else if after.Process != exe {
		t.Errorf("process %q, want %q", after.Process, exe)
	}
	if after.Title != "Quarterly report – draft" {
		t.Errorf("title %q", after.Title)
	}
	if after.Idle > 5*time.Second {
		t.Errorf("idle %v right after input", after.Idle)
	}
	if t2, _ := src.Sample(false); t2.Title != "" {
		t.Errorf("title read without being asked: %q", t2.Title)
	}
}

func TestX11RefusedWithoutTheCookie(t *testing.T) {
	x := startX(t)
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XAUTHORITY", empty)
	_, err := open(func(k string) string {
		if k == "XAUTHORITY" {
			return empty
		}
		return x.env(k)
	}, true)
	if !errors.Is(err, app.ErrActivityUnavailable) {
		t.Fatalf("open without the cookie: %v", err)
	}
	// The data connection alone says the same.
	d, _ := parseDisplay(x.display)
	if _, err := dialX(d, func(string) string { return empty }); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("raw connection without the cookie: %v", err)
	}
	if _, err := dialX(d, x.env); err != nil {
		t.Fatalf("raw connection with the cookie: %v", err)
	}
}

func TestWaylandIsNotAvailable(t *testing.T) {
	env := map[string]string{"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
	_, err := open(func(k string) string { return env[k] }, true)
	if !errors.Is(err, app.ErrActivityUnavailable) || !strings.Contains(err.Error(), "Wayland") {
		t.Fatalf("open in a Wayland session: %v", err)
	}
	_, err = open(func(string) string { return "" }, true)
	if !errors.Is(err, app.ErrActivityUnavailable) || !strings.Contains(err.Error(), "DISPLAY") {
		t.Fatalf("open without DISPLAY: %v", err)
	}
}

func TestCookieLookup(t *testing.T) {
	var file bytes.Buffer
	file.Write(authorityEntry(familyLocal, "otherhost", "0", "MIT-MAGIC-COOKIE-1", []byte("wrong-host-cooki")))
	file.Write(authorityEntry(familyLocal, "myhost", "1", "MIT-MAGIC-COOKIE-1", []byte("wrong-display-ck")))
	file.Write(authorityEntry(familyLocal, "myhost", "0", "XDM-AUTHORIZATION-1", []byte("other-scheme....")))
	file.Write(authorityEntry(familyLocal, "myhost", "0", "MIT-MAGIC-COOKIE-1", []byte("the-right-cookie")))
	d, err := parseDisplay(":0.0")
	if err != nil {
		t.Fatal(err)
	}
	got, err := cookie(bytes.NewReader(file.Bytes()), d, "myhost")
	if err != nil || string(got) != "the-right-cookie" {
		t.Fatalf("cookie = %q, %v", got, err)
	}
	if got, err := cookie(bytes.NewReader(file.Bytes()[:len(file.Bytes())-3]), d, "myhost"); err == nil {
		t.Fatalf("a truncated file gave %q", got)
	}
	for in, want := range map[string]display{
		":0":                  {network: "unix", address: "/tmp/.X11-unix/X0", number: "0"},
		"unix:12.1":           {network: "unix", address: "/tmp/.X11-unix/X12", number: "12"},
		"localhost:10.0":      {network: "tcp", address: "localhost:6010", host: "localhost", number: "10"},
		"/tmp/launch-x/org:0": {network: "unix", address: "/tmp/launch-x/org:0", number: "0"},
	} {
		if got, err := parseDisplay(in); err != nil || got != want {
			t.Errorf("parseDisplay(%q) = %+v, %v", in, got, err)
		}
	}
	if _, err := parseDisplay("nonsense"); err == nil {
		t.Error("parseDisplay accepted a value without a display number")
	}
}
