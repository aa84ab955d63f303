package assets

import _ "embed"

// TrayRunning is the 64x64 PNG tray icon while a timer runs: the blue stopwatch with a red
// recording dot. Drawn by gen/tray.go.
//
//go:embed tray-running.png
var TrayRunning []byte

// TrayStopped is the 64x64 PNG tray icon while no timer runs: the stopwatch in grey.
//
//go:embed tray-stopped.png
var TrayStopped []byte
