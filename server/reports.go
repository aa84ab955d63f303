package server

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// ReportFilterInput is what both reports take: the range, its zone and the filters. Each
// report's input embeds it; it is exported because huma reads the parameters of exported
// embedded structs only (an unexported one's would be refused as unknown).
type ReportFilterInput struct {
	From      string `query:"from" required:"true" format:"date" doc:"First day, YYYY-MM-DD."`
	To        string `query:"to" required:"true" format:"date" doc:"Last day (inclusive), YYYY-MM-DD."`
	Timezone  string `query:"timezone" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone the days are cut in (not Local); default the user's, else the organization's."`
	UserID    string `query:"user_id" format:"uuid" doc:"Only this user's time (others' need entries.read_all)."`
	ProjectID string `query:"project_id" format:"uuid" doc:"Only this project's time."`
	ClientID  string `query:"client_id" format:"uuid" doc:"Only the time of this client's projects."`
	TaskID    string `query:"task_id" format:"uuid" doc:"Only this task's time."`
	TagID     string `query:"tag_id" format:"uuid" doc:"Only entries with this tag."`
	Billable  string `query:"billable" enum:"true,false" doc:"Only billable (true) or non-billable (false) time."`
}

// parse reads the filters; a request that names no zone leaves it to the service's one rule
// (the user's, else the workspace's).
func (in ReportFilterInput) parse() (app.ReportQuery, error) {
	q := app.ReportQuery{From: in.From, To: in.To, Timezone: in.Timezone}
	var err error
	if q.UserID, err = optionalID("user_id", in.UserID); err != nil {
		return q, err
	}
	if q.ProjectID, err = optionalID("project_id", in.ProjectID); err != nil {
		return q, err
	}
	if q.ClientID, err = optionalID("client_id", in.ClientID); err != nil {
		return q, err
	}
	if q.TaskID, err = optionalID("task_id", in.TaskID); err != nil {
		return q, err
	}
	if q.TagID, err = optionalID("tag_id", in.TagID); err != nil {
		return q, err
	}
	if in.Billable != "" {
		b := in.Billable == "true"
		q.Billable = &b
	}
	return q, nil
}

// summaryInput is the filters and how to group.
type summaryInput struct {
	ReportFilterInput
	Group     string `query:"group" maxLength:"64" doc:"Comma-separated: up to two of project, client, task, tag, user and one of day, week, month; default project,day. Grouped by tag, an entry with several tags counts in each tag's row."`
	WeekStart string `query:"week_start" enum:"monday,sunday,saturday" doc:"First day of a week when grouping by week; default monday."`
}

// summaryBody is the first report shape (days and projects, kept as it was) with the
// report's rows beside it: a compatible extension, not a new version. A request that names
// no group gets what it always got; days and projects are the rows rolled up, so they are
// filled for the default group only (empty otherwise), and total_seconds is always the sum
// of rows.
type summaryBody struct {
	app.Summary
	Group []app.ReportGroup `json:"group" nullable:"false" doc:"What rows are grouped by."`
	AsOf  time.Time         `json:"as_of" doc:"Running entries are counted up to this instant."`
	Rows  []app.ReportRow   `json:"rows" nullable:"false" doc:"Seconds per group (and period); total_seconds is their sum."`
	// TotalAmount is the rows' billable amounts added up.
	TotalAmount app.Money `json:"total_amount" doc:"The sum of the rows' amounts (minor units of the organization's rates' currency)."`
}

// AppendJSON writes the body as encoding/json would (appendingMarshal): reflection over a
// week's rows was most of what the server added to a report's own work. It declines only
// an as_of that encoding/json refuses (outside the years 0–9999).
func (s summaryBody) AppendJSON(b []byte) ([]byte, bool) {
	out := append(b, '{')
	out = app.AppendSummaryFieldsJSON(out, &s.Summary)
	out = append(out, `,"group":`...)
	out = app.AppendReportGroupsJSON(out, s.Group)
	out = append(out, `,"as_of":`...)
	var ok bool
	if out, ok = app.AppendJSONTime(out, s.AsOf); !ok {
		return b, false
	}
	out = append(out, `,"rows":`...)
	out = app.AppendReportRowsJSON(out, s.Rows)
	out = append(out, `,"total_amount":`...)
	out = app.AppendMoneyJSON(out, s.TotalAmount)
	return append(out, '}'), true
}

type summaryOutput struct {
	Body summaryBody
}

// detailedInput is the filters and a page.
type detailedInput struct {
	ReportFilterInput
	Limit  int    `query:"limit" minimum:"1" maximum:"500" doc:"Page size; default 50."`
	Cursor string `query:"cursor" maxLength:"1024" doc:"The next_cursor of the previous page."`
}

type detailedOutput struct {
	Body app.Detailed
}

// defaultGroup is the summary's grouping when a request names none, the one days and
// projects roll up from.
var defaultGroup = []app.ReportGroup{"project", app.GroupDay}

func (s *Server) registerReports() {
	op := s.operation(http.MethodGet, "/v1/reports/summary", "report-summary", "reports",
		"Tracked time over a date range, grouped (default by project and day)")
	huma.Register(s.api, op, func(ctx context.Context, in *summaryInput) (*summaryOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		q, err := in.parse()
		if err != nil {
			return nil, err
		}
		if q.Group, err = app.ParseReportGroups(in.Group); err != nil {
			return nil, err
		}
		q.Display = app.Display{Sunday: in.WeekStart == "sunday", Saturday: in.WeekStart == "saturday"}
		rep, err := s.svc.Report(ctx, a, q)
		if err != nil {
			return nil, err
		}
		body := summaryBody{Summary: app.Summary{From: rep.From, To: rep.To, Timezone: rep.Timezone, TotalSeconds: rep.TotalSeconds,
			Days: []app.DayShare{}, Projects: []app.ProjectSeconds{}}, Group: rep.Group, AsOf: rep.AsOf, Rows: rep.Rows,
			TotalAmount: rep.TotalAmount}
		if slices.Equal(rep.Group, defaultGroup) {
			body.Summary = app.SummaryOf(rep)
		}
		return &summaryOutput{Body: body}, nil
	})

	op = s.operation(http.MethodGet, "/v1/reports/detailed", "report-detailed", "reports",
		"The entries behind a report, with names, newest first (members see their own)")
	huma.Register(s.api, op, func(ctx context.Context, in *detailedInput) (*detailedOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		q, err := in.parse()
		if err != nil {
			return nil, err
		}
		d, err := s.svc.DetailedReport(ctx, a, app.DetailedQuery{ListParams: app.ListParams{Limit: in.Limit, Cursor: in.Cursor},
			From: q.From, To: q.To, Timezone: q.Timezone, UserID: q.UserID, ProjectID: q.ProjectID, ClientID: q.ClientID,
			TaskID: q.TaskID, TagID: q.TagID, Billable: q.Billable})
		if err != nil {
			return nil, err
		}
		return &detailedOutput{Body: d}, nil
	})
}
