package sqlite

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// TestSummaryTextsKeepEachShape pins that a kept summary text is only ever the text its
// own inputs write: every statement below, asked of a cache that already holds all the
// others, gets the text and the arguments that writing it afresh gives. Each case differs
// from another in one input of the text (a rate's amount, start, key or deletion, the
// rates' order, the projects of a rated client, a filter, a dimension, the half of a
// split), so a key that left that input out would hand one case the other's text.
func TestSummaryTextsKeepEachShape(t *testing.T) {
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	from := time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC)
	user, project, client, other := app.NewID(), app.NewID(), app.NewID(), app.NewID()
	yes := true
	deleted := from
	org := app.Rate{ID: app.NewID(), Hourly: app.Money{Minor: 9000, Currency: "EUR"}, EffectiveFrom: from.AddDate(-1, 0, 0), Level: app.RateOrganization}
	later := org
	later.EffectiveFrom = from.AddDate(0, -1, 0)
	dearer := org
	dearer.Hourly.Minor = 9500
	gone := org
	gone.DeletedAt = &deleted
	byClient := app.Rate{ID: app.NewID(), ClientID: &client, Hourly: app.Money{Minor: 12000, Currency: "EUR"}, EffectiveFrom: org.EffectiveFrom, Level: app.RateClient}
	byOther := byClient
	byOther.ClientID = &other
	byProject := app.Rate{ID: app.NewID(), ProjectID: &project, Hourly: app.Money{Minor: 15000, Currency: "EUR"}, EffectiveFrom: org.EffectiveFrom, Level: app.RateProject}
	byMember := app.Rate{ID: app.NewID(), UserID: &user, Hourly: byProject.Hourly, EffectiveFrom: org.EffectiveFrom, Level: app.RateMember}
	dimsP, dimsPU, dimsT := []app.ReportDim{app.DimProject}, []app.ReportDim{app.DimProject, app.DimUser}, []app.ReportDim{app.DimTag}
	base := app.ReportFilter{From: from, To: from.AddDate(0, 0, 7), Now: from.AddDate(0, 0, 30)}
	with := func(edit func(*app.ReportFilter), rates ...app.Rate) app.ReportFilter {
		f := base
		f.Rates = rates
		if edit != nil {
			edit(&f)
		}
		return f
	}
	type statement struct {
		f          app.ReportFilter
		dims       []app.ReportDim
		projectsOf map[uuid.UUID][]uuid.UUID
		part       int
		kept       *keptProjects
	}
	mine := func(f *app.ReportFilter) { f.UserID = &user }
	cases := map[string]statement{
		"no rates":                          {with(nil), dimsP, nil, 0, nil},
		"an organization's rate":            {with(nil, org), dimsP, nil, 0, nil},
		"the rate starting later":           {with(nil, later), dimsP, nil, 0, nil},
		"the rate dearer":                   {with(nil, dearer), dimsP, nil, 0, nil},
		"the rate deleted":                  {with(nil, gone), dimsP, nil, 0, nil},
		"a client's rate, looked up":        {with(nil, org, byClient), dimsP, nil, 0, nil},
		"another client's rate":             {with(nil, org, byOther), dimsP, nil, 0, nil},
		"a client's rate, no project":       {with(nil, org, byClient), dimsP, map[uuid.UUID][]uuid.UUID{}, 0, nil},
		"a client's rate, one project":      {with(nil, org, byClient), dimsP, map[uuid.UUID][]uuid.UUID{client: {project}}, 0, nil},
		"a client's rate, another project":  {with(nil, org, byClient), dimsP, map[uuid.UUID][]uuid.UUID{client: {other}}, 0, nil},
		"a project's and a member's rate":   {with(nil, byProject, byMember), dimsP, nil, 0, nil},
		"a member's and a project's rate":   {with(nil, byMember, byProject), dimsP, nil, 0, nil},
		"a member's week":                   {with(mine, org), dimsP, nil, 0, nil},
		"a project's time":                  {with(func(f *app.ReportFilter) { f.ProjectID = &project }, org), dimsP, nil, 0, nil},
		"a client's time":                   {with(func(f *app.ReportFilter) { f.ClientID = &client }, org), dimsP, nil, 0, nil},
		"a task's time":                     {with(func(f *app.ReportFilter) { f.TaskID = &project }, org), dimsP, nil, 0, nil},
		"a tag's time":                      {with(func(f *app.ReportFilter) { f.TagID = &project }, org), dimsP, nil, 0, nil},
		"billable time":                     {with(func(f *app.ReportFilter) { f.Billable = &yes }, org), dimsP, nil, 0, nil},
		"by project and user":               {with(nil, org), dimsPU, nil, 0, nil},
		"by tag":                            {with(nil, org), dimsT, nil, 0, nil},
		"the first half of a split":         {with(nil, org), dimsP, nil, 1, nil},
		"the second half of a split":        {with(nil, org), dimsP, nil, 2, nil},
		"a member's week, another range":    {with(func(f *app.ReportFilter) { mine(f); f.From, f.To = f.From.AddDate(0, 0, 7), f.To.AddDate(0, 0, 7) }, org), dimsP, nil, 0, nil},
		"another member's week, same shape": {with(func(f *app.ReportFilter) { f.UserID = &other }, org), dimsP, nil, 0, nil},
		"kept rates, their version checked": {with(func(f *app.ReportFilter) { f.RatesVersion = &app.RatesVersion{Rows: 1, Max: 7} }, org), dimsP, nil, 0, nil},
		"a member's week, projects kept":    {with(mine, org), dimsP, nil, 0, &keptProjects{}},
	}
	write := func(r reports, s statement) (string, []any) {
		t.Helper()
		text, args, err := r.summarySQL(sc, s.f, s.dims, s.projectsOf, s.kept, startHalf{mid: us(from.AddDate(0, 0, 3)), part: s.part})
		if err != nil {
			t.Fatal(err)
		}
		return text, args
	}
	warm := reports{texts: &summaryTexts{}}
	for _, s := range cases {
		write(warm, s)
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			text, args := write(warm, s)
			wantText, wantArgs := write(reports{}, s)
			if text != wantText {
				t.Errorf("kept text is another statement's:\n got %s\nwant %s", text, wantText)
			}
			if !reflect.DeepEqual(args, wantArgs) {
				t.Errorf("arguments:\n got %v\nwant %v", args, wantArgs)
			}
		})
	}
}
