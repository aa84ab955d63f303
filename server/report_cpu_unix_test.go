//go:build unix

package server

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used so far, user and system: a figure that a
// busy machine stretches far less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
