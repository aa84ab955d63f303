// Package storetest is the conformance suite every app.Store implementation must pass:
// round trips, optimistic versions, paging, the one-running-timer rule, atomic transactions,
// reads that see one snapshot, and tenant isolation (no method returns or changes another tenant's rows).
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

// Opener returns a fresh, migrated, empty store; the suite closes it.
type Opener func(t *testing.T) app.Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, app.Store)
	}{
		{"TenantOrgUserMembership", testAccounts},
		{"Catalog", testCatalog},
		{"CatalogVersionsAndNames", testCatalogVersions},
		{"TimeEntries", testTimeEntries},
		{"OneRunningEntryPerUser", testOneRunning},
		{"EntryPaging", testEntryPaging},
		{"EntryOverlap", testEntryOverlap},
		{"Tokens", testTokens},
		{"Invitations", testInvitations},
		{"AuditAndChanges", testAuditAndChanges},
		{"ChangeFields", testChangeFields},
		{"WriteIsAtomic", testAtomic},
		{"ReadIsOneSnapshot", testReadSnapshot},
		{"Idempotency", testIdempotency},
		{"UnitsOfWork", testUnits},
		{"ClosedStore", testClosed},
		{"DoneContext", testDoneContext},
		{"Device", testDevice},
		{"TenantIsolation", testIsolation},
		{"Sync", testSync},
		{"SyncMutations", testSyncMutations},
		{"Reports", testReports},
		{"ActivitySlots", testActivitySlots},
		{"OrgActivitySettings", testOrgActivitySettings},
		{"Screenshots", testScreenshots},
		{"ScreenshotSync", testScreenshotSync},
		{"ScreenshotSweep", testScreenshotSweep},
		{"Import", testImport},
		{"ImportInsertEntries", testImportInsertEntries},
		{"ImportTotals", testImportTotals},
		{"Rates", testRates},
		{"ReportAmounts", testReportAmounts},
		{"SummaryRunningEntry", testSummaryRunningEntry},
		{"Invoices", testInvoices},
		{"InvoiceSync", testInvoiceSync},
		{"BudgetSpent", testBudgetSpent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			t.Cleanup(func() { st.Close() })
			tc.fn(t, st)
		})
	}
}

// base is a fixed instant with microseconds, so precision loss would show.
var base = time.Date(2026, 3, 29, 0, 30, 15, 123456000, time.UTC)

func meta(i int) app.Meta {
	t := base.Add(time.Duration(i) * time.Second)
	return app.Meta{Version: 1, CreatedAt: t, UpdatedAt: t, HLC: fmt.Sprintf("%015d-%010d-test", t.UnixMilli(), i)}
}

// world is one tenant with two organizations and a user in both.
type world struct {
	tenant     app.Tenant
	org, org2  app.Organization
	user       app.User
	sc, sc2    app.Scope
	project    app.Project
	task       app.Task
	tag, tag2  app.Tag
	client     app.Client
	entry      app.TimeEntry
	token      app.APIToken
	tokenHash  []byte
	membership app.Membership
}

func write(t *testing.T, st app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := st.Write(context.Background(), fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func read(t *testing.T, st app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := st.Read(context.Background(), fn); err != nil {
		t.Fatalf("read: %v", err)
	}
}

// seed creates a world; email must be unique per store.
func seed(t *testing.T, st app.Store, email string) world {
	t.Helper()
	ctx := context.Background()
	var w world
	w.tenant = app.Tenant{ID: app.NewID(), Name: "Acme", Meta: meta(0)}
	w.org = app.Organization{ID: app.NewID(), TenantID: w.tenant.ID, Name: "Acme", Timezone: "Europe/Berlin", Meta: meta(1)}
	w.org2 = app.Organization{ID: app.NewID(), TenantID: w.tenant.ID, Name: "Acme Labs", Timezone: "UTC", Meta: meta(2)}
	w.sc = app.Scope{TenantID: w.tenant.ID, OrgID: w.org.ID}
	w.sc2 = app.Scope{TenantID: w.tenant.ID, OrgID: w.org2.ID}
	w.user = app.User{ID: app.NewID(), TenantID: w.tenant.ID, Email: email, Name: "Ada", Timezone: "Europe/Berlin", PasswordHash: "$argon2id$x", Meta: meta(3)}
	w.membership = app.Membership{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID, Role: app.RoleOwner, Meta: meta(4)}
	m2 := app.Membership{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org2.ID, UserID: w.user.ID, Role: app.RoleMember, Meta: meta(5)}
	w.client = app.Client{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "Globex", Meta: meta(6)}
	w.project = app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ClientID: &w.client.ID, Name: "Website", Color: "#4f7cff", Billable: true, Meta: meta(7)}
	w.task = app.Task{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ProjectID: w.project.ID, Name: "Design", Meta: meta(8)}
	w.tag = app.Tag{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "deep work", Color: "#30a46c", Meta: meta(9)}
	w.tag2 = app.Tag{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "meeting", Color: "#e5484d", Meta: meta(10)}
	stop := base.Add(90 * time.Minute)
	w.entry = app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: w.user.ID,
		ProjectID: &w.project.ID, TaskID: &w.task.ID, Description: "wireframes", StartedAt: base, StoppedAt: &stop,
		Timezone: "Europe/Berlin", Billable: true, Source: app.SourceManual, TagIDs: []uuid.UUID{w.tag2.ID, w.tag.ID}, Meta: meta(11)}
	w.tokenHash = app.HashToken("stint_" + email)
	exp := base.Add(time.Hour)
	w.token = app.APIToken{ID: app.NewID(), TenantID: w.tenant.ID, UserID: w.user.ID, Name: "ci", Kind: app.TokenPersonal,
		Prefix: "stint_abc", Hash: w.tokenHash, ExpiresAt: &exp, CreatedAt: base, Version: 1}
	write(t, st, func(tx app.Tx) error {
		return errors.Join(
			tx.Tenants().Insert(ctx, w.tenant),
			tx.Organizations().Insert(ctx, w.sc, w.org),
			tx.Organizations().Insert(ctx, w.sc2, w.org2),
			tx.Users().Insert(ctx, w.sc, w.user),
			tx.Memberships().Insert(ctx, w.sc, w.membership),
			tx.Memberships().Insert(ctx, w.sc2, m2),
			tx.Clients().Insert(ctx, w.sc, w.client),
			tx.Projects().Insert(ctx, w.sc, w.project),
			tx.Tasks().Insert(ctx, w.sc, w.task),
			tx.Tags().Insert(ctx, w.sc, w.tag),
			tx.Tags().Insert(ctx, w.sc, w.tag2),
			tx.TimeEntries().Insert(ctx, w.sc, w.entry),
			tx.Tokens().Insert(ctx, w.sc, w.token),
		)
	})
	return w
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

func page(limit int) app.PageRequest { return app.PageRequest{Limit: limit} }
