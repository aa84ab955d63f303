package app

import (
	"errors"
	"time"
)

// ErrActivityUnavailable: this platform or session offers no way to measure activity (a
// Wayland session, no X server, an operating system without a source yet). The message of
// an error wrapping it says which; nothing is ever invented in its place.
var ErrActivityUnavailable = errors.New("activity tracking is not available")

// ActivitySample is what an activity source reports when asked: how long since the last
// input, the input counters since the source opened, and the application in front.
type ActivitySample struct {
	// Idle is the time since the last keyboard or mouse input.
	Idle time.Duration
	// Counted says whether Keys, Clicks and Moves are real counts. A source that can only
	// tell the idle time leaves it false, and a second counts as active when Idle is under
	// a second.
	Counted bool
	// Keys, Clicks and Moves count key presses, button presses (wheel steps excluded) and
	// pointer motions plus wheel steps since the source opened. They only grow.
	Keys, Clicks, Moves uint64
	// App is the application of the active window (its class, else its process name);
	// Process is the process name when known. Both are empty when no window is active.
	App, Process string
	// Title is the active window's title, read only when the caller asks for titles.
	Title string
}

// ActivitySource is a platform's source of activity (package activity: X11 in pure Go).
// Sample is cheap enough to call once a second.
type ActivitySource interface {
	Sample(titles bool) (ActivitySample, error)
	Close() error
}
