package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// SchemaVersion returns the newest migration applied to the database and the newest this
// binary carries, for the readiness report. The two differ only while another process
// (a newer or older stint) shares the file.
func (s *Store) SchemaVersion(ctx context.Context) (current, known int, err error) {
	if err := s.reader.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", mapErr(err))
	}
	names, err := migrationNames()
	if err != nil {
		return 0, 0, err
	}
	if len(names) > 0 {
		base := filepath.Base(names[len(names)-1])
		if known, err = strconv.Atoi(strings.SplitN(base, "_", 2)[0]); err != nil {
			return 0, 0, fmt.Errorf("migration %s: name must start with a number", base)
		}
	}
	return current, known, nil
}
