package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Suggestion is an earlier entry's description with what it was tracked on, offered while
// typing a new description: picking it fills the project, task and tags too.
type Suggestion struct {
	Description string
	ProjectID   *uuid.UUID
	TaskID      *uuid.UUID
	TagIDs      []uuid.UUID
	Billable    bool
}

// DescriptionSuggestions returns up to n of the actor's earlier entries whose description
// contains every word of text (case-insensitive), most recent first, one per description
// (its latest use). Projects since deleted or archived, and tasks and tags since deleted or
// archived, are left out of the suggestion (the description is still offered).
func (s *Service) DescriptionSuggestions(ctx context.Context, a Actor, text string, n int) ([]Suggestion, error) {
	out := []Suggestion{}
	words := strings.Fields(strings.ToLower(text))
	if n <= 0 || len(words) == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	var picked []TimeEntry
	eq := EntryQuery{ListParams: ListParams{Limit: 200}, UserID: &a.UserID}
	for scanned := 0; scanned < recentScanLimit && len(picked) < n; {
		page, err := s.TimeEntries(ctx, a, eq)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Items {
			key := strings.ToLower(e.Description)
			if e.Description == "" || seen[key] || !matchesAll(e.Description, words) {
				continue
			}
			seen[key] = true
			picked = append(picked, e)
			if len(picked) == n {
				break
			}
		}
		if page.NextCursor == "" {
			break
		}
		scanned += len(page.Items)
		eq.Cursor = page.NextCursor
	}
	err := s.store.Read(ctx, func(tx Tx) error {
		for _, e := range picked {
			sg := Suggestion{Description: e.Description, Billable: e.Billable, TagIDs: []uuid.UUID{}}
			if e.ProjectID != nil {
				p, err := tx.Projects().Get(ctx, a.Scope(), *e.ProjectID)
				if err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				if err == nil && !p.Archived {
					sg.ProjectID = e.ProjectID
				}
			}
			if e.TaskID != nil && sg.ProjectID != nil {
				t, err := tx.Tasks().Get(ctx, a.Scope(), *e.TaskID)
				if err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				if err == nil && !t.Archived {
					sg.TaskID = e.TaskID
				}
			}
			for _, id := range e.TagIDs {
				t, err := tx.Tags().Get(ctx, a.Scope(), id)
				if err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				if err == nil && !t.Archived && !slices.Contains(sg.TagIDs, id) {
					sg.TagIDs = append(sg.TagIDs, id)
				}
			}
			out = append(out, sg)
		}
		return nil
	})
	return out, err
}
