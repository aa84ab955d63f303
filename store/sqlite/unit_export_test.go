package sqlite

import "time"

// SetUnitDeadlineForTest shortens how long the writer serves one unit of work.
func SetUnitDeadlineForTest(s *Store, d time.Duration) { s.unitDeadline = d }

// SetCommitHookForTest has the writer call f before each batch commit; an error from f fails
// the commit as the database's own would. Set it before the store is written to.
func SetCommitHookForTest(s *Store, f func() error) { s.commitHook = f }

// QueuedForTest returns how many requests wait for the writer.
func QueuedForTest(s *Store) int { return len(s.queue) }

// ErrUnitExpired is what a unit's calls return once its deadline has rolled it back.
var ErrUnitExpired = errUnitExpired
