package sync_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// deviceOf is a fresh installation signed in to the server at base as email.
func deviceOf(t *testing.T, base, email, node string) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node}), dir: dir, url: base}
	sess, err := stintsync.Login(ctx, nil, base, email, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), base, sess); err != nil {
		t.Fatal(err)
	}
	d.sync()
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestInvoicesPullToDevices, on a SQLite and a PostgreSQL server: an invoice made through
// the server's API reaches a manager's device with its number and lines, and its entries'
// marks reach the devices of whoever sees the entries (a member's device gets the mark of
// the member's entry and no invoice), so editing an invoiced entry is refused on the device
// with the API's message. A member's edit made offline while the manager invoiced the
// entry is rejected with that reason, kept among the device's rejections, and the device's
// copy becomes the server's. A manager's unlock on the server, audited there, reaches the
// devices, and the entry can be edited and synced again.
func TestInvoicesPullToDevices(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) app.Store
	}{
		{"sqlite", func(t *testing.T) app.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"postgres", postgresStore},
	} {
		t.Run(tc.name, func(t *testing.T) { testInvoicesPullToDevices(t, tc.store(t)) })
	}
}

func testInvoicesPullToDevices(t *testing.T, st app.Store) {
	ctx := context.Background()
	srv, base := serveStore(t, st)
	sess, err := srv.Signup(ctx, app.SignupInput{Email: ownerEmail, Password: ownerPassword, Name: "Ada", Organization: "Team", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := srv.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := srv.AddMember(ctx, owner, app.MemberInput{Email: "bob@example.com", Name: "Bob", Role: app.RoleMember, Password: ownerPassword})
	if err != nil {
		t.Fatal(err)
	}
	c, err := srv.CreateClient(ctx, owner, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := srv.CreateProject(ctx, owner, app.ProjectInput{Name: "Site", ClientID: &c.ID, Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SetRate(ctx, owner, app.RateInput{HourlyMinor: 10000, Currency: "EUR", EffectiveFrom: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	entry := func(user uuid.UUID, day int, desc string) app.TimeEntry {
		t.Helper()
		start := time.Date(2026, 11, day, 9, 0, 0, 0, time.UTC)
		stop := start.Add(time.Hour)
		e, err := srv.CreateTimeEntry(ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop, UserID: &user, Description: desc})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	adas, bobs := entry(owner.UserID, 2, "ada's"), entry(bob.UserID, 3, "bob's")

	a := deviceOf(t, base, ownerEmail, "ada-laptop")
	b := deviceOf(t, base, "bob@example.com", "bob-laptop")
	desc := "changed offline"
	if _, err := b.svc.UpdateTimeEntry(ctx, b.actor, bobs.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Fatal(err)
	}

	// The manager invoices through the server's API while Bob's edit waits on his device.
	inv, err := a.remote().CreateInvoice(ctx, a.actor.OrgID, app.InvoiceInput{ClientID: &c.ID, From: "2026-11-01", To: "2026-11-30", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Number != 1 || inv.TotalMinor != 20000 {
		t.Fatalf("invoice %d of %d; want 1 of 200.00", inv.Number, inv.TotalMinor)
	}
	a.sync()
	b.sync()

	// The manager's device holds the invoice as the server has it.
	got, err := a.svc.Invoices(ctx, a.actor)
	if err != nil || len(got) != 1 || got[0].ID != inv.ID || got[0].Number != 1 || got[0].TotalMinor != inv.TotalMinor ||
		len(got[0].Lines) != len(inv.Lines) || got[0].Lines[0].Description != inv.Lines[0].Description {
		t.Fatalf("the manager's device's invoices: %+v, %v; want the server's invoice 1", got, err)
	}
	// The member's device holds none (members read no invoice) but knows the lock.
	if _, err := b.svc.Invoices(ctx, b.actor); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("the member's device lists invoices: %v; want forbidden", err)
	}
	const locked = "the entry is on invoice 1 and locked; a manager can unlock it"
	refused := func(d *device, id uuid.UUID, who string) {
		t.Helper()
		s := "edited here"
		_, err := d.svc.UpdateTimeEntry(ctx, d.actor, id, app.TimeEntryPatch{Description: &s}, 0)
		if !errors.Is(err, app.ErrConflict) || !strings.Contains(err.Error(), locked) {
			t.Errorf("%s: editing an invoiced entry: %v; want %q", who, err, locked)
		}
	}
	refused(a, adas.ID, "the manager's device")
	refused(a, bobs.ID, "the manager's device, Bob's entry")
	refused(b, bobs.ID, "the member's device")
	// A new device's first pull brings the entries and their marks in one page: both land.
	a2 := deviceOf(t, base, ownerEmail, "ada-desktop")
	if es := entries(t, a2.svc, a2.actor); len(es) != 2 || es[adas.ID].Description != "ada's" || es[bobs.ID].Description != "bob's" {
		t.Fatalf("a new device's entries: %+v; want both", es)
	}
	refused(a2, adas.ID, "a new device of the manager")

	// Bob's offline edit was refused for the lock, kept for him, and his copy is the server's.
	rs := b.status().Rejections
	if len(rs) != 1 || rs[0].EntityID != bobs.ID || rs[0].Reason != app.RejectConflict || !strings.Contains(rs[0].Message, locked) ||
		rs[0].Outcome != app.RejectionReverted {
		t.Fatalf("the member's rejections: %+v; want the edit of the invoiced entry refused as locked, reverted", rs)
	}
	if e, err := b.svc.TimeEntry(ctx, b.actor, bobs.ID); err != nil || e.Description != "bob's" {
		t.Fatalf("the member's entry: %q, %v; want the server's", e.Description, err)
	}
	if n := b.status().Pending; n != 0 {
		t.Fatalf("%d changes pending on the member's device; the refused edits made none", n)
	}

	// The manager unlocks Bob's entry on the server: audited there, and it reaches both devices.
	if n, err := a.remote().UnlockInvoice(ctx, a.actor.OrgID, inv.ID, []uuid.UUID{bobs.ID}); err != nil || n != 1 {
		t.Fatalf("unlock: %d, %v", n, err)
	}
	var audited bool
	if err := st.Read(ctx, func(tx app.Tx) error {
		log, err := tx.Audit().List(ctx, owner.Scope(), app.PageRequest{Limit: 100})
		for _, e := range log {
			audited = audited || (e.Action == "invoice.unlock" && e.EntityID == inv.ID && e.ActorID != nil && *e.ActorID == owner.UserID)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !audited {
		t.Error("the unlock left no audit row naming the invoice and the manager")
	}
	a.sync()
	b.sync()
	if _, err := b.svc.UpdateTimeEntry(ctx, b.actor, bobs.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Fatalf("the member's device edits the unlocked entry: %v", err)
	}
	b.sync()
	if rs := b.status().Rejections; len(rs) != 1 {
		t.Fatalf("the member's rejections after the unlocked edit: %+v; want only the first", rs)
	}
	if e, err := srv.TimeEntry(ctx, owner, bobs.ID); err != nil || e.Description != desc {
		t.Fatalf("the server's entry: %q, %v; want the member's edit", e.Description, err)
	}
	refused(a, adas.ID, "the manager's device after the unlock of another entry")
}

// TestRefusedDeleteOfAnEntryInvoicedMeanwhile: a device deletes an entry offline while a
// manager files it under a new project and invoices it on the server. The delete is
// refused as locked, and the server's entry, which names the project the device has not
// pulled yet, replaces the device's tombstone once the project arrives: it does not stay
// deferred behind its own tombstone (simulation seeds 44 and 96).
func TestRefusedDeleteOfAnEntryInvoicedMeanwhile(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	stop := slotDay.Add(time.Hour)
	e, err := a.svc.CreateTimeEntry(ctx, a.actor, app.TimeEntryInput{StartedAt: slotDay, StoppedAt: &stop, Description: "billed"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	if err := a.svc.DeleteTimeEntry(ctx, a.actor, e.ID, 0); err != nil {
		t.Fatal(err)
	}
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Filed later"})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := tm.svc.UpdateTimeEntry(ctx, tm.owner, e.ID, app.TimeEntryPatch{Billable: &yes,
		ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: &p.ID}}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.svc.SetRate(ctx, tm.owner, app.RateInput{HourlyMinor: 10000, Currency: "EUR", EffectiveFrom: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	day := slotDay.UTC().Format(time.DateOnly)
	if _, err := tm.svc.CreateInvoice(ctx, tm.owner, app.InvoiceInput{ProjectID: &p.ID, From: day, To: day, Timezone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	a.sync()
	rs := a.status().Rejections
	if len(rs) != 1 || rs[0].EntityID != e.ID || rs[0].Op != app.OpDelete || !strings.Contains(rs[0].Message, "locked") {
		t.Fatalf("rejections = %+v; want the delete of the invoiced entry refused as locked", rs)
	}
	if d := a.status().Deferred; len(d) != 0 {
		t.Fatalf("rows still deferred: %+v", d)
	}
	got, err := a.svc.TimeEntry(ctx, a.actor, e.ID)
	if err != nil || got.ProjectID == nil || *got.ProjectID != p.ID || !got.Billable {
		t.Fatalf("the device's entry: %+v, %v; want the server's, live, on the new project", got, err)
	}
	desc := "edited"
	if _, err := a.svc.UpdateTimeEntry(ctx, a.actor, e.ID, app.TimeEntryPatch{Description: &desc}, 0); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("editing the entry on the device: %v; want it refused as locked", err)
	}
}
