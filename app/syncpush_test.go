package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// device makes mutations the way a device's outbox does: UUIDv7 ids, rising sequence
// numbers and HLC stamps from its own clock.
type device struct {
	t     testing.TB
	hlc   *app.HLC
	clock *app.FixedClock
	seq   int64
}

func newDevice(t testing.TB, node string, at time.Time) *device {
	clock := app.NewFixedClock(at)
	return &device{t: t, hlc: app.NewHLC(clock, node), clock: clock}
}

// mutation stamps one mutation of entity with row (marshalled as JSON; nil for none).
func (d *device) mutation(entity string, id uuid.UUID, op app.ChangeOp, row any) app.Mutation {
	d.t.Helper()
	d.seq++
	m := app.Mutation{ID: app.NewID(), DeviceSeq: d.seq, HLC: d.hlc.Now(), Entity: entity, EntityID: id, Op: op}
	if row != nil {
		b, err := json.Marshal(row)
		if err != nil {
			d.t.Fatal(err)
		}
		m.Row = b
	}
	return m
}

func batch(ms ...app.Mutation) app.PushBatch {
	return app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "laptop", Mutations: ms}
}

// push pushes b and fails the test on an error.
func (e *env) push(a app.Actor, b app.PushBatch) []app.MutationOutcome {
	e.t.Helper()
	out, err := e.svc.Push(e.ctx, a, b)
	if err != nil {
		e.t.Fatalf("push: %v", err)
	}
	if len(out) != len(b.Mutations) {
		e.t.Fatalf("push answered %d of %d mutations", len(out), len(b.Mutations))
	}
	return out
}

// wantOutcome checks one outcome's status and reason.
func wantOutcome(t *testing.T, what string, o app.MutationOutcome, status app.MutationStatus, reason app.RejectReason) {
	t.Helper()
	if o.Status != status || o.Reason != reason {
		t.Errorf("%s: %s/%s (%s), want %s/%s", what, o.Status, o.Reason, o.Message, status, reason)
	}
}

// audits counts the audit rows of an entity.
func (e *env) audits(a app.Actor, entityID uuid.UUID) int {
	e.t.Helper()
	n := 0
	err := e.st.Read(e.ctx, func(tx app.Tx) error {
		rows, err := tx.Audit().List(e.ctx, a.Scope(), app.PageRequest{Limit: 10000})
		for _, r := range rows {
			if r.EntityID == entityID {
				n++
			}
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestPushExactlyOnce: a batch pushed again, in sequence or by many pushes at once, is
// applied once: the same answers come back, one row each, one audit row per change, and an
// update is not applied twice (the version says so).
func TestPushExactlyOnce(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	d := newDevice(t, "laptop", e.clock.Now())
	project := app.Project{ID: app.NewID(), OrganizationID: owner.OrgID, Name: "Website", Color: "#4f7cff", Billable: true}
	tag := app.Tag{ID: app.NewID(), Name: "deep work", Color: "#30a46c"}
	stop := e.clock.Now().Add(-time.Hour)
	entry := app.TimeEntry{ID: app.NewID(), ProjectID: &project.ID, Description: "wireframes", StartedAt: stop.Add(-time.Hour),
		StoppedAt: &stop, Timezone: "Europe/Berlin", Billable: true, Source: app.SourceManual, TagIDs: []uuid.UUID{tag.ID}}
	first := batch(
		d.mutation(app.EntityProject, project.ID, app.OpUpsert, project),
		d.mutation(app.EntityTag, tag.ID, app.OpUpsert, tag),
		d.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, entry),
	)
	renamed := project
	renamed.Name = "Website relaunch"
	second := batch(d.mutation(app.EntityProject, project.ID, app.OpUpsert, renamed))

	check := func(t *testing.T, got []app.MutationOutcome, replayed bool) {
		t.Helper()
		for i, o := range got {
			wantOutcome(t, fmt.Sprint("mutation ", i), o, app.MutationApplied, "")
			if o.Replayed != replayed {
				t.Errorf("mutation %d replayed %v, want %v", i, o.Replayed, replayed)
			}
			if len(o.Row) == 0 {
				t.Errorf("mutation %d: no row", i)
			}
		}
	}
	t.Run("sequential", func(t *testing.T) {
		check(t, e.push(owner, first), false)
		check(t, e.push(owner, first), true)
		check(t, e.push(owner, second), false)
		again := e.push(owner, second)
		check(t, again, true)
		if again[0].Version != 2 {
			t.Errorf("version after the update and its retry: %d, want 2", again[0].Version)
		}
		p := must[app.Project](t)(e.svc.Project(e.ctx, owner, project.ID))
		if p.Name != renamed.Name || p.Version != 2 {
			t.Errorf("project: %q v%d, want %q v2", p.Name, p.Version, renamed.Name)
		}
		got := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, entry.ID))
		if got.Description != "wireframes" || !got.StartedAt.Equal(entry.StartedAt) || len(got.TagIDs) != 1 || got.UserID != owner.UserID {
			t.Errorf("entry as stored: %+v", got)
		}
		if n := e.audits(owner, project.ID); n != 2 {
			t.Errorf("project audit rows: %d, want 2 (create, update)", n)
		}
		if n := e.audits(owner, entry.ID); n != 1 {
			t.Errorf("entry audit rows: %d, want 1", n)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		client := app.Client{ID: app.NewID(), Name: "Globex"}
		m := d.mutation(app.EntityClient, client.ID, app.OpUpsert, client)
		renamed := client
		renamed.Name = "Globex Corp"
		u := d.mutation(app.EntityClient, client.ID, app.OpUpsert, renamed)
		b := batch(m, u)
		const pushes = 8
		var wg sync.WaitGroup
		outs := make([][]app.MutationOutcome, pushes)
		errs := make([]error, pushes)
		for i := range pushes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i], errs[i] = e.svc.Push(e.ctx, owner, b)
			}()
		}
		wg.Wait()
		fresh := 0
		for i := range pushes {
			if errs[i] != nil {
				t.Fatalf("push %d: %v", i, errs[i])
			}
			for j, o := range outs[i] {
				wantOutcome(t, fmt.Sprintf("push %d mutation %d", i, j), o, app.MutationApplied, "")
			}
			if !outs[i][0].Replayed {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d pushes applied the batch, want 1", fresh)
		}
		c := must[app.Client](t)(e.svc.Client(e.ctx, owner, client.ID))
		if c.Name != "Globex Corp" || c.Version != 2 {
			t.Errorf("client: %q v%d, want Globex Corp v2", c.Name, c.Version)
		}
		if n := e.audits(owner, client.ID); n != 2 {
			t.Errorf("client audit rows: %d, want 2", n)
		}
	})

	t.Run("listed twice in one batch", func(t *testing.T) {
		tg := app.Tag{ID: app.NewID(), Name: "twice"}
		m := d.mutation(app.EntityTag, tg.ID, app.OpUpsert, tg)
		out := e.push(owner, batch(m, m))
		wantOutcome(t, "first", out[0], app.MutationApplied, "")
		wantOutcome(t, "second", out[1], app.MutationApplied, "")
		if out[0].Replayed || !out[1].Replayed {
			t.Errorf("replayed: %v, %v; want false, true", out[0].Replayed, out[1].Replayed)
		}
		if n := e.audits(owner, tg.ID); n != 1 {
			t.Errorf("tag audit rows: %d, want 1", n)
		}
	})
}

// TestPushRejections: each reason code, from the same rules the API applies; a rejection
// changes nothing and does not stop the batch, and its answer is replayed too.
func TestPushRejections(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	d := newDevice(t, "laptop", e.clock.Now())
	taken := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Taken"}))
	deleted := must[app.Tag](t)(e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "old"}))
	live := must[app.Tag](t)(e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "live"}))
	if err := e.svc.DeleteTag(e.ctx, owner, deleted.ID, 0); err != nil {
		t.Fatal(err)
	}
	ownersEntry := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{
		StartedAt: e.clock.Now().Add(-2 * time.Hour), StoppedAt: ptr(e.clock.Now().Add(-time.Hour))}))
	stop := e.clock.Now().Add(-time.Hour)

	for _, c := range []struct {
		name   string
		actor  app.Actor
		m      app.Mutation
		reason app.RejectReason
	}{
		{"not found: delete of an unknown row", owner, d.mutation(app.EntityProject, app.NewID(), app.OpDelete, nil), app.RejectNotFound},
		{"not found: an organization the user is not in", owner,
			d.mutation(app.EntityTag, app.NewID(), app.OpUpsert, map[string]any{"organization_id": app.NewID(), "name": "x"}), app.RejectNotFound},
		{"not found: another member's entry", member,
			d.mutation(app.EntityTimeEntry, ownersEntry.ID, app.OpUpsert, ownersEntry), app.RejectNotFound},
		{"forbidden: a member creating a project", member,
			d.mutation(app.EntityProject, app.NewID(), app.OpUpsert, app.Project{Name: "Mine"}), app.RejectForbidden},
		{"forbidden: a member deleting a tag", member, d.mutation(app.EntityTag, live.ID, app.OpDelete, nil), app.RejectForbidden},
		{"not found: a project's id named as a tag", owner, d.mutation(app.EntityTag, taken.ID, app.OpDelete, nil), app.RejectNotFound},
		{"invalid: no name", owner, d.mutation(app.EntityClient, app.NewID(), app.OpUpsert, app.Client{Name: " "}), app.RejectInvalid},
		{"invalid: a task in no project", owner, d.mutation(app.EntityTask, app.NewID(), app.OpUpsert, app.Task{Name: "x", ProjectID: app.NewID()}), app.RejectInvalid},
		{"invalid: stop before start", owner, d.mutation(app.EntityTimeEntry, app.NewID(), app.OpUpsert,
			app.TimeEntry{StartedAt: stop, StoppedAt: ptr(stop.Add(-time.Minute)), Source: app.SourceTimer}), app.RejectInvalid},
		{"invalid: an unknown entity", owner, d.mutation("screenshot", app.NewID(), app.OpUpsert, map[string]any{}), app.RejectInvalid},
		{"invalid: a malformed stamp", owner, func() app.Mutation {
			m := d.mutation(app.EntityTag, app.NewID(), app.OpUpsert, app.Tag{Name: "x"})
			m.HLC = "yesterday"
			return m
		}(), app.RejectInvalid},
		{"invalid: a stamp far ahead of the server", owner, func() app.Mutation {
			ahead := newDevice(t, "ahead", e.clock.Now().Add(48*time.Hour))
			return ahead.mutation(app.EntityTag, app.NewID(), app.OpUpsert, app.Tag{Name: "from the future"})
		}(), app.RejectInvalid},
		{"conflict: a name taken", owner, d.mutation(app.EntityProject, app.NewID(), app.OpUpsert, app.Project{Name: "taken"}), app.RejectConflict},
		{"conflict: a deleted row", owner, d.mutation(app.EntityTag, deleted.ID, app.OpUpsert, deleted), app.RejectConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			ok := app.Tag{ID: app.NewID(), Name: "after " + c.name}
			b := batch(c.m)
			if c.actor.Role != app.RoleMember { // members may not make tags
				b = batch(c.m, d.mutation(app.EntityTag, ok.ID, app.OpUpsert, ok))
			}
			pusher := c.actor
			out := e.push(pusher, b)
			wantOutcome(t, "rejected", out[0], app.MutationRejected, c.reason)
			// A rejection carries the server's row when there is one the pusher may read
			// (the device takes it over its own): of these, only the live tag.
			wantRow := c.m.EntityID == live.ID
			if out[0].Message == "" || (len(out[0].Row) != 0) != wantRow || (out[0].HLC != "") != wantRow {
				t.Errorf("rejection: message %q, row %s, hlc %q; want a row: %v", out[0].Message, out[0].Row, out[0].HLC, wantRow)
			}
			if len(out) > 1 {
				wantOutcome(t, "the mutation after it", out[1], app.MutationApplied, "")
			}
			if id := c.m.EntityID; id != taken.ID && id != deleted.ID && id != ownersEntry.ID && id != live.ID {
				if n := e.audits(owner, c.m.EntityID); n != 0 {
					t.Errorf("the rejected mutation left %d audit rows", n)
				}
			}
			again := e.push(pusher, batch(c.m))
			wantOutcome(t, "replayed", again[0], app.MutationRejected, c.reason)
			if !again[0].Replayed {
				t.Error("the retried rejection was not replayed")
			}
		})
	}
	// Nothing rejected changed what it named.
	p := must[app.Project](t)(e.svc.Project(e.ctx, owner, taken.ID))
	oe := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, ownersEntry.ID))
	lt := must[app.Tag](t)(e.svc.Tag(e.ctx, owner, live.ID))
	if p.Version != 1 || oe.Version != 1 || lt.Version != 1 {
		t.Errorf("rejected mutations changed rows: project v%d, entry v%d, tag v%d", p.Version, oe.Version, lt.Version)
	}
}

// TestPushOtherTenant: another tenant's ids cannot be touched: updates and deletes of them
// are not found, in the pusher's organization or naming the other tenant's, and nothing of
// the other tenant changes.
func TestPushOtherTenant(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	b, _ := e.signup()
	d := newDevice(t, "laptop", e.clock.Now())
	project := must[app.Project](t)(e.svc.CreateProject(e.ctx, a, app.ProjectInput{Name: "A's"}))
	tag := must[app.Tag](t)(e.svc.CreateTag(e.ctx, a, app.TagInput{Name: "A's"}))
	entry := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "A's"}))
	pwned := project
	pwned.Name = "pwned"
	inB := pwned
	inB.OrganizationID = uuid.Nil // the pusher's own organization
	entryPwned := entry
	entryPwned.Description = "pwned"
	entryPwned.StoppedAt = ptr(e.clock.Now())
	out := e.push(b, batch(
		d.mutation(app.EntityProject, project.ID, app.OpUpsert, pwned),
		d.mutation(app.EntityProject, project.ID, app.OpUpsert, inB),
		d.mutation(app.EntityTag, tag.ID, app.OpDelete, map[string]any{"organization_id": a.OrgID}),
		d.mutation(app.EntityTag, tag.ID, app.OpDelete, nil),
		d.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, entryPwned),
		d.mutation(app.EntityTimeEntry, entry.ID, app.OpDelete, nil),
	))
	for i, o := range out {
		wantOutcome(t, fmt.Sprint("mutation ", i), o, app.MutationRejected, app.RejectNotFound)
	}
	if p := must[app.Project](t)(e.svc.Project(e.ctx, a, project.ID)); p.Name != "A's" || p.Version != 1 {
		t.Errorf("A's project: %q v%d", p.Name, p.Version)
	}
	if tg := must[app.Tag](t)(e.svc.Tag(e.ctx, a, tag.ID)); tg.Version != 1 {
		t.Errorf("A's tag: v%d", tg.Version)
	}
	if r := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, a)); r == nil || r.ID != entry.ID || r.Description != "A's" {
		t.Errorf("A's running entry: %+v", r)
	}
	// B's own lists hold nothing of A's.
	if ps := must[app.Page[app.Project]](t)(e.svc.Projects(e.ctx, b, app.ListParams{}, true)); len(ps.Items) != 0 {
		t.Errorf("B has projects: %+v", ps.Items)
	}
}

// faultyStore is a real store whose tag inserts fail with an internal error while armed,
// as a database that breaks mid-batch does.
type faultyStore struct {
	app.UnitStore
	armed bool
}

var errDiskOnFire = errors.New("disk on fire")

func (s *faultyStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return s.UnitStore.Write(ctx, func(tx app.Tx) error { return fn(faultyTx{Tx: tx, s: s}) })
}

func (s *faultyStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	return s.UnitStore.Read(ctx, func(tx app.Tx) error { return fn(faultyTx{Tx: tx, s: s}) })
}

type faultyTx struct {
	app.Tx
	s *faultyStore
}

func (tx faultyTx) Tags() app.Tags { return faultyTags{Tags: tx.Tx.Tags(), s: tx.s} }

type faultyTags struct {
	app.Tags
	s *faultyStore
}

func (t faultyTags) Insert(ctx context.Context, sc app.Scope, tg app.Tag) error {
	if t.s.armed {
		return errDiskOnFire
	}
	return t.Tags.Insert(ctx, sc, tg)
}

// TestPushRollsBackOnInternalError: an internal error in the middle of a batch keeps none
// of it, not the mutations before it and not their recorded outcomes; the retry applies all.
func TestPushRollsBackOnInternalError(t *testing.T) {
	e := newEnv(t)
	fs := &faultyStore{UnitStore: e.st}
	svc := app.New(fs, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"})
	owner, _ := e.signup()
	d := newDevice(t, "laptop", e.clock.Now())
	project := app.Project{ID: app.NewID(), Name: "Before the fault"}
	tag := app.Tag{ID: app.NewID(), Name: "the fault"}
	client := app.Client{ID: app.NewID(), Name: "after the fault"}
	b := batch(
		d.mutation(app.EntityProject, project.ID, app.OpUpsert, project),
		d.mutation(app.EntityTag, tag.ID, app.OpUpsert, tag),
		d.mutation(app.EntityClient, client.ID, app.OpUpsert, client),
	)
	fs.armed = true
	if _, err := svc.Push(e.ctx, owner, b); !errors.Is(err, errDiskOnFire) {
		t.Fatalf("push: %v, want the store's error", err)
	}
	_, err := e.svc.Project(e.ctx, owner, project.ID)
	wantErr(t, err, app.ErrNotFound)
	if n := e.audits(owner, project.ID); n != 0 {
		t.Errorf("the rolled-back project left %d audit rows", n)
	}
	fs.armed = false
	out, err := svc.Push(e.ctx, owner, b)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		wantOutcome(t, fmt.Sprint("retry ", i), o, app.MutationApplied, "")
		if o.Replayed {
			t.Errorf("retry %d replayed an outcome of the rolled-back batch", i)
		}
	}
}

// TestPushRunningTimer: a pushed start while another entry of the user runs stops the
// older one, by the HLC of the starts, at the newer start; one entry runs afterwards
// whichever order the devices' pushes arrive in.
func TestPushRunningTimer(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	now := e.clock.Now()
	laptop := newDevice(t, "laptop", now.Add(-30*time.Minute))
	desktop := newDevice(t, "desktop", now.Add(-10*time.Minute))
	start := func(d *device, at time.Time, what string) (app.TimeEntry, app.Mutation) {
		en := app.TimeEntry{ID: app.NewID(), Description: what, StartedAt: at, Timezone: "Europe/Berlin", Source: app.SourceTimer}
		return en, d.mutation(app.EntityTimeEntry, en.ID, app.OpUpsert, en)
	}
	stoppedAt := func(id uuid.UUID) *time.Time {
		t.Helper()
		return must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, id)).StoppedAt
	}

	t.Run("newer start arrives second", func(t *testing.T) {
		older, m1 := start(laptop, now.Add(-30*time.Minute), "laptop")
		newer, m2 := start(desktop, now.Add(-10*time.Minute), "desktop")
		wantOutcome(t, "older", e.push(owner, batch(m1))[0], app.MutationApplied, "")
		wantOutcome(t, "newer", e.push(owner, batch(m2))[0], app.MutationApplied, "")
		if s := stoppedAt(older.ID); s == nil || !s.Equal(newer.StartedAt) {
			t.Errorf("older entry stopped at %v, want %v", s, newer.StartedAt)
		}
		if s := stoppedAt(newer.ID); s != nil {
			t.Errorf("newer entry stopped at %v, want running", s)
		}
	})
	t.Run("older start arrives second", func(t *testing.T) {
		laptop.clock.Set(now.Add(-5 * time.Minute))
		desktop.clock.Set(now.Add(-3 * time.Minute))
		older, m1 := start(laptop, now.Add(-5*time.Minute), "laptop again")
		newer, m2 := start(desktop, now.Add(-3*time.Minute), "desktop again")
		out := e.push(owner, batch(m2, m1))
		wantOutcome(t, "newer", out[0], app.MutationApplied, "")
		wantOutcome(t, "older", out[1], app.MutationApplied, "")
		var row app.TimeEntry
		if err := json.Unmarshal(out[1].Row, &row); err != nil || row.StoppedAt == nil || !row.StoppedAt.Equal(newer.StartedAt) {
			t.Errorf("older entry as answered: stopped %v (%v), want %v", row.StoppedAt, err, newer.StartedAt)
		}
		if s := stoppedAt(older.ID); s == nil || !s.Equal(newer.StartedAt) {
			t.Errorf("older entry stopped at %v, want %v", s, newer.StartedAt)
		}
		if s := stoppedAt(newer.ID); s != nil {
			t.Errorf("newer entry stopped at %v, want running", s)
		}
	})
	t.Run("a timer started through the API", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		api := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "api"}))
		// The laptop started earlier, offline; its stamp is older than the server's.
		laptop.clock.Set(api.StartedAt.Add(-time.Minute))
		offline, m := start(laptop, api.StartedAt.Add(-time.Minute), "offline")
		wantOutcome(t, "offline start", e.push(owner, batch(m))[0], app.MutationApplied, "")
		if s := stoppedAt(offline.ID); s == nil || !s.Equal(api.StartedAt) {
			t.Errorf("offline entry stopped at %v, want %v", s, api.StartedAt)
		}
		r := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, owner))
		if r == nil || r.ID != api.ID {
			t.Errorf("running: %+v, want the API's entry", r)
		}
	})
	t.Run("a device stops its timer", func(t *testing.T) {
		r := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, owner))
		stopped := *r
		stopped.StoppedAt = ptr(r.StartedAt.Add(26 * time.Hour)) // timers may run past a day
		e.clock.Set(*stopped.StoppedAt)
		laptop.clock.Set(*stopped.StoppedAt)
		wantOutcome(t, "stop", e.push(owner, batch(laptop.mutation(app.EntityTimeEntry, r.ID, app.OpUpsert, stopped)))[0], app.MutationApplied, "")
		if s := stoppedAt(r.ID); s == nil || !s.Equal(*stopped.StoppedAt) {
			t.Errorf("stopped at %v, want %v", s, stopped.StoppedAt)
		}
		// A device that still shows it running cannot restart it.
		wantOutcome(t, "stale edit", e.push(owner, batch(desktop.mutation(app.EntityTimeEntry, r.ID, app.OpUpsert, *r)))[0], app.MutationApplied, "")
		if s := stoppedAt(r.ID); s == nil {
			t.Error("a stale running copy restarted the entry")
		}
	})
}

// TestPushBatchRules: the protocol version and the batch size are checked before anything.
func TestPushBatchRules(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	var pe *app.ProtocolError
	for _, v := range []int{app.MinSyncProtocol - 1, app.SyncProtocol + 1} {
		_, err := e.svc.Push(e.ctx, owner, app.PushBatch{Protocol: v})
		if !errors.As(err, &pe) || pe.Client != v || pe.Server != app.SyncProtocol {
			t.Errorf("protocol %d: %v", v, err)
		}
	}
	for v := app.MinSyncProtocol; v <= app.SyncProtocol; v++ {
		if _, err := e.svc.Push(e.ctx, owner, app.PushBatch{Protocol: v}); err != nil {
			t.Errorf("protocol %d is served, but: %v", v, err)
		}
	}
	d := newDevice(t, "laptop", e.clock.Now())
	var ms []app.Mutation
	for range app.MaxPushBatch + 1 {
		ms = append(ms, d.mutation(app.EntityTag, app.NewID(), app.OpDelete, nil))
	}
	_, err := e.svc.Push(e.ctx, owner, batch(ms...))
	if got := fields(err); len(got) != 1 || got[0] != "mutations" {
		t.Errorf("%d mutations: %v", len(ms), err)
	}
	out := e.push(owner, batch(ms[:app.MaxPushBatch]...))
	for i, o := range out {
		wantOutcome(t, fmt.Sprint("delete ", i), o, app.MutationRejected, app.RejectNotFound)
	}
}

// FuzzPushRow pushes whatever a device might send as a row, for every entity and op: the
// push never fails as a whole and never panics; each mutation is applied or rejected.
func FuzzPushRow(f *testing.F) {
	for _, s := range []string{`{"name":"x"}`, `{"name":"x","color":"#ABCDEF","client_id":null}`, `null`, `[]`, `"x"`, `{"id":"nope"}`,
		`{"started_at":"2026-11-23T08:00:00Z","stopped_at":"2026-11-23T09:00:00Z","source":"timer","tag_ids":[]}`,
		`{"started_at":"2026-11-23T08:00:00Z","source":"idle","project_id":"00000000-0000-0000-0000-000000000000"}`,
		`{"organization_id":"01a21d79-a4d9-755f-8b2d-44a674d78cb7","name":"x"}`, `{"name":"\u0000"}`, `{"description":` + strings.Repeat(`"x`, 2) + `}`} {
		for i := range 5 {
			f.Add(s, uint8(i), false)
		}
	}
	e, owner := ownerEnv(f)
	d := newDevice(f, "fuzz", e.clock.Now())
	entities := []string{app.EntityClient, app.EntityProject, app.EntityTask, app.EntityTag, app.EntityTimeEntry}
	f.Fuzz(func(t *testing.T, row string, entity uint8, del bool) {
		op := app.OpUpsert
		if del {
			op = app.OpDelete
		}
		m := app.Mutation{ID: app.NewID(), HLC: d.hlc.Now(), Entity: entities[int(entity)%len(entities)], EntityID: app.NewID(), Op: op, Row: json.RawMessage(row)}
		out, err := e.svc.Push(e.ctx, owner, batch(m, m))
		if err != nil {
			t.Fatalf("push of %q: %v", row, err)
		}
		if out[0].Status != app.MutationApplied && out[0].Status != app.MutationRejected {
			t.Fatalf("outcome %+v", out[0])
		}
		if out[1].Status != out[0].Status || !out[1].Replayed {
			t.Fatalf("the repeat was answered %+v after %+v", out[1], out[0])
		}
	})
}

// BenchmarkPush500 pushes full batches of new time entries (the largest write transaction
// a device causes) and, as the baseline measured in the same run, creates as many entries
// through the API's service one transaction each.
func BenchmarkPush500(b *testing.B) {
	e, owner := ownerEnv(b)
	d := newDevice(b, "bench", e.clock.Now())
	start := e.clock.Now().Add(-200 * 24 * time.Hour)
	next := func() app.TimeEntry {
		start = start.Add(time.Minute)
		stop := start.Add(30 * time.Second)
		return app.TimeEntry{ID: app.NewID(), StartedAt: start, StoppedAt: &stop, Description: "bench", Source: app.SourceManual}
	}
	b.Run("push", func(b *testing.B) {
		for b.Loop() {
			ms := make([]app.Mutation, app.MaxPushBatch)
			for i := range ms {
				en := next()
				ms[i] = d.mutation(app.EntityTimeEntry, en.ID, app.OpUpsert, en)
			}
			out, err := e.svc.Push(e.ctx, owner, batch(ms...))
			if err != nil {
				b.Fatal(err)
			}
			for _, o := range out {
				if o.Status != app.MutationApplied {
					b.Fatalf("%s: %s", o.Reason, o.Message)
				}
			}
		}
	})
	b.Run("api-one-by-one", func(b *testing.B) {
		for b.Loop() {
			for range app.MaxPushBatch {
				en := next()
				if _, err := e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: en.StartedAt, StoppedAt: en.StoppedAt, Description: en.Description}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// ownerEnv is newEnv and signup for fuzz targets and benchmarks.
func ownerEnv(tb testing.TB) (*env, app.Actor) {
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "stint.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	e := &env{ctx: context.Background(), st: st, clock: clock, svc: app.New(st, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "test"})}
	s, err := e.svc.Signup(e.ctx, app.SignupInput{Email: "owner@example.com", Password: "correct horse", Name: "Owner", Organization: "Org"})
	if err != nil {
		tb.Fatal(err)
	}
	a, err := e.svc.Authenticate(e.ctx, s.Token, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return e, a
}

// TestPushLastWriterWinsPerField: two devices edit one entry offline. The later edit of a
// field wins whichever push arrives first; the older value of that field is not taken and
// is kept in the conflict log, while the older device's edit of another field still
// applies. A write that is no push counts for every field at its stamp.
func TestPushLastWriterWinsPerField(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	now := e.clock.Now()
	laptop := newDevice(t, "laptop", now.Add(-20*time.Minute))
	desktop := newDevice(t, "desktop", now.Add(-20*time.Minute))
	stop := now.Add(-time.Hour)
	entry := app.TimeEntry{ID: app.NewID(), Description: "first", StartedAt: stop.Add(-time.Hour), StoppedAt: &stop,
		Timezone: "Europe/Berlin", Source: app.SourceManual}
	wantOutcome(t, "create", e.push(owner, batch(laptop.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, entry)))[0], app.MutationApplied, "")

	// Offline: the laptop edits the description and marks it billable; later the desktop
	// edits the description.
	laptop.clock.Set(now.Add(-10 * time.Minute))
	older := entry
	older.Description, older.Billable = "from the laptop", true
	fromLaptop := laptop.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, older)
	desktop.clock.Set(now.Add(-5 * time.Minute))
	newer := entry
	newer.Description = "from the desktop"
	fromDesktop := desktop.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, newer)

	// The desktop reaches the server first, then the laptop.
	wantOutcome(t, "desktop", e.push(owner, batch(fromDesktop))[0], app.MutationApplied, "")
	out := e.push(owner, batch(fromLaptop))[0]
	wantOutcome(t, "laptop", out, app.MutationApplied, "")
	if len(out.Lost) != 1 || out.Lost[0] != "description" {
		t.Errorf("lost fields: %v, want [description]", out.Lost)
	}
	got := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, entry.ID))
	if got.Description != "from the desktop" || !got.Billable {
		t.Errorf("entry: %q billable %v; want the desktop's description and the laptop's billable", got.Description, got.Billable)
	}
	cs := must[[]app.SyncConflict](t)(e.svc.SyncConflicts(e.ctx, owner, app.EntityTimeEntry, entry.ID))
	if len(cs) != 1 || cs[0].Field != "description" || string(cs[0].Kept) != `"from the desktop"` || string(cs[0].Lost) != `"from the laptop"` ||
		cs[0].KeptHLC != fromDesktop.HLC || cs[0].LostHLC != fromLaptop.HLC || cs[0].MutationID != fromLaptop.ID || cs[0].UserID != owner.UserID {
		t.Errorf("conflict log: %+v", cs)
	}

	// An edit through the API after both: a push stamped before it loses every field it
	// changes.
	e.clock.Set(now)
	if _, err := e.svc.UpdateTimeEntry(e.ctx, owner, entry.ID, app.TimeEntryPatch{Timezone: ptr("UTC")}, 0); err != nil {
		t.Fatal(err)
	}
	stale := got
	stale.Description, stale.Timezone = "stale", "Europe/Paris"
	desktop.clock.Set(now.Add(-time.Minute))
	out = e.push(owner, batch(desktop.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, stale)))[0]
	if len(out.Lost) != 2 {
		t.Errorf("lost fields after an API edit: %v, want description and timezone", out.Lost)
	}
	got = must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, entry.ID))
	if got.Description != "from the desktop" || got.Timezone != "UTC" {
		t.Errorf("entry after a stale push: %q %s", got.Description, got.Timezone)
	}
	// A newer push wins again.
	desktop.clock.Set(now.Add(time.Minute))
	out = e.push(owner, batch(desktop.mutation(app.EntityTimeEntry, entry.ID, app.OpUpsert, stale)))[0]
	if len(out.Lost) != 0 {
		t.Errorf("a newer push lost %v", out.Lost)
	}
	if got = must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, entry.ID)); got.Description != "stale" || got.Timezone != "Europe/Paris" {
		t.Errorf("entry after a newer push: %q %s", got.Description, got.Timezone)
	}
	if cs := must[[]app.SyncConflict](t)(e.svc.SyncConflicts(e.ctx, owner, app.EntityTimeEntry, entry.ID)); len(cs) != 3 {
		t.Errorf("conflict log has %d records, want 3", len(cs))
	}
}
