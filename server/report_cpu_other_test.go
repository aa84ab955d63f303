//go:build !unix

package server

import "time"

// processCPU is 0 where getrusage is missing: the report bench then shows no CPU figures.
func processCPU() time.Duration { return 0 }
