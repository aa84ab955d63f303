package storetest

import (
	"context"
	"errors"
	"fmt"
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

// testImportTotals holds the budgets' totals (Budgets.Spent) to a full recount after
// entries come in by the import's bulk path, so a bulk path that writes around the totals'
// triggers (or keeps the totals its own way) must still add up: batches of several chunks, with a project and without, billable and not, of two
// members, priced by rates of every level from several instants, a few rows stamped unlike
// the rest. A batch that fails must leave the totals as they were, and an ordinary insert
// after the batches must still count.
func testImportTotals(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "bulk-totals@example.com")
	now := base.Add(400 * 24 * time.Hour)
	bob := app.User{ID: app.NewID(), TenantID: w.tenant.ID, Email: "bulk-bob@example.com", Name: "Bob", Timezone: "UTC", PasswordHash: "$argon2id$x", Meta: meta(20)}
	p2 := app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "Internal", Color: "#4f7cff", Meta: meta(21)}
	rate := func(i int, user, client, project *uuid.UUID, minor int64, from time.Time) app.Rate {
		return app.Rate{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: user, ClientID: client, ProjectID: project,
			Level: app.RateLevelOf(user, client, project), Hourly: app.Money{Minor: minor, Currency: "EUR"}, EffectiveFrom: from, Meta: meta(i)}
	}
	write(t, st, func(tx app.Tx) error {
		return errors.Join(
			tx.Users().Insert(ctx, w.sc, bob),
			tx.Memberships().Insert(ctx, w.sc, app.Membership{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: bob.ID, Role: app.RoleMember, Meta: meta(22)}),
			tx.Projects().Insert(ctx, w.sc, p2),
			tx.Rates().Insert(ctx, w.sc, rate(23, nil, nil, nil, 5000, base.Add(-24*time.Hour))),
			tx.Rates().Insert(ctx, w.sc, rate(24, nil, &w.client.ID, nil, 9000, base.Add(30*24*time.Hour))),
			tx.Rates().Insert(ctx, w.sc, rate(25, &bob.ID, nil, nil, 7000, base.Add(60*24*time.Hour))),
			tx.Rates().Insert(ctx, w.sc, rate(26, nil, nil, &p2.ID, 11000, base.Add(90*24*time.Hour))),
			tx.Rates().Insert(ctx, w.sc, rate(27, &w.user.ID, nil, &w.project.ID, 13000, base.Add(120*24*time.Hour))),
		)
	})
	users := []uuid.UUID{w.user.ID, bob.ID}
	projects := []*uuid.UUID{&w.project.ID, &p2.ID, nil}
	batch := func(from, n int) []app.ImportedEntry {
		var rows []app.ImportedEntry
		for i := from; i < from+n; i++ {
			start := base.Add(time.Duration(i)*7*time.Hour + time.Duration(i*37)*time.Microsecond)
			stop := start.Add(time.Duration(10+i%50)*time.Minute + time.Duration(i*101)*time.Microsecond)
			m := meta(50)
			if i%97 == 0 {
				m = meta(50 + i)
			}
			e := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: users[i%2],
				ProjectID: projects[i%3], Description: "bulk", StartedAt: start, StoppedAt: &stop, Timezone: "UTC",
				Billable: i%4 != 0, Source: app.SourceImport, TagIDs: []uuid.UUID{}, Meta: m}
			rows = append(rows, app.ImportedEntry{Entry: e, Audit: app.AuditEntry{ID: app.NewID(), TenantID: w.tenant.ID,
				OrganizationID: &w.org.ID, ActorID: &w.user.ID, Action: "time_entry.import", Entity: "time_entry", EntityID: e.ID, At: m.CreatedAt}})
		}
		return rows
	}
	check := func(what string) {
		t.Helper()
		totals, recount := spentAndRecount(t, st, w.sc, now)
		if len(recount) != 2 || fmt.Sprint(totals) != fmt.Sprint(recount) {
			t.Fatalf("after %s: totals\n%v\nrecount\n%v", what, totals, recount)
		}
	}
	first := batch(0, 600)
	write(t, st, func(tx app.Tx) error { return tx.Imports().InsertEntries(ctx, w.sc, first) })
	check("the first batch")
	write(t, st, func(tx app.Tx) error { return tx.Imports().InsertEntries(ctx, w.sc, batch(600, 300)) })
	check("the second batch")
	failed := append(batch(900, 20), first[3])
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Imports().InsertEntries(ctx, w.sc, failed) }); err == nil {
		t.Fatal("a batch with an entry already there wrote")
	}
	check("a failed batch")
	stop := now.Add(-time.Hour)
	write(t, st, func(tx app.Tx) error {
		return tx.TimeEntries().Insert(ctx, w.sc, app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID,
			UserID: bob.ID, ProjectID: &p2.ID, StartedAt: now.Add(-3 * time.Hour), StoppedAt: &stop, Timezone: "UTC", Billable: true,
			Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: meta(2000)})
	})
	check("an insert after the batches")
}
