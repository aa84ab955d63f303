package activity

import (
	"fmt"
	"os"
	"strings"

	"github.com/stinthq/stint/app"
)

// unavailable wraps app.ErrActivityUnavailable with the reason.
func unavailable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", app.ErrActivityUnavailable, fmt.Sprintf(format, args...))
}

// wayland reports whether the session is a Wayland one, where an X client sees only the
// input other X clients receive (XWayland) and no global input at all.
func wayland(getenv func(string) string) bool {
	return strings.EqualFold(getenv("XDG_SESSION_TYPE"), "wayland") ||
		(getenv("WAYLAND_DISPLAY") != "" && getenv("XDG_SESSION_TYPE") != "x11")
}

// Open connects to the session's activity source, with input counts.
func Open() (app.ActivitySource, error) {
	return open(os.Getenv, true)
}

// OpenIdle connects to the session's activity source without counting input: the idle
// time and the active window only, for a caller that needs no counts (the desktop's idle
// question while no timer runs). The X server then sends it no input events at all.
func OpenIdle() (app.ActivitySource, error) {
	return open(os.Getenv, false)
}
