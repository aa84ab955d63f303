package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testBudgetSpent holds Budgets.Spent, which reads totals the store keeps as entries and
// rates change, to a full recount: Reports.Summary of all time up to now grouped by
// project. A seeded random sequence of writes goes through the store's write paths (entries
// created stopped and running, moved to another project, member, start or end, made
// billable or not, deleted, restored, stopped, purged; rates of every level added, changed
// and deleted; a project's client changed), some of them ending or starting after now, and
// after each the two must agree to the microsecond and to the minor unit, for every project
// and for one project alone.
func testBudgetSpent(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "spent@example.com")
	rng := rand.New(rand.NewPCG(11, 29))
	now := base.Add(20 * 24 * time.Hour)
	n := 300
	next := func() app.Meta { n++; return meta(n) }

	bob := app.User{ID: app.NewID(), TenantID: w.tenant.ID, Email: "spent-bob@example.com", Name: "Bob", Timezone: "UTC", PasswordHash: "$argon2id$x", Meta: next()}
	client2 := app.Client{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "Initech", Meta: next()}
	p2 := app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "Internal", Color: "#4f7cff", Meta: next()}
	p3 := app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ClientID: &client2.ID, Name: "Audit", Color: "#4f7cff", Meta: next()}
	write(t, st, func(tx app.Tx) error {
		for _, err := range []error{
			tx.Users().Insert(ctx, w.sc, bob),
			tx.Memberships().Insert(ctx, w.sc, app.Membership{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: bob.ID, Role: app.RoleMember, Meta: next()}),
			tx.Clients().Insert(ctx, w.sc, client2),
			tx.Projects().Insert(ctx, w.sc, p2),
			tx.Projects().Insert(ctx, w.sc, p3),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	users := []uuid.UUID{w.user.ID, bob.ID}
	projects := []*uuid.UUID{&w.project.ID, &p2.ID, &p3.ID, nil}
	clients := []*uuid.UUID{&w.client.ID, &client2.ID, nil}
	entries := []app.TimeEntry{w.entry}
	var rates []app.Rate
	instant := func() time.Time {
		// Up to two days past now, to the microsecond, so some entries end or start after it.
		return base.Add(time.Duration(rng.Int64N(int64(22*24*time.Hour/time.Microsecond))) * time.Microsecond)
	}
	running := func(user uuid.UUID) bool {
		return slices.ContainsFunc(entries, func(e app.TimeEntry) bool {
			return e.UserID == user && e.StoppedAt == nil && e.DeletedAt == nil
		})
	}
	stopAfter := func(start time.Time) *time.Time {
		d := time.Duration(rng.Int64N(int64(30*time.Hour/time.Microsecond))) * time.Microsecond
		return ptr(start.Add(d))
	}
	update := func(tx app.Tx, i int, change func(e *app.TimeEntry)) error {
		e := entries[i]
		prev := e.Version
		change(&e)
		m := next()
		e.Version, e.HLC, e.UpdatedAt = prev+1, m.HLC, m.UpdatedAt
		if err := tx.TimeEntries().Update(ctx, w.sc, e, prev); err != nil {
			return err
		}
		entries[i] = e
		return nil
	}
	step := func(tx app.Tx) (string, error) {
		i := rng.IntN(len(entries))
		e := entries[i]
		switch op := rng.IntN(12); op {
		case 0, 1, 2:
			start := instant()
			ne := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: users[rng.IntN(2)],
				ProjectID: projects[rng.IntN(len(projects))], StartedAt: start, StoppedAt: stopAfter(start), Timezone: "UTC",
				Billable: rng.IntN(3) > 0, Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: next()}
			if op == 2 && !running(ne.UserID) && start.Before(now) {
				ne.StoppedAt = nil
			}
			entries = append(entries, ne)
			return "insert", tx.TimeEntries().Insert(ctx, w.sc, ne)
		case 3:
			return "move project", update(tx, i, func(e *app.TimeEntry) { e.ProjectID = projects[rng.IntN(len(projects))] })
		case 4:
			if e.StoppedAt == nil {
				return "skip", nil
			}
			return "move member", update(tx, i, func(e *app.TimeEntry) { e.UserID = users[rng.IntN(2)] })
		case 5:
			if e.StoppedAt == nil {
				return "skip", nil
			}
			return "move times", update(tx, i, func(e *app.TimeEntry) { e.StartedAt = instant(); e.StoppedAt = stopAfter(e.StartedAt) })
		case 6:
			return "billable", update(tx, i, func(e *app.TimeEntry) { e.Billable = !e.Billable })
		case 7:
			if j := slices.IndexFunc(entries, func(e app.TimeEntry) bool { return e.DeletedAt != nil }); j >= 0 && rng.IntN(2) == 0 {
				i, e = j, entries[j]
			}
			if e.DeletedAt == nil {
				return "delete", update(tx, i, func(e *app.TimeEntry) { e.DeletedAt = ptr(now) })
			}
			if e.StoppedAt == nil && running(e.UserID) {
				return "skip", nil
			}
			return "restore", update(tx, i, func(e *app.TimeEntry) { e.DeletedAt = nil })
		case 8:
			if j := slices.IndexFunc(entries, func(e app.TimeEntry) bool { return e.StoppedAt == nil && e.DeletedAt == nil }); j >= 0 {
				i, e = j, entries[j]
			}
			if e.StoppedAt != nil {
				return "skip", nil
			}
			return "stop", update(tx, i, func(e *app.TimeEntry) { e.StoppedAt = stopAfter(e.StartedAt) })
		case 9:
			var user, client, project *uuid.UUID
			switch rng.IntN(5) {
			case 0:
				user = &users[rng.IntN(2)]
			case 1:
				client = clients[rng.IntN(2)]
			case 2:
				project = projects[rng.IntN(3)]
			case 3:
				user, project = &users[rng.IntN(2)], projects[rng.IntN(3)]
			}
			r := app.Rate{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: user, ClientID: client, ProjectID: project,
				Level: app.RateLevelOf(user, client, project), Hourly: app.Money{Minor: 1000 + rng.Int64N(20000), Currency: "EUR"},
				EffectiveFrom: instant().Add(-5 * 24 * time.Hour), Meta: next()}
			if rng.IntN(2) == 0 {
				r.EffectiveFrom = e.StartedAt // an entry that starts at the very instant takes the new rate
			}
			rates = append(rates, r)
			return "rate", tx.Rates().Insert(ctx, w.sc, r)
		case 10:
			if len(rates) == 0 {
				return "skip", nil
			}
			j := rng.IntN(len(rates))
			r := rates[j]
			if r.DeletedAt != nil {
				return "skip", nil
			}
			prev := r.Version
			m := next()
			r.Version, r.HLC, r.UpdatedAt = prev+1, m.HLC, m.UpdatedAt
			what := "rate change"
			if rng.IntN(2) == 0 {
				r.Hourly.Minor = 1000 + rng.Int64N(20000)
			} else {
				r.DeletedAt, what = ptr(now), "rate delete"
			}
			rates[j] = r
			return what, tx.Rates().Update(ctx, w.sc, r, prev)
		default:
			if rng.IntN(2) == 0 {
				_, err := tx.Sync().PurgeTombstones(ctx, w.sc, now.Add(time.Hour), now)
				entries = slices.DeleteFunc(entries, func(e app.TimeEntry) bool { return e.DeletedAt != nil })
				return "purge", err
			}
			p := p3
			if rng.IntN(2) == 0 {
				p = w.project
			}
			got, err := tx.Projects().Get(ctx, w.sc, p.ID)
			if err != nil {
				return "client", err
			}
			prev := got.Version
			m := next()
			got.Version, got.HLC, got.UpdatedAt, got.ClientID = prev+1, m.HLC, m.UpdatedAt, clients[rng.IntN(len(clients))]
			return "client", tx.Projects().Update(ctx, w.sc, got, prev)
		}
	}
	check := func(k int, what string) {
		t.Helper()
		fromTotals, recount := spentAndRecount(t, st, w.sc, now)
		var one []app.ProjectSpent
		read(t, st, func(tx app.Tx) error {
			live, err := tx.Rates().List(ctx, w.sc, app.RateFilter{})
			if err != nil {
				return err
			}
			one, err = tx.Budgets().Spent(ctx, w.sc, &p3.ID, now, live)
			return err
		})
		if fmt.Sprint(fromTotals) != fmt.Sprint(recount) {
			t.Fatalf("after step %d (%s): totals\n%v\nrecount\n%v", k, what, fromTotals, recount)
		}
		var want []app.ProjectSpent
		if s, ok := recount[p3.ID]; ok {
			want = []app.ProjectSpent{{ProjectID: p3.ID, Micros: s.micros, Amount: s.amount}}
		}
		one = slices.DeleteFunc(one, func(s app.ProjectSpent) bool { return s.Micros == 0 && s.Amount == 0 })
		if fmt.Sprint(one) != fmt.Sprint(want) {
			t.Fatalf("after step %d (%s): one project's totals %v, recount %v", k, what, one, want)
		}
	}
	check(0, "seed")
	for k := 1; k <= 400; k++ {
		var what string
		write(t, st, func(tx app.Tx) error {
			var err error
			what, err = step(tx)
			return err
		})
		check(k, what)
	}
}

// spent is a project's time and amount, as totals keep it and as a recount adds it up.
type spent struct{ micros, amount int64 }

// spentAndRecount reads every project's totals (Budgets.Spent, at the live rates) and
// their full recount (Reports.Summary of all time up to now by project) in one snapshot,
// leaving out projects at zero.
func spentAndRecount(t *testing.T, st app.Store, sc app.Scope, now time.Time) (fromTotals, recount map[uuid.UUID]spent) {
	t.Helper()
	ctx := context.Background()
	read(t, st, func(tx app.Tx) error {
		live, err := tx.Rates().List(ctx, sc, app.RateFilter{})
		if err != nil {
			return err
		}
		sp, err := tx.Budgets().Spent(ctx, sc, nil, now, live)
		if err != nil {
			return err
		}
		fromTotals = map[uuid.UUID]spent{}
		for _, s := range sp {
			if s.Micros != 0 || s.Amount != 0 {
				fromTotals[s.ProjectID] = spent{s.Micros, s.Amount}
			}
		}
		f := app.ReportFilter{From: time.Unix(0, 0).UTC(), To: now.Add(time.Microsecond), Now: now, Rates: live}
		cells, err := tx.Reports().Summary(ctx, sc, f, []app.ReportDim{app.DimProject}, []app.Period{{Start: f.From, End: f.To}})
		if err != nil {
			return err
		}
		recount = map[uuid.UUID]spent{}
		for _, c := range cells {
			if c.Keys[0].ID != nil && (c.Micros != 0 || c.Amount != 0) {
				recount[*c.Keys[0].ID] = spent{c.Micros, c.Amount}
			}
		}
		return nil
	})
	return fromTotals, recount
}
