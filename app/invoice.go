package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// InvoiceGrouping is how an invoice's line items gather its entries.
type InvoiceGrouping string

// Invoice groupings.
const (
	GroupByProjectTask InvoiceGrouping = "project_task"
	GroupByEntry       InvoiceGrouping = "entry"
)

// InvoiceLine is one line item: a project and task's entries, or one entry.
type InvoiceLine struct {
	Description string     `json:"description"`
	ProjectID   *uuid.UUID `json:"project_id"`
	TaskID      *uuid.UUID `json:"task_id"`
	EntryID     *uuid.UUID `json:"entry_id,omitempty" doc:"The entry of a line per entry."`
	Date        string     `json:"date,omitempty" doc:"A line per entry: the day it started (YYYY-MM-DD, the invoice's zone)."`
	Seconds     int64      `json:"seconds"`
	HourlyMinor int64      `json:"hourly_minor" doc:"The rate of the line's entries in minor units; 0 when they had several."`
	AmountMinor int64      `json:"amount_minor" doc:"The sum of the line's entries' amounts."`
}

// Invoice bills a client's (or a project's) billable time in a range that no invoice had
// yet. Its number is the organization's next, without gaps; its entries are marked and
// locked against edits until a manager unlocks them.
type Invoice struct {
	ID             uuid.UUID       `json:"id"`
	TenantID       uuid.UUID       `json:"tenant_id"`
	OrganizationID uuid.UUID       `json:"organization_id"`
	Number         int64           `json:"number" doc:"The organization's invoice number: 1, 2, 3… with no gaps."`
	ClientID       *uuid.UUID      `json:"client_id"`
	ProjectID      *uuid.UUID      `json:"project_id"`
	PeriodFrom     time.Time       `json:"period_from"`
	PeriodTo       time.Time       `json:"period_to" doc:"End of the period (exclusive)."`
	Grouping       InvoiceGrouping `json:"grouping" enum:"project_task,entry"`
	TaxRateBP      int64           `json:"tax_rate_bp" doc:"Tax rate in basis points: 1900 is 19%."`
	Currency       string          `json:"currency"`
	SubtotalMinor  int64           `json:"subtotal_minor"`
	TaxMinor       int64           `json:"tax_minor" doc:"Subtotal times the tax rate, rounded half up to a minor unit."`
	TotalMinor     int64           `json:"total_minor"`
	Lines          []InvoiceLine   `json:"lines" nullable:"false"`
	Meta
}

// InvoiceCandidate is a billable, stopped, not yet invoiced entry with what prices it and
// the names a line shows.
type InvoiceCandidate struct {
	EntryID     uuid.UUID
	ProjectID   *uuid.UUID
	TaskID      *uuid.UUID
	ProjectName string
	TaskName    string
	Description string
	StartedAt   time.Time
	Micros      int64
	HourlyMinor int64
	AmountMinor int64
}

// InvoiceMark marks an entry as invoiced: the invoice it is on, that invoice's number (so
// a device that may not read invoices, a member's, still says which invoice locks the
// entry), the entry's user (whose devices pull the mark) and when a manager unlocked it. Marks sync (docs/sync.md, Invoices): whoever
// pulls the entry pulls its mark, and an unlock on the server reaches every device.
type InvoiceMark struct {
	EntryID        uuid.UUID  `json:"entry_id"`
	TenantID       uuid.UUID  `json:"-"`
	OrganizationID uuid.UUID  `json:"organization_id"`
	UserID         uuid.UUID  `json:"user_id" doc:"The entry's user."`
	InvoiceID      uuid.UUID  `json:"invoice_id"`
	Number         int64      `json:"number" doc:"The number of the invoice the entry is on."`
	UnlockedAt     *time.Time `json:"unlocked_at" doc:"When a manager unlocked the entry for editing; null while it is locked."`
	Meta
}

// EntryLock is what marks an entry as invoiced (its mark).
type EntryLock = InvoiceMark

// Invoices stores invoices, their numbering and the marks on invoiced entries.
type Invoices interface {
	// NextNumber takes s.OrgID's next invoice number inside the write.
	NextNumber(ctx context.Context, s Scope) (int64, error)
	// Candidates lists the organization's live, stopped, billable entries that started in
	// [f.From, f.To), match f.ProjectID or f.ClientID and are on no invoice, oldest first,
	// priced by f.Rates as reports price them (the whole entry). Descriptions are read
	// only when descriptions is set (a line per entry shows them; a line per project and
	// task does not, and leaving them out keeps the read to the entries' index).
	Candidates(ctx context.Context, s Scope, f ReportFilter, descriptions bool) ([]InvoiceCandidate, error)
	// Insert writes a new invoice and marks the entries it bills, each mark carrying the
	// invoice's number and bookkeeping; a pulled invoice comes without entries (its marks
	// are pulled rows of their own).
	Insert(ctx context.Context, s Scope, inv Invoice, entries []uuid.UUID) error
	// Update writes a pulled invoice over the device's copy whose version is prev.
	Update(ctx context.Context, s Scope, inv Invoice, prev int64) error
	// InsertMark writes a pulled mark.
	InsertMark(ctx context.Context, s Scope, m InvoiceMark) error
	// UpdateMark writes a pulled mark over the device's copy whose version is prev.
	UpdateMark(ctx context.Context, s Scope, m InvoiceMark, prev int64) error
	Get(ctx context.Context, s Scope, id uuid.UUID) (Invoice, error)
	// List returns the organization's invoices, newest number first.
	List(ctx context.Context, s Scope) ([]Invoice, error)
	// Lock finds the mark of an invoiced entry (ErrNotFound: not invoiced).
	Lock(ctx context.Context, s Scope, entryID uuid.UUID) (EntryLock, error)
	// Unlock marks the invoice's entries (all, or those named) unlocked at at, each mark
	// taking the next version, the stamp hlc and a server version of its own (so the
	// unlock pulls); it returns how many it unlocked.
	Unlock(ctx context.Context, s Scope, invoiceID uuid.UUID, entries []uuid.UUID, at time.Time, hlc string) (int, error)
}

// InvoiceInput asks for an invoice of one client's or one project's billable time over
// the days From..To (YYYY-MM-DD, inclusive, in Timezone, default the user's zone).
type InvoiceInput struct {
	ClientID, ProjectID *uuid.UUID
	From, To            string
	Timezone            string
	Grouping            InvoiceGrouping
	TaxRateBP           int64
}

// CreateInvoice bills the billable, stopped, not yet invoiced entries of a client or a
// project that started in a range (managers and above): lines grouped by project and task
// or one per entry, each entry priced at the rate in effect when it started, tax on the
// subtotal. The invoice takes the organization's next number and its entries are marked
// and locked, all in one transaction.
func (s *Service) CreateInvoice(ctx context.Context, a Actor, in InvoiceInput) (Invoice, error) {
	if err := a.require(PermRatesManage); err != nil {
		return Invoice{}, err
	}
	var c checker
	c.check((in.ClientID == nil) != (in.ProjectID == nil), "client_id", "name either a client or a project")
	if in.Grouping == "" {
		in.Grouping = GroupByProjectTask
	}
	c.check(in.Grouping == GroupByProjectTask || in.Grouping == GroupByEntry, "grouping", "must be project_task or entry")
	c.check(in.TaxRateBP >= 0 && in.TaxRateBP <= 10000, "tax_rate_bp", "must be between 0 and 10000 (100%%)")
	if err := c.err(); err != nil {
		return Invoice{}, err
	}
	loc, _, from, to, err := s.reportRange(ctx, a, in.From, in.To, in.Timezone)
	if err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err = s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		if err := invoicesNumberedHere(ctx, tx); err != nil {
			return err
		}
		var c checker
		if in.ClientID != nil {
			_, err := tx.Clients().Get(ctx, a.Scope(), *in.ClientID)
			if err := mustRef(&c, "client_id", err); err != nil {
				return err
			}
		}
		if in.ProjectID != nil {
			_, err := tx.Projects().Get(ctx, a.Scope(), *in.ProjectID)
			if err := mustRef(&c, "project_id", err); err != nil {
				return err
			}
		}
		if err := c.err(); err != nil {
			return err
		}
		rates, err := tx.Rates().List(ctx, a.Scope(), RateFilter{})
		if err != nil {
			return fmt.Errorf("rates: %w", err)
		}
		if len(rates) == 0 {
			return Conflict("set the organization's rates first (stint rate set, PUT /v1/rates)")
		}
		cands, err := tx.Invoices().Candidates(ctx, a.Scope(), ReportFilter{From: from, To: to, Now: now, ProjectID: in.ProjectID,
			ClientID: in.ClientID, Rates: rates}, in.Grouping == GroupByEntry)
		if err != nil {
			return fmt.Errorf("invoice entries: %w", err)
		}
		if len(cands) == 0 {
			return Conflict("no billable time that is not invoiced yet in %s..%s", in.From, in.To)
		}
		number, err := tx.Invoices().NextNumber(ctx, a.Scope())
		if err != nil {
			return fmt.Errorf("invoice number: %w", err)
		}
		out = Invoice{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, Number: number, ClientID: in.ClientID,
			ProjectID: in.ProjectID, PeriodFrom: from.UTC(), PeriodTo: to.UTC(), Grouping: in.Grouping, TaxRateBP: in.TaxRateBP,
			Currency: ratesCurrency(rates), Lines: invoiceLines(cands, in.Grouping, loc), Meta: s.stamp(now)}
		ids := make([]uuid.UUID, len(cands))
		for i, cd := range cands {
			ids[i] = cd.EntryID
		}
		for _, l := range out.Lines {
			out.SubtotalMinor += l.AmountMinor
		}
		out.TaxMinor = (out.SubtotalMinor*in.TaxRateBP + 5000) / 10000
		out.TotalMinor = out.SubtotalMinor + out.TaxMinor
		if err := tx.Invoices().Insert(ctx, a.Scope(), out, ids); err != nil {
			return fmt.Errorf("invoice: %w", err)
		}
		return s.auditRate(ctx, tx, a, "invoice.create", out.ID, now)
	})
	return out, err
}

// invoiceLines groups candidates (oldest first) into line items.
func invoiceLines(cands []InvoiceCandidate, g InvoiceGrouping, loc *time.Location) []InvoiceLine {
	lines := []InvoiceLine{}
	if g == GroupByEntry {
		for _, cd := range cands {
			desc := cd.ProjectName
			if cd.TaskName != "" {
				desc += " / " + cd.TaskName
			}
			if d := strings.TrimSpace(cd.Description); d != "" {
				desc += ": " + d
			}
			lines = append(lines, InvoiceLine{Description: desc, ProjectID: cd.ProjectID, TaskID: cd.TaskID, EntryID: ptr(cd.EntryID),
				Date: cd.StartedAt.In(loc).Format(DateLayout), Seconds: cd.Micros / 1_000_000, HourlyMinor: cd.HourlyMinor, AmountMinor: cd.AmountMinor})
		}
		return lines
	}
	type key struct{ project, task uuid.UUID }
	index := map[key]int{}
	micros := map[key]int64{}
	for _, cd := range cands {
		k := key{}
		if cd.ProjectID != nil {
			k.project = *cd.ProjectID
		}
		if cd.TaskID != nil {
			k.task = *cd.TaskID
		}
		i, ok := index[k]
		if !ok {
			desc := cd.ProjectName
			if cd.TaskName != "" {
				desc += " / " + cd.TaskName
			}
			lines = append(lines, InvoiceLine{Description: desc, ProjectID: cd.ProjectID, TaskID: cd.TaskID, HourlyMinor: cd.HourlyMinor})
			i = len(lines) - 1
			index[k] = i
		}
		if lines[i].HourlyMinor != cd.HourlyMinor {
			lines[i].HourlyMinor = 0
		}
		micros[k] += cd.Micros
		lines[i].AmountMinor += cd.AmountMinor
	}
	for k, i := range index {
		lines[i].Seconds = micros[k] / 1_000_000
	}
	sort.SliceStable(lines, func(i, j int) bool {
		return strings.ToLower(lines[i].Description) < strings.ToLower(lines[j].Description)
	})
	return lines
}

// Invoices lists the organization's invoices, newest first (managers and above).
func (s *Service) Invoices(ctx context.Context, a Actor) ([]Invoice, error) {
	if err := a.require(PermRatesRead); err != nil {
		return nil, err
	}
	var out []Invoice
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Invoices().List(ctx, a.Scope())
		return err
	})
	return out, err
}

// InvoiceByID returns one invoice (managers and above).
func (s *Service) InvoiceByID(ctx context.Context, a Actor, id uuid.UUID) (Invoice, error) {
	if err := a.require(PermRatesRead); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Invoices().Get(ctx, a.Scope(), id)
		return err
	})
	return out, err
}

// UnlockInvoiceEntries lets an invoice's entries (all, or those named) be edited again
// (managers and above), with an audit row per entry. They stay on the invoice.
func (s *Service) UnlockInvoiceEntries(ctx context.Context, a Actor, invoiceID uuid.UUID, entries []uuid.UUID) (int, error) {
	if err := a.require(PermRatesManage); err != nil {
		return 0, err
	}
	var n int
	err := s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		if err := invoiceUnlockedHere(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Invoices().Get(ctx, a.Scope(), invoiceID); err != nil {
			return err
		}
		for _, id := range entries {
			l, err := tx.Invoices().Lock(ctx, a.Scope(), id)
			if errors.Is(err, ErrNotFound) || (err == nil && l.InvoiceID != invoiceID) {
				return Invalid("entry_ids", "entry %s is not on this invoice", id)
			}
			if err != nil {
				return err
			}
		}
		var err error
		if n, err = tx.Invoices().Unlock(ctx, a.Scope(), invoiceID, entries, now, s.hlc.Now()); err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		return s.auditRate(ctx, tx, a, "invoice.unlock", invoiceID, now)
	})
	return n, err
}

// checkInvoiceLock refuses a change to an invoiced entry that no manager has unlocked:
// every path that edits or deletes an entry (API, timesheet, sync push) goes through it.
func checkInvoiceLock(ctx context.Context, tx Tx, a Actor, e TimeEntry) error {
	l, err := tx.Invoices().Lock(ctx, Scope{TenantID: e.TenantID, OrgID: e.OrganizationID}, e.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("invoice lock: %w", err)
	case l.UnlockedAt != nil:
		return nil
	}
	return Conflict("the entry is on invoice %d and locked; a manager can unlock it", l.Number)
}

// InvoiceParties names who bills an invoice and whom (its client, else its project), as
// its document prints them (managers and above).
func (s *Service) InvoiceParties(ctx context.Context, a Actor, inv Invoice) (org, billTo string, err error) {
	if err := a.require(PermRatesRead); err != nil {
		return "", "", err
	}
	err = s.store.Read(ctx, func(tx Tx) error {
		o, err := tx.Organizations().Get(ctx, a.Scope(), a.OrgID)
		if err != nil {
			return fmt.Errorf("organization: %w", err)
		}
		org = o.Name
		switch {
		case inv.ClientID != nil:
			c, err := tx.Clients().Get(ctx, a.Scope(), *inv.ClientID)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("client: %w", err)
			}
			billTo = c.Name
		case inv.ProjectID != nil:
			p, err := tx.Projects().Get(ctx, a.Scope(), *inv.ProjectID)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("project: %w", err)
			}
			billTo = p.Name
		}
		return nil
	})
	return org, billTo, err
}
