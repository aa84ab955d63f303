//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !headless

package ui

import (
	"fmt"
	"io"
	"os"

	"github.com/jezek/xgb"
)

// CheckDisplay tells, before any window code runs, whether a window can open: Fyne's GLFW
// driver panics with a stack trace when the display is missing or refuses us.
func CheckDisplay() error {
	if os.Getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	display := os.Getenv("DISPLAY")
	if display == "" {
		return fmt.Errorf("no display (DISPLAY is not set)")
	}
	out := xgb.Logger.Writer()
	xgb.Logger.SetOutput(io.Discard)
	c, err := xgb.NewConnDisplay(display)
	xgb.Logger.SetOutput(out)
	if err != nil {
		return fmt.Errorf("cannot open the display %s: %w", display, err)
	}
	c.Close()
	return nil
}
