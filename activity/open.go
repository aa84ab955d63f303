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

// Open connects to the session's activity source.
func Open() (app.ActivitySource, error) {
	return open(os.Getenv)
}
