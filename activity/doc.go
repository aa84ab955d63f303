// Package activity measures what the user does while a timer runs, for the activity
// timer: the time since the last input, counts of key presses, clicks and pointer
// motions, and the application in front. It implements app.ActivitySource.
//
// On Linux and the BSDs it speaks the X11 protocol in pure Go (no cgo): the idle time
// from the MIT-SCREEN-SAVER extension, input counts from the RECORD extension on a data
// connection of its own, and the active window from EWMH (_NET_ACTIVE_WINDOW, WM_CLASS,
// _NET_WM_PID). Under Wayland, without an X server, and on other systems Open fails
// with an error wrapping app.ErrActivityUnavailable that says why; nothing is invented.
//
// It holds no widgets and no business rules: folding seconds into slots is app's.
package activity
