package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// Rates, budgets and activity slots sync (docs/sync.md, "Rates, budgets and activity
// slots"): pushed through the API's rules, pulled as far as the API lets each user read.

// slotDay is the day the activity scenarios track time on, in UTC.
var slotDay = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// trackHour makes an entry of an hour from at on d and records one slot in each of its
// six 10-minute slots, the nth with n+1 active minutes.
func (d *device) trackHour(at time.Time, desc string) (app.TimeEntry, []app.ActivitySlot) {
	d.t.Helper()
	ctx := context.Background()
	stop := at.Add(time.Hour)
	e, err := d.svc.CreateTimeEntry(ctx, d.actor, app.TimeEntryInput{StartedAt: at, StoppedAt: &stop, Description: desc})
	if err != nil {
		d.t.Fatal(err)
	}
	var out []app.ActivitySlot
	for i := range 6 {
		s, err := d.svc.RecordActivity(ctx, d.actor, app.ActivitySlot{EntryID: e.ID, Start: at.Add(time.Duration(i) * app.SlotLength),
			Tracked: 10 * time.Minute, Active: time.Duration(i+1) * time.Minute, Keys: uint64(10 * i), Apps: []app.AppUsage{{Name: "editor", Time: 5 * time.Minute}}})
		if err != nil {
			d.t.Fatal(err)
		}
		out = append(out, s)
	}
	return e, out
}

// slotsOf lists the activity a service shows an actor on slotDay, as "user entry start
// active": what the Activity screen and GET /v1/activity show.
func slotsOf(t *testing.T, svc *app.Service, a app.Actor, user *uuid.UUID) []app.SlotView {
	t.Helper()
	got, err := svc.Activity(context.Background(), a, app.ActivityQuery{From: "2026-11-20", To: "2026-11-20", Timezone: "UTC", UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]app.SlotView, len(got))
	for i, s := range got {
		out[i] = s.View()
	}
	return out
}

func sameSlots(t *testing.T, what string, got, want []app.SlotView) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d slots, want %d:\n got  %+v\n want %+v", what, len(got), len(want), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.EntryID != w.EntryID || g.UserID != w.UserID || !g.Start.Equal(w.Start) || g.TrackedSeconds != w.TrackedSeconds ||
			g.ActiveSeconds != w.ActiveSeconds || g.Keys != w.Keys || len(g.Apps) != len(w.Apps) {
			t.Fatalf("%s: slot %d = %+v, want %+v", what, i, g, w)
		}
	}
}

// TestSlotsReachTheServerAndOtherDevices: the slots a device measured reach the server and
// the user's other devices, and the manager's; a member's device sees only the member's.
func TestSlotsReachTheServerAndOtherDevices(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	member := newMemberDevice(t, tm, "memberA")
	_, mine := a.trackHour(slotDay, "owner's hour")
	member.trackHour(slotDay.Add(2*time.Hour), "member's hour")
	for _, d := range []*device{a, member, b, a} {
		d.sync()
	}
	onServer := slotsOf(t, tm.svc, tm.owner, nil)
	if len(onServer) != 12 {
		t.Fatalf("server holds %d slots, want the owner's 6 and the member's 6", len(onServer))
	}
	sameSlots(t, "owner's slots on the server", slotsOf(t, tm.svc, tm.owner, &tm.owner.UserID), slotsOf(t, a.svc, a.actor, &a.actor.UserID))
	if onServer[0].ID != mine[0].ID {
		t.Fatalf("the server's first slot is %s, want the device's id %s", onServer[0].ID, mine[0].ID)
	}
	sameSlots(t, "owner's second device", slotsOf(t, b.svc, b.actor, nil), onServer)
	sameSlots(t, "owner's first device", slotsOf(t, a.svc, a.actor, nil), onServer)
	memberView, err := tm.svc.Activity(context.Background(), member.actor, app.ActivityQuery{From: "2026-11-20", To: "2026-11-20", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]app.SlotView, len(memberView))
	for i, s := range memberView {
		want[i] = s.View()
	}
	sameSlots(t, "member's device", slotsOf(t, member.svc, member.actor, nil), want)
	if len(want) != 6 {
		t.Fatalf("the member sees %d slots on the server, want their 6", len(want))
	}
	if member.status().Pending != 0 || a.status().Pending != 0 {
		t.Fatal("outbox not drained")
	}
}

// TestSlotsFollowASplit: a device cutting idle time out of an entry moves the slots after
// the cut to the new entry, and so does the server when the cut is made there (the API, a
// CLI on the server): either way every device shows the slots on the entry they belong to.
func TestSlotsFollowASplit(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	first, _ := a.trackHour(slotDay, "on the device")
	second, _ := a.trackHour(slotDay.Add(2*time.Hour), "on the server")
	a.sync()
	b.sync()
	// The device cuts 08:15–08:30 out of the first hour.
	if _, err := a.svc.NoteIdle(ctx, a.actor, first.ID, slotDay.Add(15*time.Minute), slotDay.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	cutHere, err := a.svc.ResolveIdle(ctx, a.actor, app.IdleDiscard)
	if err != nil || cutHere.Resumed == nil {
		t.Fatalf("discard on the device: %+v, %v", cutHere, err)
	}
	// The server cuts 10:25–10:40 out of the second.
	if _, err := tm.svc.NoteIdle(ctx, tm.owner, second.ID, slotDay.Add(2*time.Hour+25*time.Minute), slotDay.Add(2*time.Hour+40*time.Minute)); err != nil {
		t.Fatal(err)
	}
	cutThere, err := tm.svc.ResolveIdle(ctx, tm.owner, app.IdleDiscard)
	if err != nil || cutThere.Resumed == nil {
		t.Fatalf("discard on the server: %+v, %v", cutThere, err)
	}
	for _, d := range []*device{a, b, a} {
		d.sync()
	}
	onServer := slotsOf(t, tm.svc, tm.owner, nil)
	entryOf := map[string]uuid.UUID{}
	for _, s := range onServer {
		entryOf[s.Start.Format("15:04")] = s.EntryID
	}
	for at, want := range map[string]uuid.UUID{"08:00": first.ID, "08:10": first.ID, "08:30": cutHere.Resumed.ID, "08:50": cutHere.Resumed.ID,
		"10:10": second.ID, "10:20": second.ID, "10:40": cutThere.Resumed.ID, "10:50": cutThere.Resumed.ID} {
		if entryOf[at] != want {
			t.Errorf("server: the %s slot is on entry %s, want %s", at, entryOf[at], want)
		}
	}
	sameSlots(t, "the device that cut", slotsOf(t, a.svc, a.actor, nil), onServer)
	sameSlots(t, "the other device", slotsOf(t, b.svc, b.actor, nil), onServer)
}

// TestSlotOfAnotherUsersEntryIsRejected: a slot is pushed by its entry's user only; a
// manager's device pushing a slot for a member's entry is refused with a reason the
// device keeps, and the server has no such slot.
func TestSlotOfAnotherUsersEntryIsRejected(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	member := newMemberDevice(t, tm, "memberA")
	theirs, _ := member.trackHour(slotDay, "member's hour")
	member.sync()
	a.sync()
	slot := app.SyncedSlot{ID: app.NewID(), OrganizationID: a.actor.OrgID, UserID: member.actor.UserID, EntryID: theirs.ID,
		Start: slotDay.Add(5 * time.Minute).Truncate(time.Minute), TrackedSeconds: 60, Apps: []app.AppView{}}
	out, err := a.remote().Push(ctx, app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "deviceA", Mutations: []app.Mutation{
		mutationOf(t, app.EntityActivitySlot, slot.ID, slot)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Status != app.MutationRejected || out[0].Reason != app.RejectNotFound {
		t.Fatalf("push of a slot of another user's entry = %+v, want rejected not_found", out)
	}
	for _, s := range slotsOf(t, tm.svc, tm.owner, nil) {
		if s.ID == slot.ID {
			t.Fatal("the server took a slot for another user's entry")
		}
	}
}

// mutationOf is a create of entity id with row, stamped now, as a device pushes it.
func mutationOf(t *testing.T, entity string, id uuid.UUID, row any) app.Mutation {
	t.Helper()
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	return app.Mutation{ID: app.NewID(), DeviceSeq: 1, HLC: app.NewHLC(app.SystemClock{}, "deviceA").Now(), Entity: entity, EntityID: id,
		Op: app.OpUpsert, Row: b}
}

// TestRatesAndBudgetsSync: a manager's device sets rates (one from a date in the past) and
// a budget offline; they reach the server with their ids and effective instants unchanged,
// the owner's other device, and, of the rates, a member's device only the one set for the
// member (as GET /v1/rates shows a member); budgets not at all (managers read them).
func TestRatesAndBudgetsSync(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	member := newMemberDevice(t, tm, "memberA")
	a.sync()
	p, err := a.svc.CreateProject(ctx, a.actor, app.ProjectInput{Name: "Website"})
	if err != nil {
		t.Fatal(err)
	}
	orgRate, err := a.svc.SetRate(ctx, a.actor, app.RateInput{HourlyMinor: 9000, Currency: "EUR", EffectiveFrom: "2026-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	memberRate, err := a.svc.SetRate(ctx, a.actor, app.RateInput{UserID: &member.actor.UserID, HourlyMinor: 7000, Currency: "EUR",
		EffectiveFrom: "2026-03-01T09:30:00.123456Z"})
	if err != nil {
		t.Fatal(err)
	}
	projectRate, err := a.svc.SetRate(ctx, a.actor, app.RateInput{ProjectID: &p.ID, HourlyMinor: 12000, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	budget, err := a.svc.SetBudget(ctx, a.actor, p.ID, app.BudgetInput{Kind: app.BudgetMoney, Limit: 500000})
	if err != nil {
		t.Fatal(err)
	}
	// A later amount of the project's rate, from the same instant: an update.
	if _, err := a.svc.SetRate(ctx, a.actor, app.RateInput{ProjectID: &p.ID, HourlyMinor: 12500, Currency: "EUR",
		EffectiveFrom: projectRate.EffectiveFrom.Format(time.RFC3339Nano)}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*device{a, b, member} {
		d.sync()
	}
	if rs := a.status().Rejections; len(rs) != 0 {
		t.Fatalf("rejections: %+v", rs)
	}
	server, err := tm.svc.ListRates(ctx, tm.owner, app.RateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uuid.UUID]app.Rate{orgRate.ID: orgRate, memberRate.ID: memberRate, projectRate.ID: projectRate}
	if len(server) != 3 {
		t.Fatalf("server has %d rates, want 3: %+v", len(server), server)
	}
	for _, r := range server {
		w, ok := want[r.ID]
		if !ok || !r.EffectiveFrom.Equal(w.EffectiveFrom) || r.Level != w.Level {
			t.Errorf("server rate %+v; want the device's id and effective instant %v", r, w.EffectiveFrom)
		}
		if r.ID == projectRate.ID && r.Hourly.Minor != 12500 {
			t.Errorf("project rate on the server = %d, want the later 12500", r.Hourly.Minor)
		}
	}
	other, err := b.svc.ListRates(ctx, b.actor, app.RateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !sameRates(other, server) {
		t.Fatalf("owner's other device rates:\n %+v\nserver:\n %+v", other, server)
	}
	budgets, err := b.svc.Budgets(ctx, b.actor)
	if err != nil || len(budgets) != 1 || budgets[0].ID != budget.ID || budgets[0].Limit != 500000 || budgets[0].Currency != "EUR" {
		t.Fatalf("owner's other device budgets = %+v, %v; want the device's", budgets, err)
	}
	theirs, err := member.svc.ListRates(ctx, member.actor, app.RateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	onServer, err := tm.svc.ListRates(ctx, member.actor, app.RateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs) != 1 || theirs[0].ID != memberRate.ID || !sameRates(theirs, onServer) {
		t.Fatalf("member's device rates = %+v, want only their own, as the server shows them %+v", theirs, onServer)
	}
	if member.holdsRow(app.EntityRate, orgRate.ID) || member.holdsRow(app.EntityBudget, budget.ID) || !member.holdsRow(app.EntityRate, memberRate.ID) {
		t.Fatal("the member's device holds the organization's rate or the budget")
	}
	// A delete travels too.
	if err := b.svc.DeleteRate(ctx, b.actor, orgRate.ID, 0); err != nil {
		t.Fatal(err)
	}
	b.sync()
	a.sync()
	if rs, _ := a.svc.ListRates(ctx, a.actor, app.RateFilter{}); slices.ContainsFunc(rs, func(r app.Rate) bool { return r.ID == orgRate.ID }) {
		t.Fatal("a deleted rate stays on the other device")
	}
}

func sameRates(x, y []app.Rate) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].ID != y[i].ID || x[i].Hourly != y[i].Hourly || !x[i].EffectiveFrom.Equal(y[i].EffectiveFrom) || x[i].Version != y[i].Version {
			return false
		}
	}
	return true
}

// TestDemotedManagersRateIsRejected: a manager sets a rate offline and is made a member
// meanwhile; the push is refused as forbidden, kept among the device's rejections with the
// rate as it was, the device drops the rate (the server has none), and, a member now, keeps
// none of the organization's rates.
func TestDemotedManagersRateIsRejected(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	orgRate, err := tm.svc.SetRate(ctx, tm.owner, app.RateInput{HourlyMinor: 9000, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	member := newMemberDevice(t, tm, "memberA")
	promote(t, tm, app.RoleManager)
	member.sync()
	m := member.localActor()
	if rs, err := member.svc.ListRates(ctx, m, app.RateFilter{}); err != nil || len(rs) != 1 {
		t.Fatalf("a manager's device holds %d rates, %v; want the organization's", len(rs), err)
	}
	r, err := member.svc.SetRate(ctx, m, app.RateInput{HourlyMinor: 8000, Currency: "EUR", UserID: &m.UserID})
	if err != nil {
		t.Fatal(err)
	}
	promote(t, tm, app.RoleMember)
	member.sync()
	member.sync()
	rs := member.status().Rejections
	if len(rs) != 1 || rs[0].Entity != app.EntityRate || rs[0].EntityID != r.ID || rs[0].Reason != app.RejectForbidden || len(rs[0].Row) == 0 {
		t.Fatalf("rejections = %+v; want the rate refused as forbidden, with its row", rs)
	}
	if member.holdsRow(app.EntityRate, r.ID) {
		t.Fatal("the refused rate stays on the device")
	}
	if got, err := member.svc.ListRates(ctx, member.localActor(), app.RateFilter{}); err != nil || len(got) != 0 {
		t.Fatalf("a member's device lists %d rates, %v; want none (none is set for them)", len(got), err)
	}
	if member.holdsRow(app.EntityRate, orgRate.ID) {
		t.Fatal("the demoted member's device still holds the organization's rate: the resync kept what they no longer see")
	}
	if all, err := tm.svc.ListRates(ctx, tm.owner, app.RateFilter{}); err != nil || len(all) != 1 {
		t.Fatalf("server rates = %d, %v; want only the owner's", len(all), err)
	}
}

// TestLockedEntryEditIsRejected: an entry invoiced on the server pulls to the device as
// locked; an edit the device made offline before it heard is refused with the reason, and
// the device shows the server's entry again.
func TestLockedEntryEditIsRejected(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	c, err := tm.svc.CreateClient(ctx, tm.owner, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Site", ClientID: &c.ID, Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.svc.SetRate(ctx, tm.owner, app.RateInput{HourlyMinor: 10000, Currency: "EUR", EffectiveFrom: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	a.sync()
	stop := slotDay.Add(time.Hour)
	e, err := a.svc.CreateTimeEntry(ctx, a.actor, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: slotDay, StoppedAt: &stop, Description: "billed"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	if _, err := tm.svc.CreateInvoice(ctx, tm.owner, app.InvoiceInput{ClientID: &c.ID, From: "2026-11-01", To: "2026-11-30", Timezone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	desc := "changed offline"
	if _, err := a.svc.UpdateTimeEntry(ctx, a.actor, e.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Fatal(err)
	}
	a.sync()
	rs := a.status().Rejections
	if len(rs) != 1 || rs[0].EntityID != e.ID || rs[0].Reason != app.RejectConflict {
		t.Fatalf("rejections = %+v; want the edit of the invoiced entry refused as a conflict", rs)
	}
	got, err := a.svc.TimeEntry(ctx, a.actor, e.ID)
	if err != nil || got.Description != "billed" {
		t.Fatalf("device's entry = %q, %v; want the server's", got.Description, err)
	}
}

// holdsRow reports whether the device's store has a live rate or budget with the id,
// whatever its services let the user read.
func (d *device) holdsRow(entity string, id uuid.UUID) bool {
	d.t.Helper()
	a := d.localActor()
	var found bool
	err := d.svc.Store().Read(context.Background(), func(tx app.Tx) error {
		var err error
		switch entity {
		case app.EntityRate:
			_, err = tx.Rates().Get(context.Background(), a.Scope(), id)
		case app.EntityBudget:
			_, err = tx.Sync().Budget(context.Background(), a.Scope(), id)
		}
		found = err == nil
		return nil
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return found
}

// TestPublishAndJoinCarryTheNewTables: a workspace published to a server takes its rates
// (effective instants unchanged), budgets and activity slots with it, under their ids; a
// workspace joining the team brings its slots on its moved entries and leaves its rates
// and budget behind (the team's rates price the team's time).
func TestPublishAndJoinCarryTheNewTables(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, base := serveStore(t, st)

	a := localDevice(t, "Ada", "Ada's work", base)
	ai := a.catalog(nil, map[string]string{"Website": ""}, nil, nil)
	website := ai["Website"]
	rate, err := a.svc.SetRate(ctx, a.actor, app.RateInput{HourlyMinor: 9000, Currency: "EUR", EffectiveFrom: "2026-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	budget, err := a.svc.SetBudget(ctx, a.actor, website, app.BudgetInput{Kind: app.BudgetHours, Limit: 36000})
	if err != nil {
		t.Fatal(err)
	}
	_, slots := a.trackHour(slotDay, "ada")
	in, err := a.svc.PublishRequest(ctx, "ada@example.com", ownerPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := stintsync.Publish(ctx, nil, base, in)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := a.svc.PlanConnect(ctx, sess, app.ConnectPublish, app.TeamCatalog{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(a.dir), base, sess, plan); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(); rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("A's first round = %+v (status %+v)", rep, a.status())
	}
	owner, err := srv.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	rates, err := srv.ListRates(ctx, owner, app.RateFilter{})
	if err != nil || len(rates) != 1 || rates[0].ID != rate.ID || !rates[0].EffectiveFrom.Equal(rate.EffectiveFrom) || rates[0].Hourly != rate.Hourly {
		t.Fatalf("server rates = %+v, %v; want the published %+v", rates, err, rate)
	}
	budgets, err := srv.Budgets(ctx, owner)
	if err != nil || len(budgets) != 1 || budgets[0].ID != budget.ID {
		t.Fatalf("server budgets = %+v, %v; want the published one", budgets, err)
	}
	onServer := slotsOf(t, srv, owner, nil)
	if len(onServer) != len(slots) || onServer[0].ID != slots[0].ID {
		t.Fatalf("server slots = %+v; want the published %d under their ids", onServer, len(slots))
	}
	sameSlots(t, "published device", slotsOf(t, a.svc, a.actor, nil), onServer)

	// B joins as a member, bringing an hour with its activity and a rate of its own.
	inv, err := srv.CreateInvitation(ctx, owner, app.InvitationInput{Email: "bo@example.com", Role: app.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	b := localDevice(t, "Bo", "Bo's work", base)
	bRate, err := b.svc.SetRate(ctx, b.actor, app.RateInput{HourlyMinor: 5000, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	b.trackHour(slotDay.Add(3*time.Hour), "bo")
	bsess, err := stintsync.AcceptInvitation(ctx, nil, base, "", inv.Code, "Bo", ownerPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	remote, err := stintsync.NewRemote(base, bsess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	team, err := remote.Catalog(ctx, bsess.Organization.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan, err = b.svc.PlanConnect(ctx, bsess, app.ConnectJoin, team)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(b.dir), base, bsess, plan); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(); rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("B's first round = %+v (status %+v)", rep, b.status())
	}
	if b.actor, err = b.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}
	a.sync()
	bSlots := slotsOf(t, srv, owner, &b.actor.UserID)
	if len(bSlots) != 6 {
		t.Fatalf("server holds %d of B's slots, want the 6 it brought", len(bSlots))
	}
	sameSlots(t, "B's device", slotsOf(t, b.svc, b.actor, nil), bSlots)
	sameSlots(t, "A's device", slotsOf(t, a.svc, a.actor, nil), slotsOf(t, srv, owner, nil))
	if rates, err := srv.ListRates(ctx, owner, app.RateFilter{}); err != nil || len(rates) != 1 || rates[0].ID == bRate.ID {
		t.Fatalf("server rates after the join = %+v, %v; want the team's only", rates, err)
	}
}

// TestInvoiceNumbersStayGapFree: invoices made before a workspace is published go up with
// it keeping their numbers and their entries' locks; once connected, a device makes no
// invoice (the server numbers them), so a second device cannot take a number the first
// took offline, and the server's next invoice follows the published ones.
func TestInvoiceNumbersStayGapFree(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, base := serveStore(t, st)

	a := localDevice(t, "Ada", "Ada's work", base)
	c, err := a.svc.CreateClient(ctx, a.actor, app.ClientInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.svc.CreateProject(ctx, a.actor, app.ProjectInput{Name: "Site", ClientID: &c.ID, Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.SetRate(ctx, a.actor, app.RateInput{HourlyMinor: 10000, Currency: "EUR", EffectiveFrom: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	for _, day := range []int{2, 3, 16} {
		a.entry(day, 9, "billed", &p.ID, nil)
	}
	invoice := func(svc *app.Service, actor app.Actor, from, to string) (app.Invoice, error) {
		return svc.CreateInvoice(ctx, actor, app.InvoiceInput{ClientID: &c.ID, From: from, To: to, Timezone: "UTC"})
	}
	first, err := invoice(a.svc, a.actor, "2026-11-01", "2026-11-10")
	if err != nil {
		t.Fatal(err)
	}
	second, err := invoice(a.svc, a.actor, "2026-11-11", "2026-11-20")
	if err != nil || first.Number != 1 || second.Number != 2 {
		t.Fatalf("local invoices %d and %d, %v; want 1 and 2", first.Number, second.Number, err)
	}
	in, err := a.svc.PublishRequest(ctx, "ada@example.com", ownerPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := stintsync.Publish(ctx, nil, base, in)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := a.svc.PlanConnect(ctx, sess, app.ConnectPublish, app.TeamCatalog{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(a.dir), base, sess, plan); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(); rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("A's first round = %+v (status %+v)", rep, a.status())
	}
	owner, err := srv.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	numbers := func() []int64 {
		t.Helper()
		list, err := srv.Invoices(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, inv := range list {
			out = append(out, inv.Number)
		}
		return out
	}
	if got := numbers(); !slices.Equal(got, []int64{2, 1}) {
		t.Fatalf("server invoices %v, want the published 2 and 1", got)
	}
	if got, err := srv.InvoiceByID(ctx, owner, first.ID); err != nil || got.TotalMinor != first.TotalMinor || got.Number != 1 {
		t.Fatalf("server's invoice 1 = %+v, %v; want the device's", got, err)
	}
	// The published invoice's entries are locked on the server too.
	entries, err := srv.TimeEntries(ctx, owner, app.EntryQuery{ListParams: app.ListParams{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	desc := "edited"
	if _, err := srv.UpdateTimeEntry(ctx, owner, entries.Items[0].ID, app.TimeEntryPatch{Description: &desc}, 0); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("editing an invoiced entry on the server: %v, want a conflict (locked)", err)
	}

	// A second device of the same user: neither device numbers an invoice while connected.
	b := &device{t: t, dir: t.TempDir(), url: base}
	bst, err := sqlite.Open(ctx, filepath.Join(b.dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bst.Close() })
	b.svc = app.New(bst, app.Options{Hasher: fastHasher, NodeID: "AdaB"})
	bsess, err := stintsync.Login(ctx, nil, base, "ada@example.com", ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.ConnectRemote(ctx, app.RemoteTokenFile(b.dir), base, bsess); err != nil {
		t.Fatal(err)
	}
	b.sync()
	b.actor = b.localActor()
	a.entry(25, 9, "later", &p.ID, nil)
	for name, d := range map[string]*device{"A": a, "B": b} {
		if _, err := invoice(d.svc, d.actor, "2026-11-21", "2026-11-30"); !errors.Is(err, app.ErrConflict) {
			t.Fatalf("device %s made an invoice while connected: %v, want a conflict", name, err)
		}
	}
	a.sync()
	third, err := invoice(srv, owner, "2026-11-21", "2026-11-30")
	if err != nil || third.Number != 3 {
		t.Fatalf("the server's next invoice = %d, %v; want 3", third.Number, err)
	}
	if got := numbers(); !slices.Equal(got, []int64{3, 2, 1}) {
		t.Fatalf("server invoices %v, want 3, 2, 1", got)
	}
}

// TestTwoDevicesSlotOfOneEntryAndStart (simulation seed 145, once slots synced): two
// devices of a user record a slot of the same entry and start. The server keeps the first
// it hears of and refuses the second as a conflict; the second device drops its own (a
// tombstone) and takes the server's, which its tombstone must not keep out: one live slot
// per entry and start, tombstones aside.
func TestTwoDevicesSlotOfOneEntryAndStart(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	stop := slotDay.Add(time.Hour)
	e, err := a.svc.CreateTimeEntry(ctx, a.actor, app.TimeEntryInput{StartedAt: slotDay, StoppedAt: &stop, Description: "one hour"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	record := func(d *device, keys uint64) {
		t.Helper()
		if _, err := d.svc.RecordActivity(ctx, d.actor, app.ActivitySlot{EntryID: e.ID, Start: slotDay, Tracked: 10 * time.Minute,
			Active: time.Minute, Keys: keys}); err != nil {
			t.Fatal(err)
		}
	}
	record(a, 1)
	record(b, 2)
	a.sync()
	b.sync()
	b.sync()
	st := b.status()
	if len(st.Rejections) != 1 || st.Rejections[0].Entity != app.EntityActivitySlot || st.Rejections[0].Reason != app.RejectConflict {
		t.Fatalf("B's rejections = %+v; want its slot refused as a conflict", st.Rejections)
	}
	if len(st.Deferred) != 0 {
		t.Fatalf("B still defers %+v", st.Deferred)
	}
	onServer := slotsOf(t, tm.svc, tm.owner, nil)
	if len(onServer) != 1 || onServer[0].Keys != 1 {
		t.Fatalf("server slots = %+v; want A's", onServer)
	}
	sameSlots(t, "B", slotsOf(t, b.svc, b.actor, nil), onServer)
}

// TestAnIdleCutKeepsADescriptionEditedElsewhere (simulation seed 278, once the simulation
// cut idle time): cutting idle time out of an entry changes its stop only, so the push of
// the cut does not write the device's older description over a newer one from another
// device.
func TestAnIdleCutKeepsADescriptionEditedElsewhere(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	stop := slotDay.Add(time.Hour)
	e, err := a.svc.CreateTimeEntry(ctx, a.actor, app.TimeEntryInput{StartedAt: slotDay, StoppedAt: &stop, Description: "first"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	desc := "edited on B"
	if _, err := b.svc.UpdateTimeEntry(ctx, b.actor, e.ID, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
		t.Fatal(err)
	}
	b.sync()
	if _, err := a.svc.NoteIdle(ctx, a.actor, e.ID, slotDay.Add(20*time.Minute), slotDay.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.ResolveIdle(ctx, a.actor, app.IdleDiscard); err != nil {
		t.Fatal(err)
	}
	a.sync()
	got, err := tm.svc.TimeEntry(ctx, tm.owner, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != desc || got.StoppedAt == nil || !got.StoppedAt.Equal(slotDay.Add(20*time.Minute)) {
		t.Fatalf("server's entry: %q stopped %v; want B's description and A's cut at 08:20", got.Description, got.StoppedAt)
	}
}
