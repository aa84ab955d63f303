package app

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// DateLayout is how calendar days are written: 2006-01-02.
const DateLayout = "2006-01-02"

// DayShare is the part of an entry that falls on one calendar day.
type DayShare struct {
	Date    string        `json:"date"`
	Seconds int64         `json:"seconds"`
	Span    time.Duration `json:"-"`
}

// SplitByDay cuts an entry at local midnights in loc. Days are calendar days, so a DST change
// makes one 23 or 25 hours long, and an entry crossing midnight counts on both days. A running
// entry is measured up to now.
func SplitByDay(e TimeEntry, loc *time.Location, now time.Time) []DayShare {
	start := e.StartedAt.In(loc)
	end := now.In(loc)
	if e.StoppedAt != nil {
		end = e.StoppedAt.In(loc)
	}
	var out []DayShare
	for start.Before(end) {
		y, m, d := start.Date()
		next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		if !next.After(start) { // guard against zones whose midnight is skipped
			next = start.Add(time.Hour)
		}
		cut := end
		if next.Before(end) {
			cut = next
		}
		span := cut.Sub(start)
		out = append(out, DayShare{Date: start.Format(DateLayout), Seconds: int64(span / time.Second), Span: span})
		start = cut
	}
	return out
}

// DayBounds returns the instants at which a calendar day starts and the next one starts in loc.
func DayBounds(date string, loc *time.Location) (time.Time, time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, date, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", date)
	}
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc), time.Date(y, m, day+1, 0, 0, 0, 0, loc), nil
}

// WeekStart returns the Monday of the week containing date t in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	offset := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return time.Date(y, m, d-offset, 0, 0, 0, 0, loc)
}

// ReportGroup is what a summary report's rows are grouped by: one of the dimensions
// (project, client, task, tag, user) or a period (day, week, month).
type ReportGroup string

// Period groups; the dimensions' groups are their ReportDim names.
const (
	GroupDay   ReportGroup = "day"
	GroupWeek  ReportGroup = "week"
	GroupMonth ReportGroup = "month"
)

// reportDims are the groups that are store dimensions.
var reportDims = map[ReportGroup]ReportDim{
	"project": DimProject, "client": DimClient, "task": DimTask, "tag": DimTag, "user": DimUser,
}

// ParseReportGroups reads a comma-separated group list such as "project,day".
func ParseReportGroups(s string) ([]ReportGroup, error) {
	var out []ReportGroup
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(strings.ToLower(part)); part != "" {
			out = append(out, ReportGroup(part))
		}
	}
	if _, _, err := splitGroups(out); err != nil {
		return nil, err
	}
	return out, nil
}

// splitGroups checks a group list (at most two dimensions and one period, no repeats) and
// splits it into the store's dimensions and the period ("" for none).
func splitGroups(groups []ReportGroup) ([]ReportDim, ReportGroup, error) {
	var dims []ReportDim
	var period ReportGroup
	seen := map[ReportGroup]bool{}
	for _, g := range groups {
		if seen[g] {
			return nil, "", Invalid("group", "names %s twice", g)
		}
		seen[g] = true
		switch d, ok := reportDims[g]; {
		case ok:
			dims = append(dims, d)
		case g == GroupDay || g == GroupWeek || g == GroupMonth:
			if period != "" {
				return nil, "", Invalid("group", "may name one of day, week and month")
			}
			period = g
		default:
			return nil, "", Invalid("group", "%q is not one of project, client, task, tag, user, day, week, month", string(g))
		}
	}
	if len(dims) > 2 {
		return nil, "", Invalid("group", "may name at most two of project, client, task, tag and user")
	}
	return dims, period, nil
}

// ReportQuery asks for tracked time over the days From..To (YYYY-MM-DD, inclusive) in
// Timezone (default the user's zone by PickZone), grouped by Group (default project and
// day) and narrowed by the filters that are set. Weeks start on Display's first day.
type ReportQuery struct {
	From, To  string
	Timezone  string
	Group     []ReportGroup
	Display   Display
	UserID    *uuid.UUID
	ProjectID *uuid.UUID
	ClientID  *uuid.UUID
	TaskID    *uuid.UUID
	TagID     *uuid.UUID
	Billable  *bool
	// Shown fills each row's Cells, for a report a person reads (a screen, a table, a
	// file): see ReportRow.Minutes. The API leaves it off: its seconds are exact.
	Shown bool
}

// ReportValue is one dimension's value in a report row.
type ReportValue struct {
	Group ReportGroup `json:"group" enum:"project,client,task,tag,user"`
	ID    *uuid.UUID  `json:"id" doc:"Null: no project (client, task, tag)."`
	Name  string      `json:"name"`
}

// ReportRow is the time of one group (and period, when grouped by one).
type ReportRow struct {
	Period  string        `json:"period,omitempty" doc:"First day of the row's day, week or month (YYYY-MM-DD), even when the range starts later."`
	Values  []ReportValue `json:"values" nullable:"false"`
	Seconds int64         `json:"seconds"`
	Amount  Money         `json:"amount" doc:"Billable amount of the row's time: each billable entry priced at the rate in effect when it started."`
	// Cells are the whole minutes of the row's cells when the query asked for them (Shown):
	// see Minutes.
	Cells []int64 `json:"-"`
}

// Minutes is the row's time as a person reads it, by Stint's one rounding rule: a cell is
// one project's (or one person's, in a row of one project) time on one day, as the timer
// and the timesheet show it, counted in whole minutes (WholeMinutes), and every figure shown
// is the sum of its cells as shown. So a week by project reads as the timesheet does, the
// rows add up to the total, and the screen, the CLI and the files agree. Without cells
// (a report not asked for with Shown) it is the row's own whole minutes.
func (r ReportRow) Minutes() int64 {
	if r.Cells == nil {
		return WholeMinutes(r.Seconds)
	}
	var m int64
	for _, c := range r.Cells {
		m += c
	}
	return m
}

// ReportCellDims are the dimensions of the cells a report grouped by dims is counted in
// (see ReportRow.Minutes): dims, then project and user while the store takes more (two).
func ReportCellDims(dims []ReportDim) []ReportDim {
	out := slices.Clone(dims)
	for _, d := range []ReportDim{DimProject, DimUser} {
		if len(out) < 2 && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// Report is a summary report: its rows and their total. Every row's seconds are whole
// seconds of its exact time, rounded down, and TotalSeconds is the sum of the rows, so a
// total always equals what its rows add up to. Grouped by tag, an entry with several tags
// counts in each tag's row, and so more than once in the total.
type Report struct {
	From         string        `json:"from"`
	To           string        `json:"to"`
	Timezone     string        `json:"timezone"`
	Group        []ReportGroup `json:"group" nullable:"false"`
	AsOf         time.Time     `json:"as_of" doc:"Running entries are counted up to this instant."`
	TotalSeconds int64         `json:"total_seconds"`
	TotalAmount  Money         `json:"total_amount" doc:"The sum of the rows' amounts."`
	Rows         []ReportRow   `json:"rows" nullable:"false"`
}

// maxSummaryDays bounds one report's range.
const maxSummaryDays = 366

// reportRange resolves a query's zone and range and checks them.
func (s *Service) reportRange(ctx context.Context, a Actor, fromDate, toDate, tz string) (*time.Location, string, time.Time, time.Time, error) {
	var c checker
	if tz == "" {
		if err := s.store.Read(ctx, func(tx Tx) error { tz = actorZone(ctx, tx, a); return nil }); err != nil {
			return nil, "", time.Time{}, time.Time{}, err
		}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" { // Local is the server's zone, not a name
		c.add("timezone", "must be an IANA time zone such as Europe/Berlin")
		loc = time.UTC
	}
	from, _, ferr := DayBounds(fromDate, loc)
	c.check(ferr == nil, "from", "must be a date like 2026-11-23")
	_, to, terr := DayBounds(toDate, loc)
	c.check(terr == nil, "to", "must be a date like 2026-11-23")
	if ferr == nil && terr == nil {
		c.check(from.Before(to), "to", "must not be before from")
		c.check(to.Sub(from) <= maxSummaryDays*25*time.Hour, "to", "must be at most %d days after from", maxSummaryDays)
	}
	if err := c.err(); err != nil {
		return nil, "", time.Time{}, time.Time{}, err
	}
	return loc, tz, from, to, nil
}

// reportFilter resolves what both reports start from: the zone and its name, and the
// store's filter of the range's instants as of now, confined to the actor's own entries
// unless the actor may read everyone's.
func (s *Service) reportFilter(ctx context.Context, a Actor, fromDate, toDate, tz string, user, project, client, task, tag *uuid.UUID,
	billable *bool) (*time.Location, string, ReportFilter, error) {
	loc, tz, from, to, err := s.reportRange(ctx, a, fromDate, toDate, tz)
	if err != nil {
		return nil, "", ReportFilter{}, err
	}
	if !a.Role.Can(PermEntriesReadAll) {
		if user != nil && *user != a.UserID {
			return nil, "", ReportFilter{}, fmt.Errorf("%s may report only its own entries: %w", a.Role, ErrForbidden)
		}
		user = &a.UserID
	}
	return loc, tz, ReportFilter{From: from, To: to, Now: s.Now(), UserID: user, ProjectID: project, ClientID: client, TaskID: task, TagID: tag,
		Billable: billable}, nil
}

// readPriced loads the organization's rates into f and runs fn in the same read, so the
// amounts are priced with the rates of the snapshot the entries come from. With checked
// (fn only sums: Reports.Summary checks ReportFilter.RatesVersion), the kept rates go in
// unread and the summing statement itself checks their version, which spares a member's
// week a statement of its two; when they have changed, fn runs again with the rates read.
// With alone as well (fn calls Reports.Summary once), fn first runs without a read
// transaction (StatementReader), its one statement being its own snapshot; a store that
// needs the transaction for it says so (ErrNeedsSnapshot) and fn runs again in one.
func (s *Service) readPriced(ctx context.Context, a Actor, f *ReportFilter, checked, alone bool, fn func(Tx) error) error {
	keptChanged := false
	if sr, ok := s.store.(StatementReader); ok && checked && alone {
		if rates, v, ok := s.rates.latest(a.Scope()); ok {
			f.Rates, f.RatesVersion = ratesFor(rates, f.UserID), &v
			err := sr.ReadStatement(ctx, fn)
			if !errors.Is(err, ErrRatesChanged) && !errors.Is(err, ErrNeedsSnapshot) {
				return err
			}
			keptChanged = errors.Is(err, ErrRatesChanged)
		}
	}
	return s.store.Read(ctx, func(tx Tx) error {
		if rates, v, ok := s.rates.latest(a.Scope()); checked && ok && !keptChanged {
			f.Rates, f.RatesVersion = ratesFor(rates, f.UserID), &v
			if err := fn(tx); !errors.Is(err, ErrRatesChanged) {
				return err
			}
		}
		f.RatesVersion = nil
		var err error
		if f.Rates, err = s.pricingRates(ctx, tx, a.Scope(), f.UserID); err != nil {
			return fmt.Errorf("rates: %w", err)
		}
		return fn(tx)
	})
}

// reportPeriods cuts [from, to) into the periods of g in loc: calendar days, weeks from
// d's first day, or calendar months, each clipped to the range; one period without g. It
// returns each period's label, the first day of the whole period.
func reportPeriods(g ReportGroup, d Display, loc *time.Location, from, to time.Time) ([]Period, []string) {
	if g == "" {
		return []Period{{Start: from, End: to}}, []string{""}
	}
	var ps []Period
	var labels []string
	first := from.In(loc)
	switch g {
	case GroupWeek:
		first = d.WeekStart(first, loc)
	case GroupMonth:
		first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, loc)
	}
	for start := first; start.Before(to); {
		y, m, day := start.Date()
		var next time.Time
		switch g {
		case GroupDay:
			next = time.Date(y, m, day+1, 0, 0, 0, 0, loc)
		case GroupWeek:
			next = time.Date(y, m, day+7, 0, 0, 0, 0, loc)
		default:
			next = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
		}
		if !next.After(start) { // a zone whose midnight is skipped: never loop for ever
			next = start.Add(time.Hour)
		}
		ps = append(ps, Period{Start: maxTime(start, from), End: minTime(next, to)})
		labels = append(labels, start.Format(DateLayout))
		start = next
	}
	return ps, labels
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Report builds a summary report: tracked time per group (and period) over a range of days,
// summed by the store. Days, weeks and months are calendar ones in the query's zone, so an
// entry crossing midnight counts on both days and a DST change gives a 23- or 25-hour day;
// running entries count up to now. Members see their own time, managers and above
// everyone's.
func (s *Service) Report(ctx context.Context, a Actor, q ReportQuery) (Report, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return Report{}, err
	}
	if len(q.Group) == 0 {
		q.Group = []ReportGroup{"project", GroupDay}
	}
	dims, period, err := splitGroups(q.Group)
	if err != nil {
		return Report{}, err
	}
	loc, tz, f, err := s.reportFilter(ctx, a, q.From, q.To, q.Timezone, q.UserID, q.ProjectID, q.ClientID, q.TaskID, q.TagID, q.Billable)
	if err != nil {
		return Report{}, err
	}
	periods, labels := reportPeriods(period, q.Display, loc, f.From, f.To)
	var cells, shown []ReportCell
	var days []Period
	if q.Shown {
		days, _ = reportPeriods(GroupDay, q.Display, loc, f.From, f.To)
	}
	// Without the shown cells, or when they are the rows, fn sums once (readPriced's alone).
	alone := !q.Shown || rowsAreCells(dims, period, f)
	if err := s.readPriced(ctx, a, &f, true, alone, func(tx Tx) error {
		var err error
		if cells, err = tx.Reports().Summary(ctx, a.Scope(), f, dims, periods); err != nil || !q.Shown {
			return err
		}
		if rowsAreCells(dims, period, f) {
			shown = cells
			return nil
		}
		// The cells, in the same snapshot as the rows they add up to.
		shown, err = tx.Reports().Summary(ctx, a.Scope(), f, ReportCellDims(dims), days)
		return err
	}); err != nil {
		return Report{}, fmt.Errorf("report: %w", err)
	}
	currency := ratesCurrency(f.Rates)
	out := Report{From: q.From, To: q.To, Timezone: tz, Group: q.Group, AsOf: f.Now, Rows: make([]ReportRow, 0, len(cells)),
		TotalAmount: Money{Currency: currency}}
	// Every row's values are cut from one array, not made row by row.
	values := make([]ReportValue, 0, len(cells)*len(dims))
	for _, c := range cells {
		if c.Period < 0 || c.Period >= len(periods) || len(c.Keys) != len(dims) {
			return Report{}, fmt.Errorf("report: store returned a cell of period %d with %d keys", c.Period, len(c.Keys))
		}
		r := ReportRow{Period: labels[c.Period], Values: values[len(values) : len(values) : len(values)+len(dims)], Seconds: c.Micros / 1_000_000,
			Amount: Money{Minor: c.Amount, Currency: currency}}
		values = values[:len(values)+len(dims)]
		for i, k := range c.Keys {
			r.Values = append(r.Values, ReportValue{Group: ReportGroup(dims[i]), ID: k.ID, Name: k.Name})
		}
		out.Rows = append(out.Rows, r)
		out.TotalSeconds += r.Seconds
		out.TotalAmount.Minor += c.Amount
	}
	if q.Shown {
		if err := fillCells(out.Rows, len(dims), shown, days, periods, labels); err != nil {
			return Report{}, err
		}
	}
	sortReportRows(out.Rows)
	return out, nil
}

// rowsAreCells reports whether a report's rows are its cells already: rows by day whose
// dimensions lack only those of ReportCellDims the filter pins to one value (a member's
// own week by project: one user). Then a cell sums what its row sums, and the store need
// not sum it again.
func rowsAreCells(dims []ReportDim, period ReportGroup, f ReportFilter) bool {
	if period != GroupDay {
		return false
	}
	for _, d := range ReportCellDims(dims)[len(dims):] {
		if !(d == DimUser && f.UserID != nil || d == DimProject && f.ProjectID != nil) {
			return false
		}
	}
	return true
}

// fillCells gives each row the whole minutes of its cells: the cells summed per day over
// ReportCellDims, each put in the row of its first n keys and of the period its day falls in.
func fillCells(rows []ReportRow, n int, cells []ReportCell, days, periods []Period, labels []string) error {
	key := func(label string, ids func(int) *uuid.UUID) string {
		var b strings.Builder
		b.WriteString(label)
		for i := range n {
			b.WriteByte('|')
			if id := ids(i); id != nil {
				b.WriteString(id.String())
			}
		}
		return b.String()
	}
	// dayPeriod[i] is the period day i falls in: both are cut at midnights in the same zone.
	dayPeriod := make([]int, len(days))
	for i, j := 0, 0; i < len(days); i++ {
		for j < len(periods)-1 && !days[i].Start.Before(periods[j].End) {
			j++
		}
		dayPeriod[i] = j
	}
	at := make(map[string]int, len(rows))
	for i := range rows {
		rows[i].Cells = []int64{}
		at[key(rows[i].Period, func(k int) *uuid.UUID { return rows[i].Values[k].ID })] = i
	}
	for _, c := range cells {
		if c.Period < 0 || c.Period >= len(days) || len(c.Keys) < n {
			return fmt.Errorf("report: store returned a cell of day %d with %d keys", c.Period, len(c.Keys))
		}
		i, ok := at[key(labels[dayPeriod[c.Period]], func(k int) *uuid.UUID { return c.Keys[k].ID })]
		if !ok { // both sums read one snapshot with the same filter: every cell has its row
			return fmt.Errorf("report: store returned a cell outside every row")
		}
		rows[i].Cells = append(rows[i].Cells, WholeMinutes(c.Micros/1_000_000))
	}
	return nil
}

// sortReportRows orders rows by period, then by each value's name (no value last), then id,
// so a report reads the same on every store. Names compare lowered (compareLower, which
// makes no string for ASCII names), and ids compare as bytes, which orders them as their
// strings. The rows sort in place: no copy, no order of indexes.
func sortReportRows(rows []ReportRow) {
	slices.SortStableFunc(rows, func(a, b ReportRow) int {
		if c := strings.Compare(a.Period, b.Period); c != 0 {
			return c
		}
		for k := range a.Values {
			va, vb := a.Values[k], b.Values[k]
			if (va.ID == nil) != (vb.ID == nil) {
				if vb.ID == nil {
					return -1
				}
				return 1
			}
			if va.ID == nil {
				continue
			}
			if c := compareLower(va.Name, vb.Name); c != 0 {
				return c
			}
			if c := bytes.Compare(va.ID[:], vb.ID[:]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareLower is strings.Compare(strings.ToLower(a), strings.ToLower(b)) without making
// the lower-case strings when both are ASCII (a week's rows compare their names dozens of
// times each).
func compareLower(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
			return strings.Compare(strings.ToLower(a[i:]), strings.ToLower(b[i:]))
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// SummaryQuery asks for tracked time per day and project over [From, To] (dates, inclusive) in
// a time zone (default the user's zone by PickZone).
type SummaryQuery struct {
	From, To  string
	Timezone  string
	UserID    *uuid.UUID
	ProjectID *uuid.UUID
}

// Summary is tracked time per day and project: the first report shape of the API, kept as it
// was (days and projects), with the report's rows beside it.
type Summary struct {
	From         string           `json:"from"`
	To           string           `json:"to"`
	Timezone     string           `json:"timezone"`
	TotalSeconds int64            `json:"total_seconds"`
	Days         []DayShare       `json:"days" nullable:"false" doc:"Seconds per day; filled when grouped by project and day (the default), else empty."`
	Projects     []ProjectSeconds `json:"projects" nullable:"false" doc:"Seconds per project; filled when grouped by project and day (the default), else empty."`
}

// ProjectSeconds is tracked time on one project (nil: no project).
type ProjectSeconds struct {
	ProjectID *uuid.UUID `json:"project_id"`
	Seconds   int64      `json:"seconds"`
}

// Summarize totals the visible entries per day and per project over a date range: a report
// grouped by project and day, rolled up both ways, so days and projects each add up to the
// total.
func (s *Service) Summarize(ctx context.Context, a Actor, q SummaryQuery) (Summary, error) {
	rep, err := s.Report(ctx, a, ReportQuery{From: q.From, To: q.To, Timezone: q.Timezone, UserID: q.UserID, ProjectID: q.ProjectID,
		Group: []ReportGroup{"project", GroupDay}})
	if err != nil {
		return Summary{}, err
	}
	return SummaryOf(rep), nil
}

// SummaryOf rolls a report grouped by project and day up into days and projects. It makes
// no map: a report's rows come by period (sortReportRows), so a day's rows are mostly one
// after another, and a project's add up once its rows are sorted by id.
func SummaryOf(rep Report) Summary {
	out := Summary{From: rep.From, To: rep.To, Timezone: rep.Timezone, TotalSeconds: rep.TotalSeconds,
		Days: make([]DayShare, 0, min(len(rep.Rows), 32)), Projects: []ProjectSeconds{}}
	type projectRow struct {
		id      uuid.UUID // uuid.Nil: no project
		seconds int64
	}
	rows := make([]projectRow, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		day := len(out.Days) - 1
		for day >= 0 && out.Days[day].Date != r.Period {
			day--
		}
		if day >= 0 {
			out.Days[day].Seconds += r.Seconds
		} else {
			out.Days = append(out.Days, DayShare{Date: r.Period, Seconds: r.Seconds})
		}
		key := uuid.Nil
		for _, v := range r.Values {
			if v.Group == "project" && v.ID != nil {
				key = *v.ID
			}
		}
		rows = append(rows, projectRow{key, r.Seconds})
	}
	slices.SortFunc(out.Days, func(a, b DayShare) int { return strings.Compare(a.Date, b.Date) })
	slices.SortFunc(rows, func(a, b projectRow) int { return bytes.Compare(a.id[:], b.id[:]) })
	n := 0 // distinct projects
	for i, r := range rows {
		if i == 0 || r.id != rows[i-1].id {
			rows[n] = r
			n++
		} else {
			rows[n-1].seconds += r.seconds
		}
	}
	rows = rows[:n]
	ids := make([]uuid.UUID, n) // the projects' ids, pointed at by out.Projects
	out.Projects = make([]ProjectSeconds, 0, n)
	for i, r := range rows {
		ps := ProjectSeconds{Seconds: r.seconds}
		if r.id != uuid.Nil {
			ids[i] = r.id
			ps.ProjectID = &ids[i]
		}
		out.Projects = append(out.Projects, ps)
	}
	// Most seconds first; equal seconds by id, no project last (the ids are distinct).
	slices.SortFunc(out.Projects, func(a, b ProjectSeconds) int {
		if c := cmp.Compare(b.Seconds, a.Seconds); c != 0 {
			return c
		}
		switch {
		case a.ProjectID == nil:
			return 1
		case b.ProjectID == nil:
			return -1
		}
		return bytes.Compare(a.ProjectID[:], b.ProjectID[:])
	})
	return out
}
