package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// testRates pins the rates' and budgets' round trips: every level's ids, the effective
// instant to the microsecond, one live rate per key and instant, deleted rows left out of
// lists, lists by member, and nothing of another organization or tenant.
func testRates(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "rates@example.com")
	from := base.Add(123 * time.Microsecond)
	rate := func(i int, user, client, project *uuid.UUID, minor int64, at time.Time) app.Rate {
		return app.Rate{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: user, ClientID: client, ProjectID: project,
			Level: app.RateLevelOf(user, client, project), Hourly: app.Money{Minor: minor, Currency: "EUR"}, EffectiveFrom: at, Meta: meta(i)}
	}
	rs := []app.Rate{
		rate(100, nil, nil, nil, 5000, from),
		rate(101, &w.user.ID, nil, nil, 6000, from),
		rate(102, nil, &w.client.ID, nil, 7000, from),
		rate(103, nil, nil, &w.project.ID, 8000, from.Add(time.Hour)),
		rate(104, &w.user.ID, nil, &w.project.ID, 9000, from),
	}
	// version reads the organization's rates version; every write below must change it.
	version := func() app.RatesVersion {
		t.Helper()
		var v app.RatesVersion
		read(t, st, func(tx app.Tx) error {
			var err error
			v, err = tx.Rates().Version(ctx, w.sc)
			return err
		})
		return v
	}
	versions := []app.RatesVersion{version()}
	changed := func(what string) {
		t.Helper()
		v := version()
		for _, old := range versions {
			if v == old {
				t.Errorf("rates version after %s: %+v, as it was before (%+v)", what, v, versions)
			}
		}
		versions = append(versions, v)
	}
	write(t, st, func(tx app.Tx) error {
		for _, r := range rs {
			if err := tx.Rates().Insert(ctx, w.sc, r); err != nil {
				return err
			}
		}
		return nil
	})
	changed("inserts")
	same(t, "rates version read again", version(), versions[len(versions)-1])
	// A second live rate of one key from the same instant is refused.
	err := st.Write(ctx, func(tx app.Tx) error { return tx.Rates().Insert(ctx, w.sc, rate(105, &w.user.ID, nil, nil, 1, from)) })
	if !errors.Is(err, app.ErrConflict) {
		t.Errorf("second rate of a key and instant: %v, want ErrConflict", err)
	}
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Rates().Get(ctx, w.sc, rs[4].ID)
		same(t, "rate", fmt.Sprint(got, err), fmt.Sprint(rs[4], nil))
		all, err := tx.Rates().List(ctx, w.sc, app.RateFilter{})
		// Oldest effective first, then by id: the project's rate starts an hour later.
		same(t, "rates", fmt.Sprint(all, err), fmt.Sprint([]app.Rate{rs[0], rs[1], rs[2], rs[4], rs[3]}, nil))
		mine, err := tx.Rates().List(ctx, w.sc, app.RateFilter{UserID: &w.user.ID})
		same(t, "a member's rates", fmt.Sprint(mine, err), fmt.Sprint([]app.Rate{rs[1], rs[4]}, nil))
		other, err := tx.Rates().List(ctx, w.sc2, app.RateFilter{})
		same(t, "the other organization's rates", fmt.Sprint(len(other), err), "0 <nil>")
		_, err = tx.Rates().Get(ctx, w.sc2, rs[0].ID)
		same(t, "a rate from the other organization", errors.Is(err, app.ErrNotFound), true)
		return nil
	})
	// Deleting takes the rate out of lists and frees its key and instant.
	gone := rs[1]
	gone.Version, gone.DeletedAt = 2, ptr(base)
	write(t, st, func(tx app.Tx) error { return tx.Rates().Update(ctx, w.sc, gone, 1) })
	changed("a delete")
	write(t, st, func(tx app.Tx) error {
		return tx.Rates().Insert(ctx, w.sc, rate(106, &w.user.ID, nil, nil, 6500, from))
	})
	changed("an insert")
	changedRate := rs[0]
	changedRate.Version, changedRate.Hourly.Minor = 2, 5100
	write(t, st, func(tx app.Tx) error { return tx.Rates().Update(ctx, w.sc, changedRate, 1) })
	changed("an update")
	// The other organization's rates have their own version.
	write(t, st, func(tx app.Tx) error {
		r := rate(107, nil, nil, nil, 1, from)
		r.OrganizationID = w.sc2.OrgID
		return tx.Rates().Insert(ctx, w.sc2, r)
	})
	same(t, "rates version after another organization's insert", version(), versions[len(versions)-1])
	err = st.Write(ctx, func(tx app.Tx) error { return tx.Rates().Update(ctx, w.sc, gone, 1) })
	same(t, "an update of a stale version", errors.Is(err, app.ErrPrecondition), true)
	read(t, st, func(tx app.Tx) error {
		mine, err := tx.Rates().List(ctx, w.sc, app.RateFilter{UserID: &w.user.ID})
		same(t, "a member's rates after a delete", fmt.Sprint(len(mine), err), "2 <nil>")
		_, err = tx.Rates().Get(ctx, w.sc, gone.ID)
		same(t, "a deleted rate", errors.Is(err, app.ErrNotFound), true)
		return nil
	})

	b := app.Budget{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ProjectID: w.project.ID, Kind: app.BudgetMoney,
		Limit: 500000, Currency: "EUR", Meta: meta(110)}
	write(t, st, func(tx app.Tx) error { return tx.Budgets().Insert(ctx, w.sc, b) })
	err = st.Write(ctx, func(tx app.Tx) error {
		dup := b
		dup.ID = app.NewID()
		return tx.Budgets().Insert(ctx, w.sc, dup)
	})
	same(t, "a second budget of a project", errors.Is(err, app.ErrConflict), true)
	b2 := b
	b2.Kind, b2.Limit, b2.Currency, b2.Version = app.BudgetHours, 3600*40, "", 2
	write(t, st, func(tx app.Tx) error { return tx.Budgets().Update(ctx, w.sc, b2, 1) })
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Budgets().ByProject(ctx, w.sc, w.project.ID)
		b2.UpdatedAt = got.UpdatedAt
		same(t, "budget", fmt.Sprint(got, err), fmt.Sprint(b2, nil))
		list, err := tx.Budgets().List(ctx, w.sc)
		same(t, "budgets", fmt.Sprint(len(list), err), "1 <nil>")
		list, err = tx.Budgets().List(ctx, w.sc2)
		same(t, "the other organization's budgets", fmt.Sprint(len(list), err), "0 <nil>")
		return nil
	})
}

// testReportAmounts prices the report world's entries with rates of every level, some
// changing inside the range, and holds Summary's amounts (per cell, each entry's part in
// the period at the rate in effect when the entry started) and Detailed's (rate and amount
// of the time inside the range) to app.PriceRate and app.Amount computed in Go.
func testReportAmounts(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seedReports(t, st)
	berlin := w.from.Location()
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, berlin).UTC() }
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var n int
	rate := func(sc app.Scope, user, client, project *uuid.UUID, minor int64, from time.Time) app.Rate {
		n++
		return app.Rate{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: user, ClientID: client, ProjectID: project,
			Hourly: app.Money{Minor: minor, Currency: "EUR"}, EffectiveFrom: from, Meta: meta(200 + n)}
	}
	deleted := rate(w.sc, nil, nil, &w.noClient.ID, 99999, jan)
	deleted.DeletedAt = ptr(base)
	rs := []app.Rate{
		rate(w.sc, nil, nil, nil, 6000, jan),
		rate(w.sc, nil, nil, nil, 7000, at(29, 12, 0)), // the organization's rate changes mid-range
		rate(w.sc, &w.bob.ID, nil, nil, 9000, jan),
		rate(w.sc, nil, &w.client.ID, nil, 12000, jan),
		rate(w.sc, nil, nil, &w.other.ID, 15000, at(29, 0, 30)),
		rate(w.sc, nil, nil, &w.other.ID, 16000, at(30, 0, 0)),
		rate(w.sc, &w.bob.ID, nil, &w.project.ID, 20001, jan),
		deleted,
		rate(w.sc2, nil, nil, nil, 1_000_000, jan), // the other organization's
	}
	// Billable entries that only the organization's and a member's rate price: one that
	// starts before the organization's change and runs past it keeps the old rate.
	extra := []app.TimeEntry{
		{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID, StartedAt: at(29, 11, 0),
			StoppedAt: ptr(at(29, 13, 0).Add(777 * time.Microsecond)), Timezone: "UTC", Billable: true, Source: app.SourceManual,
			TagIDs: []uuid.UUID{}, Meta: meta(230)},
		{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID, StartedAt: at(30, 12, 0),
			StoppedAt: ptr(at(30, 12, 17)), Timezone: "UTC", Billable: true, Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: meta(231)},
		{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.bob.ID, StartedAt: at(30, 14, 0),
			StoppedAt: ptr(at(30, 23, 30)), Timezone: "UTC", Billable: true, Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: meta(232)},
	}
	write(t, st, func(tx app.Tx) error {
		for _, r := range rs {
			sc := app.Scope{TenantID: r.TenantID, OrgID: r.OrganizationID}
			if err := tx.Rates().Insert(ctx, sc, r); err != nil {
				return err
			}
		}
		for _, e := range extra {
			if err := tx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
				return err
			}
		}
		return nil
	})
	w.entries = append(w.entries, extra...)
	var live []app.Rate
	read(t, st, func(tx app.Tx) error {
		var err error
		live, err = tx.Rates().List(ctx, w.sc, app.RateFilter{})
		return err
	})
	if len(live) != 7 {
		t.Fatalf("%d live rates of the organization, want 7", len(live))
	}
	tiers := app.RateTiers(live)
	priceOf := func(e app.TimeEntry) int64 {
		if !e.Billable {
			return 0
		}
		var client *uuid.UUID
		if e.ProjectID != nil {
			if c, ok := w.clientOf[*e.ProjectID]; ok {
				client = &c
			}
		}
		r, _ := app.PriceRate(tiers, e.UserID, e.ProjectID, client, e.StartedAt)
		return r
	}
	// Every level prices some billable entry, so a level the SQL got wrong would show.
	seen := map[int64]bool{}
	for _, e := range w.entries {
		if e.DeletedAt == nil {
			seen[priceOf(e)] = true
		}
	}
	for _, want := range []int64{6000, 7000, 9000, 12000, 15000, 20001} {
		if !seen[want] {
			t.Errorf("no entry priced at %d: the world misses a level", want)
		}
	}

	whole := []app.Period{{Start: w.from, End: w.to}}
	for _, fl := range []struct {
		name string
		f    app.ReportFilter
	}{
		{"all", app.ReportFilter{From: w.from, To: w.to, Now: w.now, Rates: live}},
		{"bob", app.ReportFilter{From: w.from, To: w.to, Now: w.now, UserID: &w.bob.ID, Rates: live}},
		{"no rates", app.ReportFilter{From: w.from, To: w.to, Now: w.now}},
	} {
		for _, dims := range [][]app.ReportDim{nil, {app.DimProject}, {app.DimUser, app.DimClient}, {app.DimTag}} {
			for _, ps := range []struct {
				name    string
				periods []app.Period
			}{{"range", whole}, {"days", w.days}} {
				t.Run(fmt.Sprintf("%s/%v/%s", fl.name, dims, ps.name), func(t *testing.T) {
					var cells []app.ReportCell
					read(t, st, func(tx app.Tx) error {
						var err error
						cells, err = tx.Reports().Summary(ctx, w.sc, fl.f, dims, ps.periods)
						return err
					})
					got := map[string]int64{}
					for _, c := range cells {
						got[cellKey(c)] = c.Amount
					}
					want := w.wantAmounts(fl.f, dims, ps.periods, func(e app.TimeEntry) int64 {
						if fl.f.Rates == nil {
							return 0
						}
						return priceOf(e)
					})
					if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
						t.Errorf("amounts\n got %v\nwant %v", sorted(got), sorted(want))
					}
				})
			}
		}
	}
	t.Run("detailed", func(t *testing.T) {
		f := app.ReportFilter{From: w.from, To: w.to, Now: w.now, Rates: live}
		var rows []app.ReportEntry
		read(t, st, func(tx app.Tx) error {
			var err error
			rows, err = tx.Reports().Detailed(ctx, w.sc, f, app.PageRequest{Limit: 100})
			return err
		})
		if len(rows) < 10 {
			t.Fatalf("%d detailed rows", len(rows))
		}
		for _, r := range rows {
			e := w.byID(r.ID)
			end := w.now
			if e.StoppedAt != nil {
				end = *e.StoppedAt
			}
			price := priceOf(e)
			want := app.Amount(minT(end, w.to).Sub(maxT(e.StartedAt, w.from)), price)
			if r.HourlyMinor != price || r.Amount != want {
				t.Errorf("entry %s (%s): rate %d amount %d, want %d and %d", e.Description, e.StartedAt, r.HourlyMinor, r.Amount, price, want)
			}
		}
	})
}

// wantAmounts is the reference for Summary's amounts: each entry's part in each period
// priced at price(entry), keyed as cellKey does; cells with time but no amount hold 0.
func (w reportWorld) wantAmounts(f app.ReportFilter, dims []app.ReportDim, periods []app.Period, price func(app.TimeEntry) int64) map[string]int64 {
	out := map[string]int64{}
	for key := range w.want(f, dims, periods) {
		out[key] = 0
	}
	for _, e := range w.entries {
		if !w.matches(e, f) {
			continue
		}
		one := reportWorld{world: w.world, names: w.names, clientOf: w.clientOf, entries: []app.TimeEntry{e}}
		for i := range periods {
			for key, micros := range one.want(f, dims, periods[i:i+1]) {
				// one.want numbers the single period 0; the cell's key names period i.
				_, rest, _ := cutPeriod(key)
				out[fmt.Sprint(i)+rest] += app.Amount(time.Duration(micros)*time.Microsecond, price(e))
			}
		}
	}
	return out
}

// cutPeriod splits a cell key into its period and the rest (with its leading separator).
func cutPeriod(key string) (string, string, bool) {
	for i := range len(key) {
		if key[i] == '|' {
			return key[:i], key[i:], true
		}
	}
	return key, "", false
}
