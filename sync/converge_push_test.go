package sync_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
)

// TestCreatedAtConverges (seed 14: "created_at: server …, device …"): a row made on a
// device keeps its creation instant on the server, since the device never rewrites it
// from a pull.
func TestCreatedAtConverges(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	a.addEntries(1, nil, "made here")
	a.sync()
	for id, e := range entries(t, a.svc, a.actor) {
		srv := entries(t, tm.svc, tm.owner)[id]
		if !srv.CreatedAt.Equal(e.CreatedAt) {
			t.Fatalf("created_at: server %v, device %v", srv.CreatedAt, e.CreatedAt)
		}
	}
}

// TestEditsOfOtherFieldsOnTwoDevicesSurvive: a user edits one field of a row on one device
// and another field of the same row on a second device, both offline. The second device's
// push, the newer, carries the field it did not touch at its old value; only the fields a
// change touched are written (per-field last writer wins), so both edits survive on the
// server and on both devices.
func TestEditsOfOtherFieldsOnTwoDevicesSurvive(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// setup makes the row on the server; editA and editB change it on each device;
		// check reads it from a service and says what is wrong with it.
		setup func(t *testing.T, tm *team) uuid.UUID
		editA func(t *testing.T, d *device, id uuid.UUID)
		editB func(t *testing.T, d *device, id uuid.UUID)
		check func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string
	}{
		{
			name: "an entry: the description on one, the project on the other",
			setup: func(t *testing.T, tm *team) uuid.UUID {
				stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
				e, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "first",
					StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Rocket"}); err != nil {
					t.Fatal(err)
				}
				return e.ID
			},
			editA: func(t *testing.T, d *device, id uuid.UUID) {
				desc := "written on A"
				if _, err := d.svc.UpdateTimeEntry(ctx, d.actor, id, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
					t.Fatal(err)
				}
			},
			editB: func(t *testing.T, d *device, id uuid.UUID) {
				var p uuid.UUID
				for k, n := range projectNames(t, d.svc, d.actor) {
					if n == "Rocket" {
						p = k
					}
				}
				if _, err := d.svc.UpdateTimeEntry(ctx, d.actor, id, app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: &p}}, 0); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string {
				e := entries(t, svc, a)[id]
				if e.Description != "written on A" || e.ProjectID == nil || projectNames(t, svc, a)[*e.ProjectID] != "Rocket" {
					return "description " + e.Description + ", project " + shortp(e.ProjectID) + "; want A's description and B's project"
				}
				return ""
			},
		},
		{
			// The second change touches no field: its empty field list must reach the
			// server as empty, not as missing (which means the whole row).
			name: "an entry: the description on one, a move to no project on the other",
			setup: func(t *testing.T, tm *team) uuid.UUID {
				stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
				e, err := tm.svc.CreateTimeEntry(ctx, tm.owner, app.TimeEntryInput{Description: "first",
					StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
				if err != nil {
					t.Fatal(err)
				}
				return e.ID
			},
			editA: func(t *testing.T, d *device, id uuid.UUID) {
				desc := "written on A"
				if _, err := d.svc.UpdateTimeEntry(ctx, d.actor, id, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
					t.Fatal(err)
				}
			},
			editB: func(t *testing.T, d *device, id uuid.UUID) {
				if _, err := d.svc.UpdateTimeEntry(ctx, d.actor, id, app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true}}, 0); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string {
				if e := entries(t, svc, a)[id]; e.Description != "written on A" || e.ProjectID != nil {
					return "description " + e.Description + ", project " + shortp(e.ProjectID) + "; want A's description and no project"
				}
				return ""
			},
		},
		{
			name: "a project: the name on one, the colour on the other",
			setup: func(t *testing.T, tm *team) uuid.UUID {
				p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Rocket", Color: "#112233"})
				if err != nil {
					t.Fatal(err)
				}
				return p.ID
			},
			editA: func(t *testing.T, d *device, id uuid.UUID) {
				name := "Rocket 2"
				if _, err := d.svc.UpdateProject(ctx, d.actor, id, app.ProjectPatch{Name: &name}, 0); err != nil {
					t.Fatal(err)
				}
			},
			editB: func(t *testing.T, d *device, id uuid.UUID) {
				color := "#445566"
				if _, err := d.svc.UpdateProject(ctx, d.actor, id, app.ProjectPatch{Color: &color}, 0); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string {
				p, err := svc.Project(ctx, a, id)
				if err != nil {
					return err.Error()
				}
				if p.Name != "Rocket 2" || p.Color != "#445566" {
					return "name " + p.Name + ", colour " + p.Color + "; want A's name and B's colour"
				}
				return ""
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := newTeam(t)
			id := tc.setup(t, tm)
			a := newDevice(t, tm, "deviceA")
			b := newDevice(t, tm, "deviceB")
			tc.editA(t, a, id)
			time.Sleep(2 * time.Millisecond) // B's edit stamps after A's
			tc.editB(t, b, id)
			a.sync()
			b.sync()
			a.sync()
			for _, r := range []struct {
				name string
				svc  *app.Service
				a    app.Actor
			}{{"server", tm.svc, tm.owner}, {"device A", a.svc, a.actor}, {"device B", b.svc, b.actor}} {
				if msg := tc.check(t, r.svc, r.a, id); msg != "" {
					t.Errorf("%s: %s", r.name, msg)
				}
			}
		})
	}
}

// TestAWriteAfterARestartStampsAboveTheRow (seeds 1714 and 9523: "description is A on the
// server, but the last write that took effect wrote B"): a device's create is applied but
// its answer is lost, so the device keeps the change pending; the server restarts with its
// clock behind the device's (nothing of the old process's memory, the stamps it observed
// included) and the owner renames the row through the API; the device then edits another
// field, and its pending change, merged, carries the old value at the create's stamp. The
// API write came after the create and must win: a write stamps a row above the stamp the
// row carries, whatever the writing process remembers.
func TestAWriteAfterARestartStampsAboveTheRow(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// create makes the row on the device; rename writes the followed field through the
		// API; edit changes another field on the device; check says what is wrong with
		// the row as svc has it.
		create func(t *testing.T, d *device) uuid.UUID
		rename func(svc *app.Service, a app.Actor, id uuid.UUID) error
		edit   func(t *testing.T, d *device, id uuid.UUID)
		check  func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string
	}{
		{
			name: "an entry's description",
			create: func(t *testing.T, d *device) uuid.UUID {
				stop := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
				e, err := d.svc.CreateTimeEntry(ctx, d.actor, app.TimeEntryInput{Description: "review",
					StartedAt: stop.Add(-time.Hour), StoppedAt: &stop})
				if err != nil {
					t.Fatal(err)
				}
				return e.ID
			},
			rename: func(svc *app.Service, a app.Actor, id uuid.UUID) error {
				desc := "planning"
				_, err := svc.UpdateTimeEntry(ctx, a, id, app.TimeEntryPatch{Description: &desc}, 0)
				return err
			},
			edit: func(t *testing.T, d *device, id uuid.UUID) {
				yes := true
				if _, err := d.svc.UpdateTimeEntry(ctx, d.actor, id, app.TimeEntryPatch{Billable: &yes}, 0); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string {
				if e := entries(t, svc, a)[id]; e.Description != "planning" || !e.Billable {
					return fmt.Sprintf("description %q, billable %v; want the API's description and the device's billable", e.Description, e.Billable)
				}
				return ""
			},
		},
		{
			name: "a project's name",
			create: func(t *testing.T, d *device) uuid.UUID {
				p, err := d.svc.CreateProject(ctx, d.actor, app.ProjectInput{Name: "Rocket", Color: "#112233"})
				if err != nil {
					t.Fatal(err)
				}
				return p.ID
			},
			rename: func(svc *app.Service, a app.Actor, id uuid.UUID) error {
				name := "Apollo"
				_, err := svc.UpdateProject(ctx, a, id, app.ProjectPatch{Name: &name}, 0)
				return err
			},
			edit: func(t *testing.T, d *device, id uuid.UUID) {
				color := "#445566"
				if _, err := d.svc.UpdateProject(ctx, d.actor, id, app.ProjectPatch{Color: &color}, 0); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, svc *app.Service, a app.Actor, id uuid.UUID) string {
				p, err := svc.Project(ctx, a, id)
				if err != nil {
					return err.Error()
				}
				if p.Name != "Apollo" || p.Color != "#445566" {
					return fmt.Sprintf("name %q, colour %s; want the API's name and the device's colour", p.Name, p.Color)
				}
				return ""
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := newTeam(t)
			a := newDevice(t, tm, "deviceA")
			id := tc.create(t, a)
			tm.wrap(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					next.ServeHTTP(httptest.NewRecorder(), r) // applied and committed ...
					panic(http.ErrAbortHandler)               // ... but the answer never arrives
				})
			})
			if _, err := a.svc.SyncRound(ctx, a.remote(), nil); !errors.Is(err, app.ErrUnavailable) {
				t.Fatalf("round whose answer is lost: err = %v, want ErrUnavailable", err)
			}
			tm.restart(app.NewFixedClock(time.Now().Add(-time.Hour)))
			if err := tc.rename(tm.svc, tm.owner, id); err != nil {
				t.Fatal(err)
			}
			tc.edit(t, a, id)
			a.sync()
			a.sync()
			for _, r := range []struct {
				name string
				svc  *app.Service
				a    app.Actor
			}{{"server", tm.svc, tm.owner}, {"device", a.svc, a.actor}} {
				if msg := tc.check(t, r.svc, r.a, id); msg != "" {
					t.Errorf("%s: %s", r.name, msg)
				}
			}
		})
	}
}

// restart replaces the server's process: a new service on the same store, with clock and
// nothing of the old service's memory, behind the same address.
func (tm *team) restart(clock app.Clock) {
	tm.svc = app.New(tm.svc.Store(), app.Options{Hasher: fastHasher, NodeID: "server", Clock: clock})
	h := server.New(tm.svc, server.Config{AllowSignup: true}).Handler()
	tm.base = h
	tm.handler.Store(&h)
}

// TestALateOlderEditLosesToANewerSameValue (seed 9523): a user describes an entry, the push
// of that edit is held up in the network, and the user sets the description back to what
// the server already has; that push is applied, changing nothing. When the held push
// arrives at last, its older edit must lose to the newer one: the newer write of a field
// counts even when it leaves the value as it was.
func TestALateOlderEditLosesToANewerSameValue(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	a.addEntries(1, nil, "review")
	a.sync()
	var id uuid.UUID
	for k := range entries(t, a.svc, a.actor) {
		id = k
	}
	describe := func(desc string) {
		t.Helper()
		if _, err := a.svc.UpdateTimeEntry(ctx, a.actor, id, app.TimeEntryPatch{Description: &desc}, 0); err != nil {
			t.Fatal(err)
		}
	}

	describe("design")
	var held *http.Request
	var body []byte
	tm.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/sync/push" {
				next.ServeHTTP(w, r)
				return
			}
			b, err := io.ReadAll(r.Body)
			if err != nil {
				t.Error(err)
			}
			held, body = r.Clone(context.Background()), b
			panic(http.ErrAbortHandler) // held up in the network; the device times out
		})
	})
	if _, err := a.svc.SyncRound(ctx, a.remote(), nil); !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("round whose push is held up: err = %v, want ErrUnavailable", err)
	}
	tm.wrap(func(http.Handler) http.Handler { return tm.plain() })
	describe("review")
	a.sync()

	held.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	tm.plain().ServeHTTP(rec, held)
	if rec.Code != http.StatusOK {
		t.Fatalf("the held push, delivered: %d %s", rec.Code, rec.Body)
	}
	a.sync()
	for _, r := range []struct {
		name string
		svc  *app.Service
		a    app.Actor
	}{{"server", tm.svc, tm.owner}, {"device", a.svc, a.actor}} {
		if got := entries(t, r.svc, r.a)[id].Description; got != "review" {
			t.Errorf("%s: description %q, want the newer edit's %q", r.name, got, "review")
		}
	}
	cs, err := tm.svc.SyncConflicts(ctx, tm.owner, app.EntityTimeEntry, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Field != "description" || string(cs[0].Lost) != `"design"` {
		t.Errorf("conflict log %+v, want the late %q", cs, "design")
	}
}
