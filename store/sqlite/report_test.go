package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestSummaryPlan pins the plan of a summary: the periods are read from their JSON once
// into a table (MATERIALIZE p, one scan of json_each) and every period seeks its entries in
// an index, a covering one for the whole organization unless tags are read. A plan that scans json_each in
// each half instead parses the JSON again for every entry it reads (twice as slow on a
// month of a large organization).
func TestSummaryPlan(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	user := app.NewID()
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var days []app.Period
	for d := range 31 {
		days = append(days, app.Period{Start: from.AddDate(0, 0, d), End: from.AddDate(0, 0, d+1)})
	}
	rates := []app.Rate{{ID: app.NewID(), Hourly: app.Money{Minor: 9000, Currency: "EUR"}, EffectiveFrom: from.AddDate(-1, 0, 0), Level: app.RateOrganization}}
	client := app.NewID()
	clientRates := append(rates, app.Rate{ID: app.NewID(), ClientID: &client, Hourly: app.Money{Minor: 12000, Currency: "EUR"},
		EffectiveFrom: from.AddDate(-1, 0, 0), Level: app.RateClient})
	tests := []struct {
		name  string
		f     app.ReportFilter
		dims  []app.ReportDim
		index string
	}{
		{"the organization's month by project and day", app.ReportFilter{Rates: rates}, []app.ReportDim{app.DimProject}, "COVERING INDEX time_entries_report (organization_id=? AND started_at>? AND started_at<?)"},
		{"the organization's month priced by a client's rate", app.ReportFilter{Rates: clientRates}, []app.ReportDim{app.DimProject}, "COVERING INDEX time_entries_report (organization_id=? AND started_at>? AND started_at<?)"},
		{"the organization's month by user and tag", app.ReportFilter{}, []app.ReportDim{app.DimUser, app.DimTag}, "INDEX time_entries_report (organization_id=? AND started_at>? AND started_at<?)"},
		{"a user's week", app.ReportFilter{UserID: &user}, []app.ReportDim{app.DimProject}, "INDEX time_entries_user_started (organization_id=? AND user_id=? AND started_at>? AND started_at<?)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.From, tc.f.To, tc.f.Now = days[0].Start, days[len(days)-1].End, days[len(days)-1].End
			rec := &planRecorder{querier: cached{cache: st.rstmts}, db: st.reader}
			if _, err := (&txn{q: rec}).Reports().Summary(ctx, sc, tc.f, tc.dims, days); err != nil {
				t.Fatal(err)
			}
			// The summary is the last statement; the whole organization's with a client's
			// rate reads the projects of the rated clients first.
			want := 1
			if tc.f.UserID == nil && len(tc.f.Rates) == len(clientRates) {
				want = 2
			}
			if len(rec.plans) != want {
				t.Fatalf("%d queries, want %d", len(rec.plans), want)
			}
			plan := rec.plans[len(rec.plans)-1]
			// A lookup per entry (the project of each entry, for its client's rate) costs
			// a tenth of the whole organization's month.
			if tc.f.UserID == nil && strings.Contains(plan, "CORRELATED") {
				t.Errorf("the summary looks something up for every entry:\n%s", plan)
			}
			if !strings.Contains(plan, "MATERIALIZE p") || strings.Count(plan, "SCAN json_each") != 1 {
				t.Errorf("the periods are not read once into a table:\n%s", plan)
			}
			if !strings.Contains(plan, "SEARCH e USING "+tc.index) {
				t.Errorf("the entries are not sought in %s:\n%s", tc.index, plan)
			}
		})
	}
}
