// Package assets holds the files Stint embeds in its executable: the app icon, and later the
// tray icons. It has no logic. icon.png is drawn by gen/icon.go (go run assets/gen/icon.go).
package assets

import _ "embed"

// Icon is the 256x256 PNG app icon: a stopwatch on a rounded blue square.
//
//go:embed icon.png
var Icon []byte
