package sync_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	stintsync "github.com/stinthq/stint/sync"
)

// pagesRemote answers pulls from a list of pages, then with an empty page at head; pushes
// go to the real server.
type pagesRemote struct {
	app.SyncRemote
	pages []app.RemotePage
	head  int64
}

func (r *pagesRemote) Pull(_ context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	if len(r.pages) == 0 {
		return app.RemotePage{Rows: []app.RemoteRow{}, Cursor: r.head, Head: r.head}, nil
	}
	p := r.pages[0]
	r.pages = r.pages[1:]
	return p, nil
}

// TestDeferredRowsReported: a pulled row the device cannot apply yet (it names a project
// that has not arrived) is counted and listed with why in the status; when a resync
// starts while it waits, it is kept among the notices the user sees instead of vanishing.
func TestDeferredRowsReported(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	from := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	e, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "orphan", StartedAt: from, StoppedAt: &to})
	if err != nil {
		t.Fatal(err)
	}
	missing := app.NewID()
	e.ProjectID = &missing
	row, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	before, err := d.svc.SyncStatus(ctx, app.RemoteTokenFile(d.dir))
	if err != nil {
		t.Fatal(err)
	}
	head := before.Cursor + 1000
	r := &pagesRemote{SyncRemote: d.remote(), head: head, pages: []app.RemotePage{{
		Rows: []app.RemoteRow{{Kind: app.SyncTimeEntry, ID: e.ID, Version: head, HLC: e.HLC, Row: row}}, Cursor: head, Head: head}}}
	if _, err := d.svc.SyncRound(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	st, err := d.svc.SyncStatus(ctx, app.RemoteTokenFile(d.dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Deferred) != 1 || st.Deferred[0].ID != e.ID || st.Deferred[0].Kind != app.SyncTimeEntry ||
		!strings.Contains(st.Deferred[0].Why, "has not arrived") {
		t.Fatalf("deferred = %+v, want the entry, waiting for what it names", st.Deferred)
	}

	// The server resets the device (tombstones purged past its cursor): the resync
	// starts while the entry waits.
	r.pages = []app.RemotePage{{Rows: []app.RemoteRow{}, Reset: true, More: true}}
	if _, err := d.svc.SyncRound(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	st, err = d.svc.SyncStatus(ctx, app.RemoteTokenFile(d.dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Deferred) != 0 {
		t.Fatalf("after the resync still deferred: %+v", st.Deferred)
	}
	var notice *app.SyncRejection
	for i, rj := range st.Rejections {
		if rj.EntityID == e.ID {
			notice = &st.Rejections[i]
		}
	}
	if notice == nil || notice.Reason != app.RejectNotApplied || notice.Outcome != app.RejectionSetAside ||
		!strings.Contains(notice.Message, "has not arrived") || len(notice.Row) == 0 {
		t.Fatalf("the entry set aside by the resync is not among the notices: %+v", st.Rejections)
	}
}

// TestPullProgressKnowsHowFar: a long pull reports after each page how far it has come
// against the server's head, so the window and the CLI show a determinate bar.
func TestPullProgressKnowsHowFar(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	from := time.Date(2025, 11, 2, 9, 0, 0, 0, time.UTC)
	// Pages of 1,000 rows: two pages without writing app.MaxSyncPullLimit entries first.
	const pageRows = 1000
	for i := range pageRows + 200 {
		start := from.Add(time.Duration(i) * 5 * time.Minute)
		stop := start.Add(time.Minute)
		if _, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop}); err != nil {
			t.Fatal(err)
		}
	}
	var seen []float64
	if _, err := d.svc.SyncRound(ctx, pagedRemote{d.remote(), pageRows}, func(p app.SyncProgress) {
		if f, ok := p.PullFraction(); ok && p.Pulled > 0 {
			seen = append(seen, f)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] <= 0 || seen[0] >= 1 || seen[1] != 1 {
		t.Fatalf("pull fractions after each page %v, want one between 0 and 1, then 1", seen)
	}
}

// pagedRemote asks for pages of at most limit rows.
type pagedRemote struct {
	*stintsync.Remote
	limit int
}

func (r pagedRemote) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	in.Limit = min(in.Limit, r.limit)
	return r.Remote.Pull(ctx, in)
}
