package app

import (
	"context"
	"slices"

	"github.com/google/uuid"
)

// ContinueEntry starts the timer again on what an earlier entry was about: the same
// project, task, description, tags and billability. Like any start, it stops a running
// entry first. The new entry is recorded in the actor's own time zone.
func (s *Service) ContinueEntry(ctx context.Context, a Actor, id uuid.UUID) (TimeEntry, error) {
	e, err := s.TimeEntry(ctx, a, id)
	if err != nil {
		return TimeEntry{}, err
	}
	return s.StartTimer(ctx, a, TimerStart{
		ProjectID:   e.ProjectID,
		TaskID:      e.TaskID,
		Description: e.Description,
		TagIDs:      slices.Clone(e.TagIDs),
		Billable:    &e.Billable,
	})
}
