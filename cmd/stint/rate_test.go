package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestRateCommands sets rates at two levels from the CLI, lists them, and sees a report
// price billable time and a project budget show its progress in the project list.
func TestRateCommands(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme", "--billable")
	out := h.ok("rate", "set", "90", "eur", "--from", "2026-01-01")
	if !strings.Contains(out, "90.00 EUR an hour for the organization") {
		t.Errorf("rate set: %q", out)
	}
	h.ok("rate", "set", "120.50", "EUR", "--project", "Acme", "--from", "2026-01-01")
	out = h.ok("rate", "list")
	for _, want := range []string{"organization", "project", "Acme", "120.50 EUR", "90.00 EUR"} {
		if !strings.Contains(out, want) {
			t.Errorf("rate list lacks %q:\n%s", want, out)
		}
	}
	if r := h.run("rate", "set", "1.234", "EUR"); r.code == 0 {
		t.Error("rate set took three decimals of EUR")
	}
	if r := h.run("rate", "set", "5", "USD"); r.code == 0 || !strings.Contains(r.stderr, "EUR") {
		t.Errorf("rate set in a second currency: %+v", r)
	}

	// Two billable hours on Acme at 120.50 and a 10-hour budget on it.
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		p, err := svc.ProjectByName(ctx, a, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		stop := start.Add(2 * time.Hour)
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetBudget(ctx, a, p.ID, app.BudgetInput{Kind: app.BudgetHours, Limit: 10 * 3600}); err != nil {
			t.Fatal(err)
		}
	})
	var rep struct {
		TotalAmount app.Money `json:"total_amount"`
	}
	h.okJSON(&rep, "report", "--from", "2026-11-23", "--to", "2026-11-29", "--json")
	if rep.TotalAmount != (app.Money{Minor: 24100, Currency: "EUR"}) {
		t.Errorf("report total amount %+v, want 241.00 EUR", rep.TotalAmount)
	}
	out = h.ok("projects")
	if !strings.Contains(out, "BUDGET") || !strings.Contains(out, "2 / 10 h (20%)") {
		t.Errorf("projects lacks the budget's progress:\n%s", out)
	}
}

// TestRateSetExtraWords: words after the amount and the currency (a name typed without
// --project, say) are named in the error, with the flags that say what a rate is for.
func TestRateSetExtraWords(t *testing.T) {
	h := newHarness(t)
	r := h.run("rate", "set", "90", "EUR", "Acme")
	if r.code != 2 || !strings.Contains(r.stderr, `unexpected argument "Acme"`) || !strings.Contains(r.stderr, "--project") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
