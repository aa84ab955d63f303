package sqlite

import "time"

// SetUnitDeadlineForTest shortens how long the writer serves one unit of work.
func SetUnitDeadlineForTest(s *Store, d time.Duration) { s.unitDeadline = d }
