package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// ReportDim is a dimension a summary report groups time by: an entry's project, its
// project's client, its task, each of its tags, or its user. Periods (day, week, month) are
// not dimensions of the store: the service cuts them in the user's zone and hands the store
// their instants.
type ReportDim string

// Report dimensions.
const (
	DimProject ReportDim = "project"
	DimClient  ReportDim = "client"
	DimTask    ReportDim = "task"
	DimTag     ReportDim = "tag"
	DimUser    ReportDim = "user"
)

// Period is one span a summary sums over, [Start, End). A report's periods are contiguous
// and in order.
type Period struct{ Start, End time.Time }

// ReportFilter selects the entries a report counts: the organization's live entries that
// overlap [From, To) and match every filter that is set. Running entries end at Now.
// Rates are the organization's live rates, which price billable time (RateTiers, PriceRate):
// none, and every amount is 0.
type ReportFilter struct {
	From, To  time.Time
	Now       time.Time
	UserID    *uuid.UUID
	ProjectID *uuid.UUID
	ClientID  *uuid.UUID
	TaskID    *uuid.UUID
	TagID     *uuid.UUID
	Billable  *bool
	Rates     []Rate
	// RatesVersion, when set, is the version Rates were read at (kept from an earlier
	// read): a summary then checks, in the statement that sums, that its snapshot's rates
	// are at that version, and fails with ErrRatesChanged when they are not.
	RatesVersion *RatesVersion
}

// ErrRatesChanged: the rates a summary was given are not those of its snapshot
// (ReportFilter.RatesVersion). The service reads them again; it never leaves the service.
var ErrRatesChanged = errors.New("rates changed since they were kept")

// ReportKey is one dimension's value in a summary cell: an id (nil: no project, no tag…) and
// its name, deleted rows' names included.
type ReportKey struct {
	ID   *uuid.UUID
	Name string
}

// ReportCell is the time the entries of one group tracked within one period, in
// microseconds: each entry counts max(0, min(end, period end) - max(start, period start)).
// Keys holds a value per dimension asked for, in order. An entry with several tags counts
// once in each of its tags' groups. Amount is the billable amount of that time in minor
// units: each entry's part in the period priced at the rate in effect when the entry started
// (Amount of that part's span), non-billable parts 0.
type ReportCell struct {
	Period int
	Keys   []ReportKey
	Micros int64
	Amount int64
}

// ReportEntry is an entry of a detailed report, with the names of what it refers to.
// TagNames lines up with TagIDs; a deleted tag keeps its name. HourlyMinor is the rate in
// effect when a billable entry started (0: not billable, or no rate) and Amount what its
// time inside the filter's range costs at it.
type ReportEntry struct {
	TimeEntry
	HourlyMinor int64
	Amount      int64
	UserName    string
	ProjectName string
	ClientID    *uuid.UUID
	ClientName  string
	TaskName    string
	TagNames    []string
}

// Reports aggregates tracked time inside the store, never by handing every entry to Go.
type Reports interface {
	// Summary sums, per period and per combination of the dims' values (at most two), the
	// time of the entries f selects; cells with no time are left out. Order is unspecified.
	Summary(ctx context.Context, s Scope, f ReportFilter, dims []ReportDim, periods []Period) ([]ReportCell, error)
	// Detailed lists the entries f selects newest first (started_at, then id, descending),
	// up to p.Limit rows after p.After.
	Detailed(ctx context.Context, s Scope, f ReportFilter, p PageRequest) ([]ReportEntry, error)
}
