package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// rates stores hourly rates (app.Rates).
type rates struct{ q querier }

// Rates gives the rates of the transaction.
func (t *txn) Rates() app.Rates { return rates{t.q} }

const rateCols = "id, tenant_id, organization_id, user_id, client_id, project_id, hourly_minor, currency, effective_from, " + metaCols

func scanRate(r rowScanner) (app.Rate, error) {
	var out app.Rate
	var m metaScan
	var user, client, project uuid.NullUUID
	var from int64
	err := r.Scan(append([]any{&out.ID, &out.TenantID, &out.OrganizationID, &user, &client, &project, &out.Hourly.Minor, &out.Hourly.Currency, &from},
		m.dest(&out.Meta)...)...)
	m.fill(&out.Meta)
	out.UserID, out.ClientID, out.ProjectID = fromNullID(user), fromNullID(client), fromNullID(project)
	out.EffectiveFrom = fromUS(from)
	out.Level = app.RateLevelOf(out.UserID, out.ClientID, out.ProjectID)
	return out, err
}

func (s rates) Get(ctx context.Context, sc app.Scope, id uuid.UUID) (app.Rate, error) {
	return getOne("get rate", scanRate, s.q.QueryRowContext(ctx,
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
	return queryList(ctx, s.q, "list rates", func(r *sql.Rows) (app.Rate, error) { return scanRate(r) },
		query+` ORDER BY effective_from, id`, args...)
}

// versionOf is the version of an organization's rows of table (rates, projects) as one row
// of n (how many) and m (their greatest server_version, which every write raises), its
// arguments the tenant and the organization: app.RatesVersion's two numbers.
func versionOf(table string) string {
	return `(SELECT count(*) AS n, coalesce(max(server_version), 0) AS m FROM ` + table + ` WHERE tenant_id = ? AND organization_id = ?)`
}

func (s rates) Version(ctx context.Context, sc app.Scope) (app.RatesVersion, error) {
	var v app.RatesVersion
	err := s.q.QueryRowContext(ctx, `SELECT v.n, v.m FROM `+versionOf("rates")+` v`, sc.TenantID, sc.OrgID).Scan(&v.Rows, &v.Max)
	if err != nil {
		return v, fmt.Errorf("rates version: %w", err)
	}
	return v, nil
}

func (s rates) Insert(ctx context.Context, sc app.Scope, r app.Rate) error {
	if r.TenantID != sc.TenantID || r.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert rate: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO rates (server_version, `+rateCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{r.ID, r.TenantID, r.OrganizationID, nullID(r.UserID), nullID(r.ClientID), nullID(r.ProjectID), r.Hourly.Minor, r.Hourly.Currency,
			us(r.EffectiveFrom)}, metaArgs(r.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert rate: %w", mapErr(err))
	}
	return nil
}

func (s rates) Update(ctx context.Context, sc app.Scope, r app.Rate, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update rate",
		`UPDATE rates SET server_version = `+stampValue+`, hourly_minor = ?, currency = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{r.Hourly.Minor, r.Hourly.Currency}, updateMetaArgs(r.Meta)...), sc.TenantID, sc.OrgID, r.ID, prev)...)
}

// rateExpr is the SQL hourly rate (minor units) of a row of time_entries e under rs: NULL
// when the entry is not billable or no rate of its key was in effect when it started. It is
// app.PriceRate written as one expression over the organization's few rates, their values
// written in as literals (ids as blobs, instants and amounts as integers): a CASE per level,
// most specific first under coalesce, which stops at the first level that has a rate. A
// client's rates read the entry's project's client in a lookup only when there are some.
func rateExpr(rs []app.Rate) string { return rateExprOf(rs, nil) }

// rateExprOf is rateExpr with the clients' rates written per project when projectsOf holds
// the projects of every client that has a rate (nil: look the entry's client up): a CASE of
// the entry's own project_id instead of a lookup of its project for every entry that no
// more specific level priced (a tenth of an organization's month report).
func rateExprOf(rs []app.Rate, projectsOf map[uuid.UUID][]uuid.UUID) string {
	tiers := app.RateTiers(rs)
	if len(tiers) == 0 {
		return "NULL"
	}
	blob := func(id *uuid.UUID) string { return "x'" + strings.ReplaceAll(id.String(), "-", "") + "'" }
	steps := func(k app.RateKey) string {
		var b strings.Builder
		b.WriteString("CASE")
		for _, st := range k.Steps {
			b.WriteString(" WHEN e.started_at >= " + strconv.FormatInt(us(st.From), 10) + " THEN " + strconv.FormatInt(st.HourlyMinor, 10))
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
				b.WriteString(clientCase(tier.Keys, steps, blob))
				break
			}
			b.WriteString("CASE e.project_id")
			for _, k := range tier.Keys {
				for _, p := range projectsOf[*k.ClientID] {
					b.WriteString(" WHEN " + blob(&p) + " THEN " + steps(k))
				}
			}
			if b.Len() == len("CASE e.project_id") { // no project of these clients: the level prices nothing
				continue
			}
			b.WriteString(" END")
		case app.RateMemberProject:
			b.WriteString("CASE")
			for _, k := range tier.Keys {
				b.WriteString(" WHEN e.project_id = " + blob(k.ProjectID) + " AND e.user_id = " + blob(k.UserID) + " THEN " + steps(k))
			}
			b.WriteString(" END")
		default:
			col, id := "e.user_id", func(k app.RateKey) *uuid.UUID { return k.UserID }
			if tier.Level == app.RateProject {
				col, id = "e.project_id", func(k app.RateKey) *uuid.UUID { return k.ProjectID }
			}
			b.WriteString("CASE " + col)
			for _, k := range tier.Keys {
				b.WriteString(" WHEN " + blob(id(k)) + " THEN " + steps(k))
			}
			b.WriteString(" END")
		}
		levels = append(levels, b.String())
	}
	if len(levels) == 0 {
		return "NULL"
	}
	expr := levels[0]
	if len(levels) > 1 {
		expr = "coalesce(" + strings.Join(levels, ", ") + ")"
	}
	return "CASE WHEN e.billable THEN " + expr + " END"
}

// clientCase is the clients' level of rateExpr that looks each entry's client up through its
// project.
func clientCase(keys []app.RateKey, steps func(app.RateKey) string, blob func(*uuid.UUID) string) string {
	var b strings.Builder
	b.WriteString("CASE (SELECT rc.client_id FROM projects rc WHERE rc.id = e.project_id)")
	for _, k := range keys {
		b.WriteString(" WHEN " + blob(k.ClientID) + " THEN " + steps(k))
	}
	b.WriteString(" END")
	return b.String()
}

// maxRateProjects bounds the projects a summary writes into its rate expression (a CASE
// tries them one after another): an organization whose rated clients have more keeps
// looking each entry's client up.
const maxRateProjects = 64

// clientProjects gives rateExprOf the projects (deleted ones too, as the lookup finds them)
// of the clients that have a rate in rs, nil when none has one or they have more than
// maxRateProjects.
func clientProjects(ctx context.Context, q querier, sc app.Scope, rs []app.Rate) (map[uuid.UUID][]uuid.UUID, error) {
	rated := map[uuid.UUID]bool{}
	for _, r := range rs {
		if r.ClientID != nil && r.DeletedAt == nil {
			rated[*r.ClientID] = true
		}
	}
	if len(rated) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, client_id FROM projects WHERE tenant_id = ? AND organization_id = ? AND client_id IS NOT NULL ORDER BY id`,
		sc.TenantID, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("projects of rated clients: %w", err)
	}
	defer rows.Close()
	out, n := map[uuid.UUID][]uuid.UUID{}, 0
	for rows.Next() {
		var id, client uuid.UUID
		if err := rows.Scan(&id, &client); err != nil {
			return nil, fmt.Errorf("projects of rated clients: %w", err)
		}
		if !rated[client] {
			continue
		}
		if n++; n > maxRateProjects {
			return nil, nil
		}
		out[client] = append(out[client], id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projects of rated clients: %w", err)
	}
	return out, nil
}

// amountOf is the SQL amount (minor units) of micros microseconds at rate (NULL: 0), as
// app.Amount computes it: whole milliseconds times the rate, rounded half up.
func amountOf(micros, rate string) string {
	return "coalesce((" + micros + ") / 1000 * (" + rate + ") + 1800000, 0) / 3600000"
}
