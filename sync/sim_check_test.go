package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// simOracle follows what the server applied, in the order it applied it (the simulation
// runs one request at a time), to say after the run what the server's rows must hold.
type simOracle struct {
	// last is, per row and checked field, the value of the last write that took effect.
	last    map[uuid.UUID]map[string]json.RawMessage
	created map[uuid.UUID]bool
	deleted map[uuid.UUID]bool
	lost    []simLost
	reject  []simRejected
	// sent is, per device and row, the highest device sequence the server saw for it.
	sent map[string]map[uuid.UUID]int64
	// applied is, per device and row, the highest device sequence the server applied for it: a
	// refused change left the server's row as it was, so an update arriving after it (a
	// create held up in the network, delivered after its row's refused delete) changes
	// what the server took last, not what it refused.
	applied map[string]map[uuid.UUID]int64
	// stamps is, per device, the highest sequence pushed and its stamp.
	stamps map[string]simStamp
	// edits are, per device and row, the followed fields its user changed there and the
	// device sequence of each change: an update a device pushes writes only those.
	edits map[string]map[uuid.UUID][]simEdit
	// locked is, per entry on an invoice and not unlocked since, the entry as the server
	// had it when it was invoiced: no edit may take effect on it, from any device or the API.
	locked map[uuid.UUID]string
}

type simEdit struct {
	field string
	seq   int64
}

// edited notes a user's change of a followed field on a device, made as its change #seq.
func (o *simOracle) edited(dev string, id uuid.UUID, field string, seq int64) {
	if o.edits[dev] == nil {
		o.edits[dev] = map[uuid.UUID][]simEdit{}
	}
	o.edits[dev][id] = append(o.edits[dev][id], simEdit{field: field, seq: seq})
}

// touched reports whether the device's user changed the field of the row in one of its
// changes after after, up to through: what a mutation pushed as change #through carries.
func (o *simOracle) touched(dev string, id uuid.UUID, field string, after, through int64) bool {
	return slices.ContainsFunc(o.edits[dev][id], func(e simEdit) bool { return e.field == field && e.seq > after && e.seq <= through })
}

type simLost struct {
	entity string
	id     uuid.UUID
	field  string
	mut    uuid.UUID
}

type simRejected struct {
	dev    string
	mut    uuid.UUID
	entity uuid.UUID
	seq    int64
	reason app.RejectReason
}

type simStamp struct {
	seq int64
	hlc string
}

// simStrictStamps holds each device's stamps to going forward across restarts: a device's
// HLC starts above the high-water mark its last process kept (app/hlc.go), so its newer
// edit never sorts before its older one under last-writer-wins. STINT_SIM_STRICT_STAMPS=0
// turns the check off.
var simStrictStamps = os.Getenv("STINT_SIM_STRICT_STAMPS") != "0"

// simFields are the fields the oracle follows: the ones people type, and an organization's
// activity settings (nested fields, each compared on its own: simFlatten).
var simFields = []string{"name", "description", "activity.screenshots", "activity.window_titles", "activity.screenshot_minutes"}

func newSimOracle() simOracle {
	return simOracle{last: map[uuid.UUID]map[string]json.RawMessage{}, created: map[uuid.UUID]bool{},
		deleted: map[uuid.UUID]bool{}, sent: map[string]map[uuid.UUID]int64{}, applied: map[string]map[uuid.UUID]int64{}, stamps: map[string]simStamp{},
		edits: map[string]map[uuid.UUID][]simEdit{}, locked: map[uuid.UUID]string{}}
}

func (o *simOracle) took(id uuid.UUID, f string, v json.RawMessage) {
	if o.last[id] == nil {
		o.last[id] = map[string]json.RawMessage{}
	}
	o.last[id][f] = v
}

// serverWrote notes a write through the API.
func (o *simOracle) serverWrote(id uuid.UUID, row any) {
	b, _ := json.Marshal(row)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	simFlatten(m)
	o.created[id] = true
	fields := simFields
	if _, ok := row.(app.User); ok {
		fields = simUserFields
	}
	for _, f := range fields {
		if v, ok := m[f]; ok {
			o.took(id, f, v)
		}
	}
}

// pushed notes a push the server answered (whether or not the answer reaches the device).
func (o *simOracle) pushed(s *sim, d *simDevice, _ app.Actor, b app.PushBatch, out []app.MutationOutcome) {
	byID := map[uuid.UUID]app.Mutation{}
	for _, m := range b.Mutations {
		byID[m.ID] = m
	}
	if o.sent[d.name] == nil {
		o.sent[d.name] = map[uuid.UUID]int64{}
		o.applied[d.name] = map[uuid.UUID]int64{}
	}
	for _, r := range out {
		m := byID[r.ID]
		o.sent[d.name][m.EntityID] = max(o.sent[d.name][m.EntityID], m.DeviceSeq)
		prev := o.applied[d.name][m.EntityID]
		if r.Status != app.MutationRejected {
			o.applied[d.name][m.EntityID] = max(prev, m.DeviceSeq)
		}
		if st := o.stamps[d.name]; m.DeviceSeq > st.seq {
			if m.HLC <= st.hlc && simStrictStamps {
				s.failf("%s: change #%d is stamped %s, not after its change #%d (%s): the device's clock went back", d.name,
					m.DeviceSeq, m.HLC, st.seq, st.hlc)
			}
			o.stamps[d.name] = simStamp{seq: m.DeviceSeq, hlc: m.HLC}
		}
		if r.Replayed {
			continue
		}
		if r.Status == app.MutationRejected && m.Entity == app.EntityUser {
			// Every role may set its own zone, to any zone the simulation picks.
			s.failf("%s's change #%d of its own user %s was refused: %s %s", d.name, m.DeviceSeq, short(m.EntityID), r.Reason, r.Message)
		}
		if r.Status == app.MutationRejected {
			s.stats.rejections++
			o.reject = append(o.reject, simRejected{dev: d.name, mut: m.ID, entity: m.EntityID, seq: m.DeviceSeq, reason: r.Reason})
			s.logf("server: rejects %s's %s %s %s: %s %s", d.name, m.Op, m.Entity, short(m.EntityID), r.Reason, r.Message)
			continue
		}
		if m.Op == app.OpDelete {
			o.deleted[m.EntityID] = true
			continue
		}
		// An organization and a user are made on the server: a push only ever updates
		// them.
		create := !o.created[m.EntityID] && m.Entity != app.EntityOrganization && m.Entity != app.EntityUser
		o.created[m.EntityID] = true
		var pushed, got map[string]json.RawMessage
		_ = json.Unmarshal(m.Row, &pushed)
		_ = json.Unmarshal(r.Row, &got)
		simFlatten(pushed)
		if got != nil {
			simFlatten(got)
		}
		for _, f := range followedFields(m.Entity) {
			v, ok := pushed[f]
			if !ok {
				continue
			}
			if slices.Contains(r.Lost, f) {
				o.lost = append(o.lost, simLost{entity: m.Entity, id: m.EntityID, field: f, mut: m.ID})
				continue
			}
			if !create && !o.touched(d.name, m.EntityID, f, prev, m.DeviceSeq) {
				// The device's user did not change it since the server last heard from
				// the device about the row: an update leaves the server's value.
				continue
			}
			if got != nil && !jsonEqual(got[f], v) {
				s.failf("%s %s: %s's %s %s was answered applied, but the server's row has %s", m.Entity, short(m.EntityID), d.name, f, v, got[f])
			}
			o.took(m.EntityID, f, v)
		}
	}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// simRow is a row as a replica holds it.
type simRow struct {
	kind    app.SyncKind
	json    string
	deleted bool
	running bool
	user    uuid.UUID
}

func toSimRow(kind app.SyncKind, row any) simRow {
	b, _ := json.Marshal(row)
	r := simRow{kind: kind, json: string(b)}
	var head struct {
		DeletedAt *string    `json:"deleted_at"`
		StoppedAt *string    `json:"stopped_at"`
		UserID    *uuid.UUID `json:"user_id"`
	}
	_ = json.Unmarshal(b, &head)
	r.deleted = head.DeletedAt != nil
	if kind == app.SyncTimeEntry {
		r.running = head.StoppedAt == nil
		r.user = *head.UserID
	}
	return r
}

// serverView is everything the device's user may see on the server, as a pull from zero
// brings it.
func (s *sim) serverView(ctx context.Context, d *simDevice) (map[uuid.UUID]simRow, error) {
	a, err := s.srv.svc.Authenticate(ctx, d.token, nil)
	if err != nil {
		return nil, err
	}
	return s.serverViewOf(ctx, a)
}

func (s *sim) serverViewOf(ctx context.Context, a app.Actor) (map[uuid.UUID]simRow, error) {
	out := map[uuid.UUID]simRow{}
	for cursor := int64(0); ; {
		p, err := s.srv.svc.PullSync(ctx, a, app.SyncPullInput{Protocol: app.SyncProtocol, Cursor: cursor, Limit: app.MaxSyncPullLimit})
		if err != nil {
			return nil, err
		}
		for _, r := range p.Rows {
			out[r.ID] = toSimRow(r.Kind, r.Row)
		}
		cursor = p.Cursor
		if !p.More {
			return out, nil
		}
	}
}

// deviceView is every row in the device's store, tombstones included.
func deviceView(ctx context.Context, d *simDevice) (map[uuid.UUID]simRow, error) {
	a, err := d.svc.LocalActor(ctx)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]simRow{}
	err = d.st.Read(ctx, func(tx app.Tx) error {
		orgs, err := tx.Organizations().ListForUser(ctx, a.Scope(), a.UserID)
		if err != nil {
			return err
		}
		vis := app.Visibility{UserID: a.UserID}
		for _, o := range orgs {
			vis.Orgs = append(vis.Orgs, app.OrgVisibility{OrgID: o.ID, AllEntries: true})
		}
		for cursor := int64(0); ; {
			p, err := tx.Sync().Pull(ctx, app.Scope{TenantID: a.TenantID}, cursor, app.MaxSyncPullLimit, vis)
			if err != nil {
				return err
			}
			for _, r := range p.Rows {
				out[r.ID] = toSimRow(r.Kind, r.Row)
			}
			cursor = p.Cursor
			if !p.More {
				return nil
			}
		}
	})
	return out, err
}

func live(rows map[uuid.UUID]simRow) map[uuid.UUID]simRow {
	out := map[uuid.UUID]simRow{}
	for id, r := range rows {
		if !r.deleted {
			out[id] = r
		}
	}
	return out
}

func oneRunningPerUser(rows map[uuid.UUID]simRow) error {
	running := map[uuid.UUID][]uuid.UUID{}
	for id, r := range rows {
		if r.running && !r.deleted {
			running[r.user] = append(running[r.user], id)
		}
	}
	for u, ids := range running {
		if len(ids) > 1 {
			return fmt.Errorf("user %s has %d running entries", short(u), len(ids))
		}
	}
	return nil
}

// check holds the healed run to the promises (docs/sync.md, Simulation).
func (s *sim) check() {
	if len(s.fails) > 0 {
		return
	}
	ctx := context.Background()
	tenants := [2]map[uuid.UUID]simRow{}
	for i, a := range s.owners {
		v, err := s.serverViewOf(ctx, a)
		if err != nil {
			s.failf("server view of tenant %d: %v", i, err)
			return
		}
		tenants[i] = v
		if err := oneRunningPerUser(v); err != nil {
			s.failf("server, tenant %d: %v", i, err)
		}
	}
	// Locked entries: an invoiced entry nobody unlocked is as it was when it was invoiced.
	for id, was := range s.oracle.locked {
		row, ok := tenants[0][id]
		if !ok {
			row, ok = tenants[1][id]
		}
		if !ok || row.json != was {
			s.failf("locked entry %s changed on the server:\n%s", short(id), jsonDiff(was, row.json))
		}
	}
	for _, d := range s.devs {
		want, err := s.serverView(ctx, d)
		if err != nil {
			s.failf("%s: server view: %v", d.name, err)
			continue
		}
		got, err := deviceView(ctx, d)
		if err != nil {
			s.failf("%s: device view: %v", d.name, err)
			continue
		}
		// Convergence: the device's live rows are the server's live rows it may see.
		lw, lg := live(want), live(got)
		for id, w := range lw {
			g, ok := lg[id]
			switch {
			case !ok:
				if r, there := got[id]; there {
					s.failf("%s: %s %s is live on the server, a tombstone on the device\n  server %s\n  device %s", d.name, w.kind, short(id), w.json, r.json)
				} else {
					s.failf("%s: %s %s is on the server, missing on the device\n  server %s", d.name, w.kind, short(id), w.json)
				}
			case g.json != w.json:
				s.failf("%s: %s %s differs: %s", d.name, w.kind, short(id), jsonDiff(w.json, g.json))
			}
		}
		for id, g := range lg {
			if _, ok := lw[id]; !ok {
				s.failf("%s: %s %s is live on the device but not on the server (for this user)\n  device %s", d.name, g.kind, short(id), g.json)
			}
		}
		if err := oneRunningPerUser(got); err != nil {
			s.failf("%s: %v", d.name, err)
		}
		// Tenant isolation: nothing of the other tenant on the device.
		for id := range got {
			if _, ok := tenants[1-d.tenant][id]; ok {
				s.failf("%s: holds row %s of the other tenant", d.name, short(id))
			}
		}
		// The outbox drained, nothing waits among the deferred rows, every rejection is kept.
		st, err := d.svc.SyncStatus(ctx, d.tokenFile)
		if err != nil {
			s.failf("%s: status: %v", d.name, err)
			continue
		}
		if st.Pending != 0 {
			s.failf("%s: %d changes still pending after healing", d.name, st.Pending)
		}
		var deferred string
		_ = d.st.Read(ctx, func(tx app.Tx) error {
			deferred, _ = tx.Device().Get(ctx, "sync.deferred")
			return nil
		})
		if deferred != "" {
			s.failf("%s: pulled rows still deferred after healing: %s", d.name, deferred)
		}
		kept := map[uuid.UUID]bool{}
		for _, r := range st.Rejections {
			kept[r.MutationID] = true
		}
		for _, r := range s.oracle.reject {
			if r.dev == d.name && !kept[r.mut] && s.oracle.sent[d.name][r.entity] <= r.seq {
				s.failf("%s: the rejection of change #%d (%s %s) is not kept on the device", d.name, r.seq, short(r.entity), r.reason)
			}
		}
	}
	// No acknowledged write lost: every row someone made is on the server, deleted only by a
	// delete someone made, and each followed field holds the last value that took effect,
	// or lost to a newer write under last-writer-wins and is in the conflict log.
	all := map[uuid.UUID]simRow{}
	tenantOf := map[uuid.UUID]int{}
	for i, v := range tenants {
		for id, r := range v {
			all[id] = r
			tenantOf[id] = i
		}
	}
	for id := range s.oracle.created {
		r, ok := all[id]
		switch {
		case !ok:
			s.failf("row %s was made but is not on the server", short(id))
		case r.deleted && !s.oracle.deleted[id]:
			s.failf("%s %s is a tombstone on the server, but nobody deleted it", r.kind, short(id))
		}
	}
	// No duplicates: every row of a pushed kind on the server was made by someone, once.
	for id, r := range all {
		switch r.kind {
		case app.SyncClient, app.SyncProject, app.SyncTask, app.SyncTag, app.SyncTimeEntry:
			if !s.oracle.created[id] {
				s.failf("%s %s is on the server, but nobody's create of it was applied", r.kind, short(id))
			}
		}
	}
	for id, fields := range s.oracle.last {
		r, ok := all[id]
		if !ok || r.deleted {
			continue
		}
		var row map[string]json.RawMessage
		_ = json.Unmarshal([]byte(r.json), &row)
		simFlatten(row)
		for f, v := range fields {
			if !jsonEqual(row[f], v) {
				s.failf("%s %s: %s is %s on the server, but the last write that took effect wrote %s", r.kind, short(id), f, row[f], v)
			}
		}
	}
	for _, l := range s.oracle.lost {
		r, ok := all[l.id]
		if !ok || r.deleted {
			continue
		}
		cs, err := s.srv.svc.SyncConflicts(ctx, s.owners[tenantOf[l.id]], l.entity, l.id)
		if err != nil {
			s.failf("conflicts of %s: %v", short(l.id), err)
			continue
		}
		if !slices.ContainsFunc(cs, func(c app.SyncConflict) bool { return c.MutationID == l.mut && c.Field == l.field }) {
			s.failf("%s %s: the %s that lost to a newer write is not in the conflict log", l.entity, short(l.id), l.field)
		}
	}
}

// jsonDiff names the fields in which two rows differ, server value first.
func jsonDiff(server, device string) string {
	var a, b map[string]json.RawMessage
	_ = json.Unmarshal([]byte(server), &a)
	_ = json.Unmarshal([]byte(device), &b)
	var out []string
	for k, v := range a {
		if !jsonEqual(v, b[k]) {
			out = append(out, fmt.Sprintf("%s: server %s, device %s", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: server -, device %s", k, v))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}
