package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// DetailedQuery asks for the entries behind a report: those overlapping the days From..To
// (YYYY-MM-DD, inclusive, in Timezone, default the user's zone by PickZone) that match the
// filters, newest first, a page at a time.
type DetailedQuery struct {
	ListParams
	From, To  string
	Timezone  string
	UserID    *uuid.UUID
	ProjectID *uuid.UUID
	ClientID  *uuid.UUID
	TaskID    *uuid.UUID
	TagID     *uuid.UUID
	Billable  *bool
}

// NamedRef is a referenced row's id and name.
type NamedRef struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// DetailedEntry is one entry of a detailed report with the names of what it refers to.
// Seconds is its time inside the report's range (a running entry's up to AsOf), whole
// seconds rounded down.
type DetailedEntry struct {
	ID          uuid.UUID  `json:"id"`
	UserID      uuid.UUID  `json:"user_id"`
	UserName    string     `json:"user_name"`
	ProjectID   *uuid.UUID `json:"project_id"`
	ProjectName string     `json:"project_name"`
	ClientID    *uuid.UUID `json:"client_id"`
	ClientName  string     `json:"client_name"`
	TaskID      *uuid.UUID `json:"task_id"`
	TaskName    string     `json:"task_name"`
	Tags        []NamedRef `json:"tags" nullable:"false"`
	Description string     `json:"description"`
	StartedAt   time.Time  `json:"started_at"`
	StoppedAt   *time.Time `json:"stopped_at"`
	Timezone    string     `json:"timezone"`
	Billable    bool       `json:"billable"`
	Seconds     int64      `json:"seconds" doc:"Time inside the report's range; a running entry's up to as_of."`
	Rate        Money      `json:"rate" doc:"Hourly rate in effect when a billable entry started (0: not billable or no rate)."`
	Amount      Money      `json:"amount" doc:"What the entry's time inside the range costs at its rate."`
}

// Detailed is one page of a detailed report.
type Detailed struct {
	From       string          `json:"from"`
	To         string          `json:"to"`
	Timezone   string          `json:"timezone"`
	AsOf       time.Time       `json:"as_of" doc:"Running entries are counted up to this instant."`
	Items      []DetailedEntry `json:"items" nullable:"false"`
	NextCursor string          `json:"next_cursor" doc:"Pass as cursor to get the next page; empty on the last page."`
}

// DetailedReport lists the entries a report counts, with names, newest first. Members see
// their own entries, managers and above everyone's.
func (s *Service) DetailedReport(ctx context.Context, a Actor, q DetailedQuery) (Detailed, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return Detailed{}, err
	}
	pr, err := q.request()
	if err != nil {
		return Detailed{}, err
	}
	_, tz, f, err := s.reportFilter(ctx, a, q.From, q.To, q.Timezone, q.UserID, q.ProjectID, q.ClientID, q.TaskID, q.TagID, q.Billable)
	if err != nil {
		return Detailed{}, err
	}
	var rows []ReportEntry
	if err := s.readPriced(ctx, a, &f, false, false, func(tx Tx) error {
		var err error
		rows, err = tx.Reports().Detailed(ctx, a.Scope(), f, PageRequest{Limit: pr.Limit + 1, After: pr.After})
		return err
	}); err != nil {
		return Detailed{}, fmt.Errorf("detailed report: %w", err)
	}
	page := paginate(rows, pr.Limit, func(e ReportEntry) Cursor { return Cursor{Time: e.StartedAt, ID: e.ID} })
	out := Detailed{From: q.From, To: q.To, Timezone: tz, AsOf: f.Now, Items: make([]DetailedEntry, 0, len(page.Items)), NextCursor: page.NextCursor}
	for _, e := range page.Items {
		out.Items = append(out.Items, detailedEntry(e, f.From, f.To, f.Now, ratesCurrency(f.Rates)))
	}
	return out, nil
}

// detailedEntry is e as a detailed report shows it, its time clipped to [from, to).
func detailedEntry(e ReportEntry, from, to, now time.Time, currency string) DetailedEntry {
	end := now
	if e.StoppedAt != nil {
		end = *e.StoppedAt
	}
	var secs int64
	if span := minTime(end, to).Sub(maxTime(e.StartedAt, from)); span > 0 {
		secs = int64(span / time.Second)
	}
	d := DetailedEntry{ID: e.ID, UserID: e.UserID, UserName: e.UserName, ProjectID: e.ProjectID, ProjectName: e.ProjectName,
		ClientID: e.ClientID, ClientName: e.ClientName, TaskID: e.TaskID, TaskName: e.TaskName, Tags: make([]NamedRef, 0, len(e.TagIDs)),
		Description: e.Description, StartedAt: e.StartedAt, StoppedAt: e.StoppedAt, Timezone: e.Timezone, Billable: e.Billable, Seconds: secs,
		Rate: Money{Minor: e.HourlyMinor, Currency: currency}, Amount: Money{Minor: e.Amount, Currency: currency}}
	for i, id := range e.TagIDs {
		ref := NamedRef{ID: id}
		if i < len(e.TagNames) {
			ref.Name = e.TagNames[i]
		}
		d.Tags = append(d.Tags, ref)
	}
	return d
}
