//go:build linux

package activity

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/randr"
	"github.com/jezek/xgb/xproto"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// twoMonitors splits x's 2560×800 screen into two RandR monitors of 1280×800 side by
// side: LEFT takes the screen's output (replacing the automatic monitor that covers it
// all), RIGHT is a monitor of its own, as with `xrandr --setmonitor` (whose Debian build
// 1.5.1 sends nothing the server keeps under Xvfb, so the test speaks RandR itself). It
// also puts a blue block on the left monitor and a red one on the right, in windows the
// window manager leaves where they are.
func twoMonitors(t testing.TB, x xserver) {
	t.Helper()
	t.Setenv("XAUTHORITY", x.authority)
	c, err := xgb.NewConnDisplay(x.display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := randr.Init(c); err != nil {
		t.Fatal(err)
	}
	screen := xproto.Setup(c).DefaultScreen(c)
	res, err := randr.GetScreenResourcesCurrent(c, screen.Root).Reply()
	if err != nil || len(res.Outputs) == 0 {
		t.Fatalf("screen resources: %v", err)
	}
	for _, m := range []struct {
		name    string
		x       int16
		outputs []randr.Output
	}{{"LEFT", 0, res.Outputs[:1]}, {"RIGHT", 1280, nil}} {
		a, err := xproto.InternAtom(c, false, uint16(len(m.name)), m.name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		info := randr.MonitorInfo{Name: a.Atom, X: m.x, Width: 1280, Height: 800, WidthInMillimeters: 338, HeightInMillimeters: 211,
			NOutput: uint16(len(m.outputs)), Outputs: m.outputs}
		if err := randr.SetMonitorChecked(c, screen.Root, info).Check(); err != nil {
			t.Fatalf("set monitor %s: %v", m.name, err)
		}
	}
	for _, b := range []struct {
		x     int16
		pixel uint32
	}{{200, 0x0000ff}, {1500, 0xff0000}} {
		win, err := xproto.NewWindowId(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := xproto.CreateWindowChecked(c, screen.RootDepth, win, screen.Root, b.x, 500, 200, 200, 0,
			xproto.WindowClassInputOutput, screen.RootVisual, xproto.CwBackPixel|xproto.CwOverrideRedirect, []uint32{b.pixel, 1}).Check(); err != nil {
			t.Fatal(err)
		}
		if err := xproto.MapWindowChecked(c, win).Check(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCaptureCoversBothMonitors(t *testing.T) {
	x := startXScreen(t, "2560x800x24")
	twoMonitors(t, x)
	src, err := open(x.env, false)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	mons, err := src.(*x11).monitors()
	if err != nil {
		t.Fatal(err)
	}
	want := []image.Rectangle{image.Rect(0, 0, 1280, 800), image.Rect(1280, 0, 2560, 800)}
	if len(mons) != 2 || !(mons[0] == want[0] && mons[1] == want[1] || mons[0] == want[1] && mons[1] == want[0]) {
		t.Fatalf("monitors %v, want %v", mons, want)
	}
	img, err := src.(app.ScreenCapturer).CaptureScreen()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2560 || b.Dy() != 800 {
		t.Fatalf("screenshot of %v, want 2560×800", b)
	}
	for _, p := range []struct {
		x, y int
		want color.RGBA
	}{{300, 600, color.RGBA{0, 0, 255, 255}}, {1600, 600, color.RGBA{255, 0, 0, 255}}} {
		if got := color.RGBAModel.Convert(img.At(p.x, p.y)).(color.RGBA); got != p.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", p.x, p.y, got, p.want)
		}
	}
	// Monitors that leave part of the rectangle uncovered: that part is black.
	part, err := src.(*x11).capture([]image.Rectangle{image.Rect(0, 0, 1280, 800), image.Rect(1280, 0, 2560, 400)})
	if err != nil {
		t.Fatal(err)
	}
	if got := part.RGBAAt(1600, 600); got != (color.RGBA{0, 0, 0, 255}) {
		t.Errorf("a pixel no monitor shows is %v, want black", got)
	}
	if got := part.RGBAAt(300, 600); got != (color.RGBA{0, 0, 255, 255}) {
		t.Errorf("a pixel of the left monitor is %v", got)
	}
}

// TestTrackerUnderXvfbWithTwoMonitors is the activity timer end to end on a real X server
// with two monitors: the input xdotool generates is what the slot counts, the window in
// front is its application, and the organization's screenshot covers both monitors.
func TestTrackerUnderXvfbWithTwoMonitors(t *testing.T) {
	x := startXScreen(t, "2560x800x24")
	twoMonitors(t, x)
	openWindow(t, x, "StintProbe", "Budget 2027 — draft")
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{NodeID: "test", ScreenshotDir: filepath.Join(dir, "stint-screenshots")})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.Organization(ctx, a, a.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	on, titles, one := true, true, 1
	if _, err := svc.UpdateOrganization(ctx, a, a.OrgID, app.OrganizationPatch{Activity: app.ActivitySettingsPatch{
		Screenshots: &on, ScreenshotMinutes: &one, WindowTitles: &titles}}, o.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartTimer(ctx, a, app.TimerStart{Description: "probe"}); err != nil {
		t.Fatal(err)
	}
	tr := app.NewActivityTracker(svc, func() (app.ActivitySource, error) { return open(x.env, true) }, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	defer tr.Close(ctx)
	tr.Tick(ctx, &a) // opens the source (counting starts here) and takes the first screenshot
	if err := tr.Err(); err != nil {
		t.Fatal(err)
	}
	if on, last, err := tr.Screenshots(); !on || last.IsZero() || err != nil {
		t.Fatalf("screenshots: on %v, last %v, %v", on, last, err)
	}
	x.xdotool(t, "key", "s", "t", "i", "n", "t", "space", "1", "2", "3")
	x.xdotool(t, "click", "1")
	x.xdotool(t, "click", "1")
	x.xdotool(t, "click", "1")
	for _, p := range [][2]int{{300, 300}, {310, 320}, {1900, 500}, {2400, 100}} {
		x.xdotool(t, "mousemove", strconv.Itoa(p[0]), strconv.Itoa(p[1]))
	}
	time.Sleep(1200 * time.Millisecond)
	tr.Tick(ctx, &a)
	if _, err := svc.StopTimer(ctx, a); err != nil {
		t.Fatal(err)
	}
	tr.Tick(ctx, &a)

	today := time.Now().UTC().Format(app.DateLayout)
	slots, err := svc.Activity(ctx, a, app.ActivityQuery{From: today, To: today, Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	var keys, clicks, moves uint64
	apps := map[string]string{}
	for _, s := range slots {
		keys, clicks, moves = keys+s.Keys, clicks+s.Clicks, moves+s.Moves
		for _, u := range s.Apps {
			apps[u.Name] = u.Title
		}
	}
	if keys != 9 || clicks != 3 || moves != 4 {
		t.Errorf("stored keys %d, clicks %d, moves %d; want 9, 3, 4 (%d slots)", keys, clicks, moves, len(slots))
	}
	if title, ok := apps["StintProbe"]; !ok || title != "Budget 2027 — draft" {
		t.Errorf("applications %v, want StintProbe with its title", apps)
	}
	shots, err := svc.ListScreenshots(ctx, a, app.ActivityQuery{From: today, To: today, Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if len(shots) != 1 || shots[0].Width != 2560 || shots[0].Height != 800 {
		t.Fatalf("screenshots %+v, want one of 2560×800", shots)
	}
	b, err := svc.ScreenshotImage(ctx, a, shots[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 2560 || img.Bounds().Dy() != 800 {
		t.Fatalf("stored image %v", img.Bounds())
	}
	// JPEG keeps colours near enough: blue on the left monitor, red on the right.
	near := func(c color.Color, r, g, b uint8) bool {
		cr, cg, cb, _ := c.RGBA()
		d := func(v uint32, w uint8) bool { return int(v>>8)-int(w) < 40 && int(w)-int(v>>8) < 40 }
		return d(cr, r) && d(cg, g) && d(cb, b)
	}
	if !near(img.At(300, 600), 0, 0, 255) || !near(img.At(1600, 600), 255, 0, 0) {
		t.Errorf("stored image: left block %v, right block %v", img.At(300, 600), img.At(1600, 600))
	}
}
