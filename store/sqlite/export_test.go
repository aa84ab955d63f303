package sqlite

import "database/sql"

// RawForTest exposes the writer pool to tests that must bypass the store's API.
func RawForTest(s *Store) *sql.DB { return s.writer }

// ReaderForTest exposes the read-only pool.
func ReaderForTest(s *Store) *sql.DB { return s.reader }
