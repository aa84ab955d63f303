//go:build linux || freebsd || openbsd || netbsd || dragonfly

package activity

import (
	"errors"
	"fmt"
	"image"

	"github.com/jezek/xgb/randr"
	"github.com/jezek/xgb/xproto"
)

// A screenshot is one image of all monitors: the smallest rectangle of the root window
// holding every monitor RandR reports (GetMonitors, RandR 1.5; else the active CRTCs of
// GetScreenResourcesCurrent; without RandR the whole root window). Monitors side by side
// come out side by side as the user sees them; parts of the rectangle no monitor shows
// (monitors of different heights) are black. One image instead of one per monitor keeps
// one row and one file per moment, and a thumbnail that shows the whole desk.

// stripBytes bounds one GetImage reply: the image is read in strips of rows, so neither
// the X server nor this process holds a second copy of a large desk at once.
const stripBytes = 4 << 20

// CaptureScreen implements app.ScreenCapturer.
func (x *x11) CaptureScreen() (image.Image, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	mons, err := x.monitors()
	if err != nil {
		return nil, err
	}
	return x.capture(mons)
}

// monitors returns the monitors' rectangles on the root window, clipped to it.
func (x *x11) monitors() ([]image.Rectangle, error) {
	setup := xproto.Setup(x.conn)
	screen := setup.DefaultScreen(x.conn)
	root := image.Rect(0, 0, int(screen.WidthInPixels), int(screen.HeightInPixels))
	var out []image.Rectangle
	add := func(px, py int16, w, h uint16) {
		if r := image.Rect(int(px), int(py), int(px)+int(w), int(py)+int(h)).Intersect(root); !r.Empty() {
			out = append(out, r)
		}
	}
	if x.randr == 0 {
		x.randr = -1
		if err := randr.Init(x.conn); err == nil {
			if v, err := randr.QueryVersion(x.conn, 1, 5).Reply(); err == nil {
				x.randr = int(v.MajorVersion)*100 + int(v.MinorVersion)
			}
		}
	}
	switch {
	case x.randr >= 105:
		r, err := randr.GetMonitors(x.conn, x.root, true).Reply()
		if err != nil {
			return nil, fmt.Errorf("list the monitors: %w", err)
		}
		for _, m := range r.Monitors {
			add(m.X, m.Y, m.Width, m.Height)
		}
	case x.randr >= 102:
		r, err := randr.GetScreenResourcesCurrent(x.conn, x.root).Reply()
		if err != nil {
			return nil, fmt.Errorf("list the monitors: %w", err)
		}
		for _, c := range r.Crtcs {
			ci, err := randr.GetCrtcInfo(x.conn, c, r.ConfigTimestamp).Reply()
			if err == nil && ci.Mode != 0 {
				add(ci.X, ci.Y, ci.Width, ci.Height)
			}
		}
	}
	if len(out) == 0 {
		out = []image.Rectangle{root}
	}
	return out, nil
}

// capture reads the rectangle holding mons from the root window.
func (x *x11) capture(mons []image.Rectangle) (*image.RGBA, error) {
	setup := xproto.Setup(x.conn)
	screen := setup.DefaultScreen(x.conn)
	if err := supportedFormat(setup, screen); err != nil {
		return nil, err
	}
	var box image.Rectangle
	for _, m := range mons {
		box = box.Union(m)
	}
	img := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	rows := max(1, stripBytes/(box.Dx()*4))
	for y := box.Min.Y; y < box.Max.Y; y += rows {
		h := min(rows, box.Max.Y-y)
		r, err := xproto.GetImage(x.conn, xproto.ImageFormatZPixmap, xproto.Drawable(x.root),
			int16(box.Min.X), int16(y), uint16(box.Dx()), uint16(h), 0xffffffff).Reply()
		if err != nil {
			return nil, fmt.Errorf("read the screen: %w", err)
		}
		if len(r.Data) < box.Dx()*h*4 {
			return nil, fmt.Errorf("read the screen: %d bytes for %d×%d pixels", len(r.Data), box.Dx(), h)
		}
		// BGRX (LSB first, 0xRRGGBB masks) to RGBA, opaque.
		dst := img.Pix[(y-box.Min.Y)*img.Stride:]
		src := r.Data[:box.Dx()*h*4]
		for i := 0; i < len(src); i += 4 {
			dst[i], dst[i+1], dst[i+2], dst[i+3] = src[i+2], src[i+1], src[i], 255
		}
	}
	// What no monitor shows is black, not whatever the root window holds there.
	area := 0
	for _, m := range mons {
		area += m.Dx() * m.Dy()
	}
	if area == box.Dx()*box.Dy() {
		return img, nil // the monitors tile the rectangle
	}
	for py := box.Min.Y; py < box.Max.Y; py++ {
		for px := box.Min.X; px < box.Max.X; px++ {
			if !onMonitor(mons, px, py) {
				o := img.PixOffset(px-box.Min.X, py-box.Min.Y)
				img.Pix[o], img.Pix[o+1], img.Pix[o+2] = 0, 0, 0
			}
		}
	}
	return img, nil
}

func onMonitor(mons []image.Rectangle, x, y int) bool {
	p := image.Pt(x, y)
	for _, m := range mons {
		if p.In(m) {
			return true
		}
	}
	return false
}

// supportedFormat checks that the root window's pixels come as 32-bit little-endian
// 0xRRGGBB words, what every X server on a true-colour display sends; another layout is
// refused rather than shown in wrong colours.
func supportedFormat(setup *xproto.SetupInfo, screen *xproto.ScreenInfo) error {
	if setup.ImageByteOrder != xproto.ImageOrderLSBFirst {
		return errors.New("screenshots: the X server sends pixels most significant byte first, which is not supported")
	}
	bpp := 0
	for _, f := range setup.PixmapFormats {
		if f.Depth == screen.RootDepth {
			bpp = int(f.BitsPerPixel)
		}
	}
	if bpp != 32 || (screen.RootDepth != 24 && screen.RootDepth != 32) {
		return fmt.Errorf("screenshots: a screen of depth %d at %d bits per pixel is not supported", screen.RootDepth, bpp)
	}
	for _, d := range screen.AllowedDepths {
		for _, v := range d.Visuals {
			if v.VisualId == screen.RootVisual && (v.RedMask != 0xff0000 || v.GreenMask != 0xff00 || v.BlueMask != 0xff) {
				return errors.New("screenshots: the screen's colour layout is not supported")
			}
		}
	}
	return nil
}
