package app

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// overlapLookback is how far before a span's start Overlaps looks for entries that began
// earlier and still run into it: longer than any manual entry (MaxEntryDuration), as long as
// the summaries look back. The running entry is checked whatever its start.
const overlapLookback = summaryLookback

// Overlap reports whether the spans [aStart, aStop) and [bStart, bStop) share time; a nil stop
// is a running entry, open until now. Spans that only touch (one ends as the other starts) do
// not overlap, so back-to-back entries are fine.
func Overlap(aStart time.Time, aStop *time.Time, bStart time.Time, bStop *time.Time, now time.Time) bool {
	ae, be := now, now
	if aStop != nil {
		ae = *aStop
	}
	if bStop != nil {
		be = *bStop
	}
	return aStart.Before(be) && bStart.Before(ae)
}

// Overlaps lists the actor's own entries that share time with start–stop (stop nil: running,
// until now), newest first, leaving out the entry except (the one being edited; nil for a new
// entry). Overlapping entries are allowed; front ends use this to warn before saving.
func (s *Service) Overlaps(ctx context.Context, a Actor, start time.Time, stop *time.Time, except *uuid.UUID) ([]TimeEntry, error) {
	now := s.Now()
	end := now
	if stop != nil {
		end = *stop
	}
	from := start.Add(-overlapLookback)
	q := EntryQuery{ListParams: ListParams{Limit: MaxPageLimit}, From: &from, To: &end, UserID: &a.UserID}
	var out []TimeEntry
	seen := map[uuid.UUID]bool{}
	keep := func(e TimeEntry) {
		if seen[e.ID] || (except != nil && e.ID == *except) || !Overlap(start, stop, e.StartedAt, e.StoppedAt, now) {
			return
		}
		seen[e.ID] = true
		out = append(out, e)
	}
	for {
		page, err := s.TimeEntries(ctx, a, q)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Items {
			keep(e)
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	running, err := s.RunningEntry(ctx, a)
	if err != nil {
		return nil, err
	}
	if running != nil {
		keep(*running)
	}
	return out, nil
}
