package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/export"
)

const usageInvoice = `Usage: stint invoice create (--client NAME | --project NAME) --from DAY --to DAY [--per-entry] [--tax PERCENT] [--json]
       stint invoice list [--json]
       stint invoice show NUMBER [--json | --pdf FILE]
       stint invoice unlock NUMBER [--entries ID,ID…] [--json]

An invoice bills a client's (or a project's) billable time that started between --from and
--to (both days included) and is on no invoice yet, each entry priced at
the rate in effect when it started (see 'stint rate'). Lines gather entries by project and
task, or one per entry with --per-entry; --tax 19 adds 19% on the subtotal. Invoices are
numbered 1, 2, 3… per organization; their entries are locked against edits until a
manager unlocks them ('stint invoice unlock', POST /v1/invoices/{id}/unlock; audited),
all of an invoice's entries or those named by --entries.

On a device connected to a team server, invoices are made and unlocked on the server,
which numbers them: create and unlock go there and then sync, so the invoice and its
entries' locks arrive here. Offline they make nothing: try again when online.

` + dayHelp + `

Examples:
  stint invoice create --client Globex --from 2026-11-01 --to 2026-11-30 --tax 19
  stint invoice show 1
`

// invoice runs "stint invoice create|list|show".
func (c *cli) invoice(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("invoice: say create, list, show or unlock (see 'stint invoice -h')")
	}
	switch args[0] {
	case "create":
		return c.invoiceCreate(ctx, args[1:])
	case "list":
		return c.invoiceList(ctx, args[1:])
	case "show":
		return c.invoiceShow(ctx, args[1:])
	case "unlock":
		return c.invoiceUnlock(ctx, args[1:])
	case "-h", "-help", "--help":
		c.printUsage(usageInvoice)
		return nil
	}
	return usagef("invoice: unknown subcommand %q (say create, list, show or unlock; see 'stint invoice -h')", args[0])
}

func (c *cli) invoiceCreate(ctx context.Context, args []string) error {
	fs := newFlagSet("invoice create")
	client := fs.String("client", "", "client name")
	project := fs.String("project", "", "project name")
	from := fs.String("from", "", "first day")
	to := fs.String("to", "", "last day")
	perEntry := fs.Bool("per-entry", false, "one line per entry")
	tax := fs.String("tax", "0", "tax rate in percent, e.g. 19 or 7.5")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("invoice create: unexpected %q", rest[0])
	}
	if (*client == "") == (*project == "") || *from == "" || *to == "" {
		return usagef("invoice create: name --client or --project, and --from and --to")
	}
	// A percentage with up to two decimals is a whole number of basis points.
	bp, err := app.ParseMoney(*tax, "EUR")
	if err != nil || bp > 10000 {
		return usagef("invoice create: --tax must be a percentage like 19 or 7.5")
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		now := w.svc.Now()
		lo, err := parseDay(*from, now, w.loc)
		if err != nil {
			return usagef("invoice create: --from: %v", err)
		}
		hi, err := parseDay(*to, now, w.loc)
		if err != nil {
			return usagef("invoice create: --to: %v", err)
		}
		in := app.InvoiceInput{From: lo.Format(app.DateLayout), To: hi.Format(app.DateLayout), Timezone: w.tz, TaxRateBP: bp,
			Grouping: app.GroupByProjectTask}
		if *perEntry {
			in.Grouping = app.GroupByEntry
		}
		if *client != "" {
			k, _ := catalogKinds("clients")
			cl, err := findCatalogItem(ctx, w, k, *client, nil)
			if err != nil {
				return err
			}
			in.ClientID = &cl.ID
		} else {
			p, err := w.projectByName(ctx, *project)
			if err != nil {
				return err
			}
			in.ProjectID = &p.ID
		}
		team, err := c.teamServer(ctx, w)
		if err != nil {
			return err
		}
		var inv app.Invoice
		if team != nil {
			inv, err = c.invoiceOnServer(ctx, w, team, in)
		} else {
			inv, err = w.svc.CreateInvoice(ctx, w.actor, in)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(inv)
		}
		c.printInvoice(inv, w)
		return nil
	})
}

// invoiceUnlock lets an invoice's entries be edited again: on the team server when the
// device is connected (the marks are the server's; a round then brings the unlock here),
// else in the local workspace.
func (c *cli) invoiceUnlock(ctx context.Context, args []string) error {
	fs := newFlagSet("invoice unlock")
	entryList := fs.String("entries", "", "comma-separated ids of the invoice's entries to unlock (default: all of them)")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("invoice unlock: give the invoice's number, e.g. stint invoice unlock 1")
	}
	var ids []uuid.UUID
	for _, f := range strings.Split(*entryList, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := uuid.Parse(f)
		if err != nil {
			return usagef("invoice unlock: --entries: %q is not an entry id", f)
		}
		ids = append(ids, id)
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		team, err := c.teamServer(ctx, w)
		if err != nil {
			return err
		}
		fail := func(err error) error {
			if errors.Is(err, app.ErrUnavailable) {
				return fmt.Errorf("invoice unlock: invoices are kept by the team server (%s), which cannot be reached now; "+
					"nothing was unlocked: try again when online (%w)", team.url, err)
			}
			return remoteError("invoice unlock", err)
		}
		if team != nil {
			// The invoice may have been made on the server since the last round.
			if _, err := w.svc.SyncRound(ctx, team.remote, nil); err != nil {
				return fail(err)
			}
		}
		inv, err := invoiceByNumber(ctx, w, rest[0])
		if err != nil {
			return err
		}
		var n int
		if team != nil {
			if n, err = team.remote.UnlockInvoice(ctx, w.actor.OrgID, inv.ID, ids); err != nil {
				return fail(err)
			}
			if _, err := w.svc.SyncRound(ctx, team.remote, nil); err != nil {
				c.note("The entries were unlocked on %s; the unlock reaches this device with the next 'stint sync' (%v).\n", team.url, err)
			}
		} else if n, err = w.svc.UnlockInvoiceEntries(ctx, w.actor, inv.ID, ids); err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(map[string]int{"unlocked": n})
		}
		fmt.Fprintf(c.stdout, "Unlocked %s of invoice %d: they can be edited again.\n", plural(n, "entry", "entries"), inv.Number)
		return nil
	})
}

// invoiceByNumber finds an invoice by its number (or id).
func invoiceByNumber(ctx context.Context, w *workspace, ref string) (app.Invoice, error) {
	list, err := w.svc.Invoices(ctx, w.actor)
	if err != nil {
		return app.Invoice{}, err
	}
	for _, inv := range list {
		if fmt.Sprint(inv.Number) == strings.TrimPrefix(ref, "#") || inv.ID.String() == ref {
			return inv, nil
		}
	}
	return app.Invoice{}, notFoundf("no invoice %s (see stint invoice list)", ref)
}

// invoiceOnServer makes the invoice on the team server a connected device syncs with: the
// server numbers the team's invoices (docs/sync.md, Invoices). A round first sends what
// this device has not sent yet, so the invoice bills the entries as the user sees them;
// a round after it brings the invoice, its number and its entries' locks here. Offline,
// nothing is made: an invoice needs the server.
func (c *cli) invoiceOnServer(ctx context.Context, w *workspace, team *teamConn, in app.InvoiceInput) (app.Invoice, error) {
	fail := func(err error) error {
		if errors.Is(err, app.ErrUnavailable) {
			return fmt.Errorf("invoice create: an invoice is numbered and made by the team server (%s), which cannot be reached now; "+
				"nothing was made: try again when online (%w)", team.url, err)
		}
		return remoteError("invoice create", err)
	}
	if _, err := w.svc.SyncRound(ctx, team.remote, nil); err != nil {
		return app.Invoice{}, fail(err)
	}
	inv, err := team.remote.CreateInvoice(ctx, w.actor.OrgID, in)
	if err != nil {
		return app.Invoice{}, fail(err)
	}
	if _, err := w.svc.SyncRound(ctx, team.remote, nil); err != nil {
		c.note("Invoice %d was made on %s; it reaches this device with the next 'stint sync' (%v).\n", inv.Number, team.url, err)
	}
	return inv, nil
}

func (c *cli) invoiceList(ctx context.Context, args []string) error {
	fs := newFlagSet("invoice list")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if _, err := c.parseFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		list, err := w.svc.Invoices(ctx, w.actor)
		if err != nil {
			return err
		}
		if *asJSON {
			if list == nil {
				list = []app.Invoice{}
			}
			return c.printJSON(list)
		}
		if len(list) == 0 {
			fmt.Fprintln(c.stdout, "No invoices yet. Create one with: stint invoice create --client NAME --from DATE --to DATE")
			return nil
		}
		fmt.Fprintf(c.stdout, "%6s  %-23s  %-28s  %16s\n", "NUMBER", "PERIOD", "FOR", "TOTAL")
		for _, inv := range list {
			fmt.Fprintf(c.stdout, "%6d  %-23s  %-28s  %16s\n", inv.Number, invoicePeriod(inv, w), cell(invoiceFor(ctx, w, inv)),
				app.Money{Minor: inv.TotalMinor, Currency: inv.Currency})
		}
		return nil
	})
}

func (c *cli) invoiceShow(ctx context.Context, args []string) error {
	fs := newFlagSet("invoice show")
	asJSON := fs.Bool("json", c.json, "print JSON")
	pdfFile := fs.String("pdf", "", "write the invoice as a PDF to this file")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("invoice show: give the invoice's number, e.g. stint invoice show 1")
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		inv, err := invoiceByNumber(ctx, w, rest[0])
		if err != nil {
			return err
		}
		if *pdfFile != "" {
			return c.invoicePDF(ctx, w, inv, *pdfFile)
		}
		if *asJSON {
			return c.printJSON(inv)
		}
		c.printInvoice(inv, w)
		return nil
	})
}

// invoicePDF writes inv as a PDF to file.
func (c *cli) invoicePDF(ctx context.Context, w *workspace, inv app.Invoice, file string) error {
	org, billTo, err := w.svc.InvoiceParties(ctx, w.actor, inv)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.InvoicePDF(&buf, inv, export.InvoiceNames{Organization: org, BillTo: billTo, Zone: w.loc}); err != nil {
		return err
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("invoice pdf: %w", err)
	}
	fmt.Fprintf(c.stdout, "Wrote invoice %d to %s.\n", inv.Number, file)
	return nil
}

// printInvoice writes an invoice's lines and totals as a table; its period's days are
// those of the user's zone, whatever the machine's.
func (c *cli) printInvoice(inv app.Invoice, w *workspace) {
	money := func(minor int64) string { return app.Money{Minor: minor, Currency: inv.Currency}.String() }
	from, to, _ := strings.Cut(invoicePeriod(inv, w), "..")
	fmt.Fprintf(c.stdout, "Invoice %d, %s to %s\n\n", inv.Number, from, to)
	fmt.Fprintf(c.stdout, "%-40s  %8s  %16s  %16s\n", "ITEM", "HOURS", "RATE", "AMOUNT")
	for _, l := range inv.Lines {
		desc := l.Description
		if l.Date != "" {
			desc = l.Date + " " + desc
		}
		rate := "-"
		if l.HourlyMinor > 0 {
			rate = money(l.HourlyMinor)
		}
		fmt.Fprintf(c.stdout, "%-40s  %8.2f  %16s  %16s\n", cell(desc), float64(l.Seconds)/3600, rate, money(l.AmountMinor))
	}
	fmt.Fprintf(c.stdout, "\n%-68s  %16s\n", "Subtotal", money(inv.SubtotalMinor))
	fmt.Fprintf(c.stdout, "%-68s  %16s\n", fmt.Sprintf("Tax %s%%", strings.TrimSuffix(strings.TrimSuffix(app.Money{Minor: inv.TaxRateBP, Currency: "EUR"}.String(), " EUR"), ".00")), money(inv.TaxMinor))
	fmt.Fprintf(c.stdout, "%-68s  %16s\n", "Total", money(inv.TotalMinor))
}

func invoicePeriod(inv app.Invoice, w *workspace) string {
	return inv.PeriodFrom.In(w.loc).Format(app.DateLayout) + ".." + inv.PeriodTo.In(w.loc).AddDate(0, 0, -1).Format(app.DateLayout)
}

// invoiceFor names the client or project an invoice bills.
func invoiceFor(ctx context.Context, w *workspace, inv app.Invoice) string {
	name := func(id *uuid.UUID, get func(uuid.UUID) (string, error)) string {
		if n, err := get(*id); err == nil {
			return n
		}
		return id.String()
	}
	if inv.ClientID != nil {
		return name(inv.ClientID, func(id uuid.UUID) (string, error) { cl, err := w.svc.Client(ctx, w.actor, id); return cl.Name, err })
	}
	if inv.ProjectID != nil {
		return name(inv.ProjectID, func(id uuid.UUID) (string, error) { p, err := w.svc.Project(ctx, w.actor, id); return p.Name, err })
	}
	return ""
}
