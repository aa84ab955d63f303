//go:build !linux && !headless

package ui

// releaseCode reclaims the executable's resident code on Linux only (memory_linux.go).
func releaseCode() (int64, error) { return 0, nil }

// releaseCodeChecked reports nothing to release off Linux.
func releaseCodeChecked() (before, advised, after int64, err error) { return 0, 0, 0, nil }
