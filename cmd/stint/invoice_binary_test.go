//go:build unix

package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestConnectedInvoiceCreate: on a device connected to a real `stint serve`, `stint invoice
// create` sends the device's entries, makes the invoice on the server (which numbers it),
// and syncs: the device then lists the invoice and refuses to edit its entry with the
// API's message, until a manager's unlock on the server reaches it.
func TestConnectedInvoiceCreate(t *testing.T) {
	bin := buildStint(t)
	srv := startServe(t, bin, t.TempDir())
	token := srv.signup(t)
	h := newHarness(t)
	if r := h.runStdin(loadPassword+"\n", "remote", "login", "http://"+srv.addr, "--email", loadEmail, "--password-stdin"); r.code != 0 {
		t.Fatalf("remote login: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.ok("projects", "add", "Acme", "--billable")
	h.ok("rate", "set", "100", "EUR", "--project", "Acme", "--from", "2026-01-01")
	h.ok("entries", "add", "--project", "Acme", "--start", "2026-11-24 09:00", "--end", "2026-11-24 11:00", "design")

	out := h.ok("invoice", "create", "--project", "Acme", "--from", "2026-11-23", "--to", "2026-11-29")
	if !strings.Contains(out, "Invoice 1") || !strings.Contains(out, "200.00 EUR") {
		t.Fatalf("invoice create said:\n%s\nwant invoice 1 of 200.00 EUR", out)
	}
	var list struct{ Items []app.Invoice }
	if err := srv.call(http.MethodGet, "/v1/invoices", token, nil, &list, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Number != 1 || list.Items[0].TotalMinor != 20000 {
		t.Fatalf("the server's invoices: %+v; want invoice 1 of 200.00 EUR", list.Items)
	}
	if out := h.ok("invoice", "list"); !strings.Contains(out, "Acme") || !strings.Contains(out, "200.00 EUR") {
		t.Errorf("the device's invoice list:\n%s\nwant the server's invoice 1", out)
	}
	if r := h.run("entries", "edit", "last", "--description", "changed"); r.code == 0 ||
		!strings.Contains(r.stderr, "the entry is on invoice 1 and locked; a manager can unlock it") {
		t.Fatalf("editing the invoiced entry on the device: exit %d, stderr %q; want it refused as the API does", r.code, r.stderr)
	}

	// The manager unlocks from the device: on the server, and the unlock comes back.
	if out := h.ok("invoice", "unlock", "1"); !strings.Contains(out, "Unlocked 1 entry of invoice 1") {
		t.Fatalf("invoice unlock said %q", out)
	}
	h.ok("entries", "edit", "last", "--description", "changed")
	if out := h.ok("sync"); !strings.Contains(out, "1 sent") {
		t.Errorf("sync after the edit said %q, want 1 sent", out)
	}
	if st := h.run("sync", "status", "--json"); strings.Contains(st.stdout, `"rejections": [{`) {
		t.Errorf("sync status shows rejections: %s", st.stdout)
	}
	// The server took the edit: the entry is unlocked there too.
	var es struct{ Items []app.TimeEntry }
	if err := srv.call(http.MethodGet, "/v1/time-entries", token, nil, &es, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if len(es.Items) != 1 || es.Items[0].Description != "changed" {
		t.Errorf("the server's entries: %+v; want the device's edit", es.Items)
	}
}
