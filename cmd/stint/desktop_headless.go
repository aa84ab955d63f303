//go:build headless

package main

import (
	"context"
	"errors"
)

// errNoDesktop is what a headless build says when asked for the desktop app.
var errNoDesktop = errors.New("this build has no desktop UI (it was built with -tags headless); use 'stint serve' for the API, or the timer, entries and projects commands")

// desktop is not available in a headless build.
func (c *cli) desktop(context.Context, []string) error { return errNoDesktop }
