package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// TestUnchangedPulledEntriesPlan pins that a chunk of pulled entries is read in order and
// each looked up by id. For a list of pulledUpdatesChunk values SQLite chose to scan the
// organization's entries through an index and look each up in the list instead: a drain
// of 20,000 compared in chunks read them 80 times over, three times what writing them
// again cost.
func TestUnchangedPulledEntriesPlan(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := app.Scope{TenantID: app.NewID()}
	stop := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	es := make([]app.TimeEntry, pulledUpdatesChunk)
	for i := range es {
		es[i] = app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: app.NewID(), StartedAt: stop.Add(-time.Hour), StoppedAt: &stop,
			TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n", UpdatedAt: stop}}
	}
	rec := &planRecorder{querier: cached{cache: st.rstmts}, db: st.reader}
	if _, err := (syncRows{q: rec}).UnchangedPulledEntries(ctx, sc, es); err != nil {
		t.Fatal(err)
	}
	if len(rec.plans) != 1 {
		t.Fatalf("%d queries, want 1", len(rec.plans))
	}
	if plan := rec.plans[0]; !strings.Contains(plan, "SCAN v\n") || !strings.Contains(plan, "SEARCH t USING PRIMARY KEY (id=?)") {
		t.Errorf("the entries are not each looked up by id:\n%s", plan)
	}
}
