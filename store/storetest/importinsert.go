package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testImportInsertEntries writes entries through the import's bulk path (app.Imports) and
// reads each back as written, with its audit row: rows stamped alike, as an import writes
// them (SQLite binds what they share once), and rows that differ in what the others share
// (SQLite binds every value of each), in chunks of more than one length.
func testImportInsertEntries(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "bulk@example.com")
	other := app.NewID()
	entry := func(i int, m app.Meta) app.ImportedEntry {
		start := base.Add(time.Duration(i) * time.Hour)
		stop := start.Add(time.Duration(10+i) * time.Minute)
		e := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID,
			Description: "bulk", StartedAt: start, StoppedAt: &stop, Timezone: "Europe/Berlin", Source: app.SourceImport,
			TagIDs: []uuid.UUID{}, Meta: m}
		if i%2 == 0 {
			e.ProjectID, e.TaskID, e.Billable, e.TagIDs = &w.project.ID, &w.task.ID, true, []uuid.UUID{w.tag2.ID, w.tag.ID}
			e.Timezone, e.Description = "UTC", "with project"
		}
		e.HLC = meta(100 + i).HLC
		actor := w.user.ID
		return app.ImportedEntry{Entry: e, Audit: app.AuditEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: &w.org.ID,
			ActorID: &actor, Action: "time_entry.import", Entity: "time_entry", EntityID: e.ID, At: m.CreatedAt}}
	}
	var alike, mixed []app.ImportedEntry
	for i := range 7 {
		alike = append(alike, entry(i, meta(20)))
	}
	for i := 7; i < 12; i++ {
		r := entry(i, meta(20+i))
		if i == 9 {
			r.Audit.ActorID = &other
			r.Entry.Version = 3
			r.Entry.Source = app.SourceManual
		}
		mixed = append(mixed, r)
	}
	for _, rows := range [][]app.ImportedEntry{alike, mixed} {
		write(t, st, func(tx app.Tx) error { return tx.Imports().InsertEntries(ctx, w.sc, rows) })
	}
	read(t, st, func(tx app.Tx) error {
		audit, err := tx.Audit().List(ctx, w.sc, page(100))
		wantErr(t, "audit", err, nil)
		for _, r := range slices.Concat(alike, mixed) {
			got, err := tx.TimeEntries().Get(ctx, w.sc, r.Entry.ID)
			wantErr(t, "get", err, nil)
			same(t, "entry", got, r.Entry)
			i := slices.IndexFunc(audit, func(a app.AuditEntry) bool { return a.ID == r.Audit.ID })
			if i < 0 {
				t.Errorf("no audit row for entry %s", r.Entry.ID)
				continue
			}
			same(t, "audit", audit[i], r.Audit)
		}
		return nil
	})
}
