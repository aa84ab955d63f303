package app

import (
	"context"
	"errors"

	"github.com/google/uuid"
)

// recentScanLimit bounds how many of the actor's latest entries RecentProjects looks at.
const recentScanLimit = 1000

// RecentProjects returns up to n live, unarchived projects the actor tracked time on most
// recently, most recent first: what a tray menu offers to switch to.
func (s *Service) RecentProjects(ctx context.Context, a Actor, n int) ([]Project, error) {
	out := []Project{}
	if n <= 0 {
		return out, nil
	}
	seen := map[uuid.UUID]bool{}
	eq := EntryQuery{ListParams: ListParams{Limit: 200}, UserID: &a.UserID}
	for scanned := 0; scanned < recentScanLimit; {
		page, err := s.TimeEntries(ctx, a, eq)
		if err != nil {
			return nil, err
		}
		var ids []uuid.UUID
		for _, e := range page.Items {
			if e.ProjectID != nil && !seen[*e.ProjectID] {
				seen[*e.ProjectID] = true
				ids = append(ids, *e.ProjectID)
			}
		}
		err = s.store.Read(ctx, func(tx Tx) error {
			for _, id := range ids {
				if len(out) == n {
					return nil
				}
				p, err := tx.Projects().Get(ctx, a.Scope(), id)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if !p.Archived {
					out = append(out, p)
				}
			}
			return nil
		})
		if err != nil || len(out) == n || page.NextCursor == "" {
			return out, err
		}
		scanned += len(page.Items)
		eq.Cursor = page.NextCursor
	}
	return out, nil
}
