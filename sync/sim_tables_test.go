package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// The simulation's operations on the newer synced tables (docs/sync.md, "Rates, budgets
// and activity slots", "Invoices", "Screenshots"): rates set and deleted (refused locally for
// members, and answered forbidden when a manager was demoted meanwhile), budgets, activity
// slots recorded on the user's own entries, idle time cut out of an entry, which moves its
// slots, invoices made and unlocked on the server, whose locks reach the devices, and
// screenshots taken and deleted (their images uploaded before their rows, through the
// network's faults).

// tableOp makes one change to rates, budgets or activity on a device, offline, and
// returns what it did for the trace.
func (s *sim) tableOp(d *simDevice, a app.Actor, c simCatalog, now time.Time) (string, error) {
	ctx := context.Background()
	switch x := s.rng.IntN(100); {
	case x < 30:
		in := s.rateInput(c, now)
		r, err := d.svc.SetRate(ctx, a, in)
		return fmt.Sprintf("set rate %s %d from %s project %s", short(r.ID), in.HourlyMinor, in.EffectiveFrom, shortp(in.ProjectID)), err
	case x < 40:
		rs, err := d.svc.ListRates(ctx, a, app.RateFilter{})
		if err != nil {
			return "list rates", err
		}
		r, ok := pick(s, rs)
		if !ok {
			return "delete rate: none", nil
		}
		return "delete rate " + short(r.ID), d.svc.DeleteRate(ctx, a, r.ID, 0)
	case x < 50:
		p, ok := pick(s, c.projects)
		if !ok {
			return "set budget: no project", nil
		}
		b, err := d.svc.SetBudget(ctx, a, p.ID, app.BudgetInput{Kind: app.BudgetHours, Limit: int64(3600 * (1 + s.rng.IntN(100)))})
		return fmt.Sprintf("set budget %s of project %s", short(b.ID), short(p.ID)), err
	case x < 85:
		e, ok := s.ownEntry(c, a)
		if !ok {
			return "record activity: no entry of the user's", nil
		}
		start := app.SlotStart(e.StartedAt, time.UTC)
		tracked := time.Duration(1+s.rng.IntN(600)) * time.Second
		slot, err := d.svc.RecordActivity(ctx, a, app.ActivitySlot{EntryID: e.ID, Start: start.Add(app.SlotLength * time.Duration(s.rng.IntN(2))),
			Tracked: tracked, Active: tracked / 2, Keys: uint64(s.rng.IntN(500)), Apps: []app.AppUsage{{Name: "editor", Time: tracked / 3}}})
		return fmt.Sprintf("record activity %s of entry %s", short(slot.ID), short(e.ID)), err
	default:
		e, ok := s.ownEntry(c, a)
		if !ok || e.StoppedAt == nil || e.StoppedAt.Sub(e.StartedAt) < 30*time.Minute {
			return "cut idle time: no entry to cut", nil
		}
		from := e.StartedAt.Add(10 * time.Minute)
		if _, err := d.svc.NoteIdle(ctx, a, e.ID, from, from.Add(10*time.Minute)); err != nil {
			return "cut idle time of entry " + short(e.ID), err
		}
		out, err := d.svc.ResolveIdle(ctx, a, app.IdleDiscard)
		next := uuid.Nil
		if out.Resumed != nil {
			next = out.Resumed.ID
		}
		return fmt.Sprintf("cut idle time of entry %s, the rest in %s", short(e.ID), short(next)), err
	}
}

// shotOp deletes one of the user's screenshots (half the time there is one), or takes a
// screenshot of one of the user's entries (a small image, as the timer would).
func (s *sim) shotOp(d *simDevice, a app.Actor, c simCatalog) (string, error) {
	ctx := context.Background()
	now := d.clock.Now()
	list, err := d.svc.ListScreenshots(ctx, a, app.ActivityQuery{From: now.AddDate(0, 0, -20).Format(time.DateOnly),
		To: now.AddDate(0, 0, 2).Format(time.DateOnly), Timezone: "UTC", UserID: &a.UserID})
	if err != nil {
		return "list screenshots", err
	}
	if sh, ok := pick(s, list); ok && s.chance(0.5) {
		return "delete screenshot " + short(sh.ID), d.svc.DeleteScreenshot(ctx, a, sh.ID, 0)
	}
	e, ok := s.ownEntry(c, a)
	if !ok || e.StoppedAt == nil {
		return "take screenshot: no stopped entry of the user's", nil
	}
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(s.rng.IntN(256))
	}
	at := e.StartedAt.Add(time.Duration(s.rng.Int64N(int64(e.StoppedAt.Sub(e.StartedAt)) + 1)))
	sh, err := d.svc.SaveScreenshot(ctx, a, e.ID, at, img)
	return fmt.Sprintf("take screenshot %s of entry %s", short(sh.ID), short(e.ID)), err
}

// rateInput is a rate of the organization or of a project, from a day in the past month
// or from now.
func (s *sim) rateInput(c simCatalog, now time.Time) app.RateInput {
	in := app.RateInput{HourlyMinor: int64(1000 * (1 + s.rng.IntN(20))), Currency: "EUR"}
	if s.chance(0.6) {
		in.EffectiveFrom = now.AddDate(0, 0, -s.rng.IntN(30)).Format(time.DateOnly)
	}
	if p, ok := pick(s, c.projects); ok && s.chance(0.5) {
		in.ProjectID = &p.ID
	}
	return in
}

// ownEntry picks one of the user's live entries.
func (s *sim) ownEntry(c simCatalog, a app.Actor) (app.TimeEntry, bool) {
	var own []app.TimeEntry
	for _, e := range c.entries {
		if e.UserID == a.UserID {
			own = append(own, e)
		}
	}
	return pick(s, own)
}

// serverRateOp is the owner setting a rate through the server's API meanwhile.
func (s *sim) serverRateOp(ctx context.Context, svc *app.Service, a app.Actor, c simCatalog) (string, error) {
	in := s.rateInput(c, svc.Now())
	r, err := svc.SetRate(ctx, a, in)
	return fmt.Sprintf("set rate %s %d from %s project %s", short(r.ID), in.HourlyMinor, in.EffectiveFrom, shortp(in.ProjectID)), err
}

// serverInvoiceOp is the owner, through the server's API, invoicing one entry's project on
// the entry's day (the entry made billable first), or unlocking an invoice's entries, all
// or one. The oracle keeps each locked entry as the server had it when it was invoiced:
// until an unlock, no edit (a device's, pushed or held up in the network, or the API's)
// may change it.
func (s *sim) serverInvoiceOp(ctx context.Context, svc *app.Service, a app.Actor, c simCatalog) (string, error) {
	invs, err := svc.Invoices(ctx, a)
	if err != nil {
		return "list invoices", err
	}
	if inv, ok := pick(s, invs); ok && s.chance(0.4) {
		var marked []uuid.UUID
		if err := svc.Store().Read(ctx, func(tx app.Tx) error {
			var err error
			marked, err = tx.Sync().InvoiceEntries(ctx, a.Scope(), inv.ID)
			return err
		}); err != nil {
			return "unlock: read the invoice's entries", err
		}
		var only []uuid.UUID
		if id, ok := pick(s, marked); ok && s.chance(0.5) {
			only, marked = []uuid.UUID{id}, []uuid.UUID{id}
		}
		n, err := svc.UnlockInvoiceEntries(ctx, a, inv.ID, only)
		if err == nil {
			for _, id := range marked {
				delete(s.oracle.locked, id)
			}
		}
		return fmt.Sprintf("unlock %d entries of invoice %d", n, inv.Number), err
	}
	var stopped []app.TimeEntry
	for _, e := range c.entries {
		if e.StoppedAt != nil {
			stopped = append(stopped, e)
		}
	}
	e, ok := pick(s, stopped)
	if !ok {
		return "invoice: no stopped entry", nil
	}
	if !e.Billable || e.ProjectID == nil {
		// The owner files the entry as billable, under a project if it has none.
		yes := true
		patch := app.TimeEntryPatch{Billable: &yes}
		if e.ProjectID == nil {
			p, ok := pick(s, c.projects)
			if !ok {
				return "invoice: no project", nil
			}
			patch.ProjectID = app.Nullable[uuid.UUID]{Set: true, Value: &p.ID}
		}
		out, err := svc.UpdateTimeEntry(ctx, a, e.ID, patch, 0)
		if err != nil {
			return "invoice: make entry " + short(e.ID) + " billable", err
		}
		s.oracle.serverWrote(e.ID, out)
		e = out
	}
	if rs, err := svc.ListRates(ctx, a, app.RateFilter{}); err != nil {
		return "invoice: rates", err
	} else if len(rs) == 0 {
		if _, err := svc.SetRate(ctx, a, app.RateInput{HourlyMinor: 5000, Currency: "EUR", EffectiveFrom: "2000-01-01"}); err != nil {
			return "invoice: set a rate", err
		}
	}
	day := e.StartedAt.UTC().Format(time.DateOnly)
	inv, err := svc.CreateInvoice(ctx, a, app.InvoiceInput{ProjectID: e.ProjectID, From: day, To: day, Timezone: "UTC", Grouping: app.GroupByEntry})
	if err != nil {
		return fmt.Sprintf("invoice project %s on %s", shortp(e.ProjectID), day), err
	}
	for _, l := range inv.Lines {
		cur, err := svc.TimeEntry(ctx, a, *l.EntryID)
		if err != nil {
			return "invoice: read an invoiced entry", err
		}
		b, err := json.Marshal(cur)
		if err != nil {
			return "invoice: an invoiced entry as JSON", err
		}
		s.oracle.locked[cur.ID] = string(b)
	}
	return fmt.Sprintf("invoice %d of project %s on %s: %d entries", inv.Number, shortp(e.ProjectID), day, len(inv.Lines)), nil
}
