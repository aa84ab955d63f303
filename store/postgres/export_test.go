package postgres

import "time"

// SetUnitDeadlineForTest shortens how long a unit of work may hold its transaction.
func SetUnitDeadlineForTest(s *Store, d time.Duration) { s.unitDeadline = d }
