//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !headless

package ui

import (
	"fmt"
	"io"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/screensaver"
	"github.com/jezek/xgb/xproto"
)

// x11Idle reads the idle time from the X server's MIT-SCREEN-SAVER extension, the counter
// screen savers use. Under Wayland it sees only input to X clients (XWayland).
type x11Idle struct {
	conn *xgb.Conn
	root xproto.Drawable
}

func newIdleSource() (idleSource, error) {
	// xgb logs its fallback to a connection without an Xauthority file, which is normal on
	// many desktops; keep that out of the app's log.
	out := xgb.Logger.Writer()
	xgb.Logger.SetOutput(io.Discard)
	c, err := xgb.NewConn()
	xgb.Logger.SetOutput(out)
	if err != nil {
		return nil, fmt.Errorf("connect to X: %w", err)
	}
	if err := screensaver.Init(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("X11 screen saver extension: %w", err)
	}
	return &x11Idle{conn: c, root: xproto.Drawable(xproto.Setup(c).DefaultScreen(c).Root)}, nil
}

func (x *x11Idle) Idle() (time.Duration, error) {
	r, err := screensaver.QueryInfo(x.conn, x.root).Reply()
	if err != nil {
		return 0, err
	}
	return time.Duration(r.MsSinceUserInput) * time.Millisecond, nil
}

func (x *x11Idle) Close() { x.conn.Close() }
