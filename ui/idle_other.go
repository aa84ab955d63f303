//go:build !(linux || freebsd || openbsd || netbsd || dragonfly) && !headless

package ui

import "errors"

// newIdleSource: idle detection is implemented for X11 only so far.
func newIdleSource() (idleSource, error) {
	return nil, errors.New("idle detection is not implemented on this platform yet")
}
