//go:build !(linux || freebsd || openbsd || netbsd || dragonfly) && !headless

package ui

// CheckDisplay: on macOS and Windows a desktop session always has a display.
func CheckDisplay() error { return nil }
