package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// TrackedByProject totals, for each project, the time of every entry the actor may read, all
// time; running entries count up to now. uuid.Nil holds the time on no project. The catalog
// lists show it next to each project and client.
func (s *Service) TrackedByProject(ctx context.Context, a Actor) (map[uuid.UUID]int64, error) {
	out := map[uuid.UUID]int64{}
	now := s.Now()
	q := EntryQuery{ListParams: ListParams{Limit: MaxPageLimit}}
	for {
		page, err := s.TimeEntries(ctx, a, q)
		if err != nil {
			return nil, fmt.Errorf("tracked time by project: %w", err)
		}
		for _, e := range page.Items {
			key := uuid.Nil
			if e.ProjectID != nil {
				key = *e.ProjectID
			}
			out[key] += int64(e.Duration(now).Seconds())
		}
		if page.NextCursor == "" {
			return out, nil
		}
		q.Cursor = page.NextCursor
	}
}
