package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testInvoices drives invoices through the service on the store: an invoice of a client's
// billable time in a range (lines by project and task, tax, totals), its entries locked
// against edits, deletes and further invoices until a manager unlocks them, and numbers
// taken by concurrent invoices with no gap and no repeat.
func testInvoices(t *testing.T, st app.Store) {
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	s, err := svc.Signup(ctx, app.SignupInput{Email: "invoices@example.com", Password: "correct horse", Name: "Ada", Organization: "Acme", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, s.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	client, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "Globex"})
	must(err)
	web, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Web", ClientID: &client.ID, Billable: true})
	must(err)
	app2, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "App", ClientID: &client.ID, Billable: true})
	must(err)
	task, err := svc.CreateTask(ctx, a, app.TaskInput{ProjectID: web.ID, Name: "Design"})
	must(err)
	_, err = svc.SetRate(ctx, a, app.RateInput{HourlyMinor: 10000, Currency: "EUR", EffectiveFrom: "2026-01-01"})
	must(err)
	_, err = svc.SetRate(ctx, a, app.RateInput{ProjectID: &app2.ID, HourlyMinor: 15000, Currency: "EUR", EffectiveFrom: "2026-01-01"})
	must(err)
	entry := func(p *app.Project, task *app.Task, day, hour int, d time.Duration, billable bool) app.TimeEntry {
		t.Helper()
		start := time.Date(2026, 10, day, hour, 0, 0, 0, time.UTC)
		stop := start.Add(d)
		in := app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop, Billable: &billable, Description: fmt.Sprintf("work %d", day)}
		if task != nil {
			in.TaskID = &task.ID
		}
		e, err := svc.CreateTimeEntry(ctx, a, in)
		must(err)
		return e
	}
	e1 := entry(&web, &task, 5, 9, 90*time.Minute, true) // 150.00
	e2 := entry(&web, &task, 6, 9, 30*time.Minute, true) // 50.00
	e3 := entry(&web, nil, 7, 9, time.Hour, true)        // 100.00
	e4 := entry(&app2, nil, 8, 9, 20*time.Minute, true)  // 50.00
	entry(&app2, nil, 9, 9, time.Hour, false)            // not billable
	late := entry(&web, nil, 20, 9, time.Hour, true)     // after the range

	inv, err := svc.CreateInvoice(ctx, a, app.InvoiceInput{ClientID: &client.ID, From: "2026-10-01", To: "2026-10-15", TaxRateBP: 1900})
	must(err)
	type line struct {
		desc   string
		secs   int64
		rate   int64
		amount int64
	}
	var lines []line
	for _, l := range inv.Lines {
		lines = append(lines, line{l.Description, l.Seconds, l.HourlyMinor, l.AmountMinor})
	}
	want := []line{{"App", 1200, 15000, 5000}, {"Web", 3600, 10000, 10000}, {"Web / Design", 7200, 10000, 20000}}
	if !slices.Equal(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
	if inv.Number != 1 || inv.SubtotalMinor != 35000 || inv.TaxMinor != 6650 || inv.TotalMinor != 41650 || inv.Currency != "EUR" {
		t.Errorf("invoice %d: subtotal %d tax %d total %d %s, want 1: 35000 6650 41650 EUR", inv.Number, inv.SubtotalMinor, inv.TaxMinor, inv.TotalMinor, inv.Currency)
	}
	got, err := svc.InvoiceByID(ctx, a, inv.ID)
	if err != nil || got.Number != 1 || len(got.Lines) != 3 || got.TotalMinor != 41650 || !got.PeriodTo.Equal(time.Date(2026, 10, 16, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("invoice read back: %+v %v", got, err)
	}

	// The invoiced entries are locked: no edit, no delete, no second invoice.
	desc := "changed"
	if _, err := svc.UpdateTimeEntry(ctx, a, e1.ID, app.TimeEntryPatch{Description: &desc}, 0); !errors.Is(err, app.ErrConflict) {
		t.Errorf("editing an invoiced entry: %v, want a conflict", err)
	}
	if err := svc.DeleteTimeEntry(ctx, a, e4.ID, 0); !errors.Is(err, app.ErrConflict) {
		t.Errorf("deleting an invoiced entry: %v, want a conflict", err)
	}
	if _, err := svc.CreateInvoice(ctx, a, app.InvoiceInput{ProjectID: &web.ID, From: "2026-10-01", To: "2026-10-15"}); !errors.Is(err, app.ErrConflict) {
		t.Errorf("invoicing invoiced time again: %v, want a conflict (nothing left)", err)
	}
	// Entries outside the invoice stay editable.
	if _, err := svc.UpdateTimeEntry(ctx, a, late.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Errorf("editing an entry on no invoice: %v", err)
	}
	// A manager unlocks one entry: it can be edited, the others stay locked.
	n, err := svc.UnlockInvoiceEntries(ctx, a, inv.ID, []uuid.UUID{e1.ID})
	if err != nil || n != 1 {
		t.Errorf("unlock: %d %v", n, err)
	}
	if _, err := svc.UpdateTimeEntry(ctx, a, e1.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Errorf("editing an unlocked entry: %v", err)
	}
	if _, err := svc.UpdateTimeEntry(ctx, a, e2.ID, app.TimeEntryPatch{Description: &desc}, 0); !errors.Is(err, app.ErrConflict) {
		t.Errorf("editing a still locked entry: %v", err)
	}
	if _, err := svc.UnlockInvoiceEntries(ctx, a, inv.ID, []uuid.UUID{late.ID}); err == nil {
		t.Error("unlocking an entry that is not on the invoice")
	}
	_ = e3

	// Concurrent invoices, one per project with time of its own, take 2..n+1.
	const n2 = 6
	var projects []app.Project
	for i := range n2 {
		p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: fmt.Sprintf("P%d", i), ClientID: &client.ID, Billable: true})
		must(err)
		entry(&p, nil, 10, 8+i, time.Hour, true)
		projects = append(projects, p)
	}
	numbers := make([]int64, n2)
	errs := make([]error, n2)
	var wg sync.WaitGroup
	for i := range n2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := svc.CreateInvoice(ctx, a, app.InvoiceInput{ProjectID: &projects[i].ID, From: "2026-10-01", To: "2026-10-31", Grouping: app.GroupByEntry})
			numbers[i], errs[i] = inv.Number, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		must(err)
	}
	slices.Sort(numbers)
	if !slices.Equal(numbers, []int64{2, 3, 4, 5, 6, 7}) {
		t.Errorf("concurrent invoice numbers %v, want 2..7", numbers)
	}
	list, err := svc.Invoices(ctx, a)
	if err != nil || len(list) != 7 || list[0].Number != 7 {
		t.Errorf("invoice list: %d invoices, first %v, %v", len(list), list, err)
	}
}

// testInvoiceSync: invoices and the marks on invoiced entries pull (docs/sync.md,
// Invoices). Managers pull the invoice and every mark, each mark at a version of its own
// with the invoice's number and the entry's user; a member pulls the marks of their own
// entries and no invoice; an unlock brings the unlocked marks again, and only them.
func testInvoiceSync(t *testing.T, st app.Store) {
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	s, err := svc.Signup(ctx, app.SignupInput{Email: "invoice-sync@example.com", Password: "correct horse", Name: "Ada", Organization: "Acme", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, s.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	bob, err := svc.AddMember(ctx, a, app.MemberInput{Email: "bob-invoice-sync@example.com", Name: "Bob", Role: app.RoleMember, Password: "correct horse"})
	must(err)
	client, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "Globex"})
	must(err)
	web, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Web", ClientID: &client.ID, Billable: true})
	must(err)
	_, err = svc.SetRate(ctx, a, app.RateInput{HourlyMinor: 10000, Currency: "EUR", EffectiveFrom: "2026-01-01"})
	must(err)
	entry := func(user uuid.UUID, day int) app.TimeEntry {
		t.Helper()
		start := time.Date(2026, 10, day, 9, 0, 0, 0, time.UTC)
		stop := start.Add(time.Hour)
		e, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &web.ID, StartedAt: start, StoppedAt: &stop, UserID: &user})
		must(err)
		return e
	}
	mine, bobs := entry(a.UserID, 5), entry(bob.UserID, 6)
	inv, err := svc.CreateInvoice(ctx, a, app.InvoiceInput{ClientID: &client.ID, From: "2026-10-01", To: "2026-10-31"})
	must(err)

	sc := a.Scope()
	manager := app.Visibility{UserID: a.UserID, Orgs: []app.OrgVisibility{{OrgID: a.OrgID, AllEntries: true}}}
	member := app.Visibility{UserID: bob.UserID, Orgs: []app.OrgVisibility{{OrgID: a.OrgID}}}
	invoiceRows := func(rows []app.SyncRow) (invs []app.Invoice, marks map[uuid.UUID]app.InvoiceMark) {
		marks = map[uuid.UUID]app.InvoiceMark{}
		versions := map[int64]bool{}
		for _, r := range rows {
			switch v := r.Row.(type) {
			case app.Invoice:
				invs = append(invs, v)
			case app.InvoiceMark:
				if r.Kind != app.SyncInvoiceEntry || r.ID != v.SyncID() || r.ID == v.EntryID {
					t.Errorf("mark row %s %s of entry %s", r.Kind, r.ID, v.EntryID)
				}
				if versions[r.Version] {
					t.Errorf("two marks at version %d: a page may end between them", r.Version)
				}
				versions[r.Version] = true
				marks[v.EntryID] = v
			}
		}
		return invs, marks
	}

	// Pages of one row: every mark still comes, once.
	rows, head := pullAll(t, st, sc, 0, 1, manager)
	invs, marks := invoiceRows(rows)
	if len(invs) != 1 || invs[0].ID != inv.ID || invs[0].Number != 1 || len(invs[0].Lines) != len(inv.Lines) || invs[0].TotalMinor != inv.TotalMinor {
		t.Errorf("a manager pulled invoices %+v; want invoice 1 with its lines", invs)
	}
	if len(marks) != 2 || marks[mine.ID].Number != 1 || marks[mine.ID].InvoiceID != inv.ID || marks[mine.ID].UserID != a.UserID ||
		marks[bobs.ID].UserID != bob.UserID || marks[bobs.ID].UnlockedAt != nil || marks[bobs.ID].HLC == "" {
		t.Errorf("a manager pulled marks %+v; want both entries' marks of invoice 1, locked", marks)
	}
	rows, _ = pullAll(t, st, sc, 0, 500, member)
	invs, marks = invoiceRows(rows)
	if len(invs) != 0 || len(marks) != 1 || marks[bobs.ID].Number != 1 {
		t.Errorf("a member pulled invoices %v and marks %+v; want no invoice and the mark of their own entry", invs, marks)
	}

	n, err := svc.UnlockInvoiceEntries(ctx, a, inv.ID, []uuid.UUID{bobs.ID})
	if err != nil || n != 1 {
		t.Fatalf("unlock: %d, %v", n, err)
	}
	rows, _ = pullAll(t, st, sc, head, 500, manager)
	invs, marks = invoiceRows(rows)
	if len(invs) != 0 || len(marks) != 1 || marks[bobs.ID].UnlockedAt == nil || marks[bobs.ID].Version != 2 {
		t.Errorf("after an unlock a manager pulled invoices %v and marks %+v; want the unlocked mark alone, at version 2", invs, marks)
	}
	var l app.EntryLock
	read(t, st, func(tx app.Tx) error {
		var err error
		l, err = tx.Invoices().Lock(ctx, sc, mine.ID)
		return err
	})
	if l.UnlockedAt != nil || l.Number != 1 || l.Version != 1 {
		t.Errorf("the other mark: %+v; want it locked as it was", l)
	}

	// A project an invoice bills outlives its tombstone's purge while the invoice names
	// it, also once its entries moved to another project (unlocked first).
	once, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Once", Billable: true})
	must(err)
	start := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)
	stop := start.Add(time.Hour)
	moved, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &once.ID, StartedAt: start, StoppedAt: &stop})
	must(err)
	inv2, err := svc.CreateInvoice(ctx, a, app.InvoiceInput{ProjectID: &once.ID, From: "2026-10-20", To: "2026-10-20"})
	must(err)
	_, err = svc.UnlockInvoiceEntries(ctx, a, inv2.ID, nil)
	must(err)
	_, err = svc.UpdateTimeEntry(ctx, a, moved.ID, app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: &web.ID}}, 0)
	must(err)
	must(svc.DeleteProject(ctx, a, once.ID, 0))
	now := time.Now()
	write(t, st, func(tx app.Tx) error {
		_, err := tx.Sync().PurgeTombstones(ctx, sc, now.Add(time.Hour), now)
		return err
	})
	if _, err := svc.InvoiceByID(ctx, a, inv2.ID); err != nil {
		t.Errorf("the invoice of a purged project: %v", err)
	}
}
