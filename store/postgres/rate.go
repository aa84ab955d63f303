package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// rates stores hourly rates (app.Rates).
type rates struct{ d *db }

// Rates gives the rates of the transaction.
func (t *txn) Rates() app.Rates { return rates{t.d} }

const rateCols = "id, tenant_id, organization_id, user_id, client_id, project_id, hourly_minor, currency, effective_from, " + metaCols

func scanRate(r rowScanner) (app.Rate, error) {
	var out app.Rate
	err := r.Scan(append([]any{&out.ID, &out.TenantID, &out.OrganizationID, &out.UserID, &out.ClientID, &out.ProjectID, &out.Hourly.Minor,
		&out.Hourly.Currency, &out.EffectiveFrom}, metaDest(&out.Meta)...)...)
	out.EffectiveFrom = out.EffectiveFrom.UTC()
	out.Level = app.RateLevelOf(out.UserID, out.ClientID, out.ProjectID)
	return out, err
}

func (s rates) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Rate, error) {
	return getOne("get rate", scanRate, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+rateCols+` FROM rates WHERE tenant_id = ? AND organization_id = ? AND id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, id))
}

func (s rates) List(ctx context.Context, sc app.Scope, f app.RateFilter) ([]app.Rate, error) {
	query := `SELECT ` + rateCols + ` FROM rates WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL`
	args := []any{sc.TenantID, sc.OrgID}
	if f.UserID != nil {
		query += ` AND user_id = ?`
		args = append(args, *f.UserID)
	}
	return queryList(ctx, s.d, sc.TenantID, "list rates", 0, scanRate, query+` ORDER BY effective_from, id`, args...)
}

func (s rates) Version(ctx context.Context, sc app.Scope) (app.RatesVersion, error) {
	var v app.RatesVersion
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT count(*), coalesce(max(server_version), 0) FROM rates WHERE tenant_id = ? AND organization_id = ?`,
		sc.TenantID, sc.OrgID).Scan(&v.Rows, &v.Max)
	if err != nil {
		return v, fmt.Errorf("rates version: %w", err)
	}
	return v, nil
}

func (s rates) Insert(ctx context.Context, sc app.Scope, r app.Rate) error {
	if r.TenantID != sc.TenantID || r.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert rate: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO rates (`+rateCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{r.ID, r.TenantID, r.OrganizationID, r.UserID, r.ClientID, r.ProjectID, r.Hourly.Minor, r.Hourly.Currency, ts(r.EffectiveFrom)},
			metaArgs(r.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert rate: %w", mapErr(err))
	}
	return nil
}

func (s rates) Update(ctx context.Context, sc app.Scope, r app.Rate, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update rate",
		`UPDATE rates SET hourly_minor = ?, currency = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{r.Hourly.Minor, r.Hourly.Currency}, updateMetaArgs(r.Meta)...), sc.TenantID, sc.OrgID, r.ID, prev)...)
}

// rateExpr is the SQL hourly rate (minor units) of a row of time_entries e under rs, as
// store/sqlite's: app.PriceRate as one expression, a CASE per level (most specific first)
// under COALESCE, the rates' values written in as literals (ids and instants as typed
// strings, amounts as integers). NULL when the entry is not billable or has no rate.
func rateExpr(rs []app.Rate) string { return rateExprOf(rs, nil) }

// rateExprOf is rateExpr with the clients' rates written per project when projectsOf holds
// the projects of every client that has a rate (nil: look the entry's client up), as
// store/sqlite's: a CASE of the entry's own project_id instead of a lookup of its project
// for every entry that no more specific level priced.
func rateExprOf(rs []app.Rate, projectsOf map[uuid.UUID][]uuid.UUID) string {
	tiers := app.RateTiers(rs)
	if len(tiers) == 0 {
		return "NULL::bigint"
	}
	lit := func(id *uuid.UUID) string { return "'" + id.String() + "'::uuid" }
	steps := func(k app.RateKey) string {
		var b strings.Builder
		b.WriteString("CASE")
		for _, st := range k.Steps {
			b.WriteString(" WHEN e.started_at >= '" + ts(st.From).UTC().Format(time.RFC3339Nano) + "'::timestamptz THEN " +
				strconv.FormatInt(st.HourlyMinor, 10) + "::bigint")
		}
		b.WriteString(" END")
		return b.String()
	}
	var levels []string
	for _, tier := range tiers {
		var b strings.Builder
		switch tier.Level {
		case app.RateOrganization:
			b.WriteString(steps(tier.Keys[0]))
		case app.RateClient:
			if projectsOf == nil {
				b.WriteString("CASE (SELECT rc.client_id FROM projects rc WHERE rc.id = e.project_id)")
				for _, k := range tier.Keys {
					b.WriteString(" WHEN " + lit(k.ClientID) + " THEN " + steps(k))
				}
				b.WriteString(" END")
				break
			}
			b.WriteString("CASE e.project_id")
			for _, k := range tier.Keys {
				for _, p := range projectsOf[*k.ClientID] {
					b.WriteString(" WHEN " + lit(&p) + " THEN " + steps(k))
				}
			}
			if b.Len() == len("CASE e.project_id") { // no project of these clients: the level prices nothing
				continue
			}
			b.WriteString(" END")
		case app.RateMemberProject:
			b.WriteString("CASE")
			for _, k := range tier.Keys {
				b.WriteString(" WHEN e.project_id = " + lit(k.ProjectID) + " AND e.user_id = " + lit(k.UserID) + " THEN " + steps(k))
			}
			b.WriteString(" END")
		default:
			col, id := "e.user_id", func(k app.RateKey) *uuid.UUID { return k.UserID }
			if tier.Level == app.RateProject {
				col, id = "e.project_id", func(k app.RateKey) *uuid.UUID { return k.ProjectID }
			}
			b.WriteString("CASE " + col)
			for _, k := range tier.Keys {
				b.WriteString(" WHEN " + lit(id(k)) + " THEN " + steps(k))
			}
			b.WriteString(" END")
		}
		levels = append(levels, b.String())
	}
	if len(levels) == 0 {
		return "NULL::bigint"
	}
	return "CASE WHEN e.billable THEN coalesce(" + strings.Join(levels, ", ") + ") END"
}

// maxRateProjects bounds the projects a summary writes into its rate expression (a CASE
// tries them one after another): an organization whose rated clients have more keeps
// looking each entry's client up.
const maxRateProjects = 64

// clientProjects gives rateExprOf the projects (deleted ones too, as the lookup finds them)
// of the clients that have a rate in rs, nil when none has one or they have more than
// maxRateProjects.
func clientProjects(ctx context.Context, d *db, sc app.Scope, rs []app.Rate) (map[uuid.UUID][]uuid.UUID, error) {
	rated := map[uuid.UUID]bool{}
	for _, r := range rs {
		if r.ClientID != nil && r.DeletedAt == nil {
			rated[*r.ClientID] = true
		}
	}
	if len(rated) == 0 {
		return nil, nil
	}
	type pair struct{ id, client uuid.UUID }
	pairs, err := queryList(ctx, d, sc.TenantID, "projects of rated clients", 0, func(row rowScanner) (pair, error) {
		var p pair
		return p, row.Scan(&p.id, &p.client)
	}, `SELECT id, client_id FROM projects WHERE tenant_id = ? AND organization_id = ? AND client_id IS NOT NULL ORDER BY id`, sc.TenantID, sc.OrgID)
	if err != nil {
		return nil, err
	}
	out, n := map[uuid.UUID][]uuid.UUID{}, 0
	for _, p := range pairs {
		if !rated[p.client] {
			continue
		}
		if n++; n > maxRateProjects {
			return nil, nil
		}
		out[p.client] = append(out[p.client], p.id)
	}
	return out, nil
}

// amountOf is the SQL amount (minor units) of micros microseconds (a bigint) at rate
// (NULL: 0), as app.Amount computes it: whole milliseconds times the rate, rounded half up.
func amountOf(micros, rate string) string {
	return "coalesce((" + micros + ") / 1000 * (" + rate + ") + 1800000, 0) / 3600000"
}
