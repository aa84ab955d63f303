package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestInvoiceCommands bills two hours at 120.50 EUR with 19% tax from the CLI, lists and
// shows the invoice, and finds the invoiced entry locked against edits.
func TestInvoiceCommands(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme", "--billable")
	h.ok("rate", "set", "120.50", "EUR", "--project", "Acme", "--from", "2026-01-01")
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		p, err := svc.ProjectByName(ctx, a, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		stop := start.Add(2 * time.Hour)
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop, Description: "design"}); err != nil {
			t.Fatal(err)
		}
	})
	out := h.ok("invoice", "create", "--project", "Acme", "--from", "2026-11-23", "--to", "2026-11-29", "--tax", "19", "--per-entry")
	for _, want := range []string{"Invoice 1", "2026-11-24 Acme: design", "120.50 EUR", "241.00 EUR", "Tax 19%", "45.79 EUR", "286.79 EUR"} {
		if !strings.Contains(out, want) {
			t.Errorf("invoice create lacks %q:\n%s", want, out)
		}
	}
	if out := h.ok("invoice", "list"); !strings.Contains(out, "Acme") || !strings.Contains(out, "286.79 EUR") {
		t.Errorf("invoice list:\n%s", out)
	}
	var inv app.Invoice
	h.okJSON(&inv, "invoice", "show", "1", "--json")
	if inv.Number != 1 || inv.TotalMinor != 28679 || inv.TaxRateBP != 1900 || len(inv.Lines) != 1 {
		t.Errorf("invoice show: %+v", inv)
	}
	pdf := filepath.Join(t.TempDir(), "invoice-1.pdf")
	h.ok("invoice", "show", "1", "--pdf", pdf)
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("invoice show --pdf wrote no PDF: %v", err)
	}
	if r := h.run("entries", "edit", "last", "--description", "changed"); r.code == 0 || !strings.Contains(r.stderr, "invoice 1") {
		t.Errorf("editing the invoiced entry: %+v", r)
	}
	if r := h.run("invoice", "create", "--project", "Acme", "--from", "2026-11-23", "--to", "2026-11-29"); r.code == 0 {
		t.Error("the same time invoiced twice")
	}
	if r := h.run("invoice", "unlock", "2"); r.code == 0 || !strings.Contains(r.stderr, "no invoice 2") {
		t.Errorf("unlocking an invoice that does not exist: %+v", r)
	}
	if out := h.ok("invoice", "unlock", "1"); !strings.Contains(out, "Unlocked 1 entry of invoice 1") {
		t.Errorf("invoice unlock said %q", out)
	}
	h.ok("entries", "edit", "last", "--description", "changed")
}

// TestConnectedInvoiceCreateOffline: a connected device whose server cannot be reached
// makes no invoice and says that an invoice needs the server and to try again online.
func TestConnectedInvoiceCreateOffline(t *testing.T) {
	ts, _, _ := teamServer(t)
	h := newHarness(t)
	if r := h.runStdin("correct horse battery\n", "remote", "login", ts.URL, "--email", "ada@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.ok("projects", "add", "Acme", "--billable")
	ts.Close()
	r := h.run("invoice", "create", "--project", "Acme", "--from", "2026-11-23", "--to", "2026-11-29")
	if r.code == 0 || !strings.Contains(r.stderr, "made by the team server") || !strings.Contains(r.stderr, "try again when online") ||
		strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("invoice create offline: exit %d, stderr %q; want one line saying an invoice needs the server, try again online", r.code, r.stderr)
	}
	if out := h.ok("invoice", "list"); !strings.Contains(out, "No invoices yet") {
		t.Errorf("after the refused create the device lists:\n%s", out)
	}
}
