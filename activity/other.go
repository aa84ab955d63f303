//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package activity

import (
	"runtime"

	"github.com/stinthq/stint/app"
)

func open(func(string) string, bool) (app.ActivitySource, error) {
	return nil, unavailable("activity tracking is not available on %s yet", runtime.GOOS)
}
