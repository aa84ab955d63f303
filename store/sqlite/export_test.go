package sqlite

import "database/sql"

// RawForTest exposes the writer pool to tests that must bypass the store's API.
func RawForTest(s *Store) *sql.DB { return s.writer }
