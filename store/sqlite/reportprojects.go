package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// maxKeptProjects bounds projectCache; past it the cache starts over.
const maxKeptProjects = 1024

// errProjectsChanged: the projects a summary was written with are not those of its
// snapshot (or an entry names a project they lack). Summary reads them again.
var errProjectsChanged = errors.New("projects changed since they were kept")

// keptProjects is what a member's summary needs of the organization's projects, read at
// version (their count and greatest server_version, as rates.Version is the rates'):
// each project's name, for rows by project, and the projects of each client, for the
// clients' rates. With them kept, the summing statement joins no names and looks up no
// entry's client (a sixth of a member's week), and checks the version itself (rv).
type keptProjects struct {
	tenant  uuid.UUID
	version app.RatesVersion
	names   map[uuid.UUID]string
	clients map[uuid.UUID][]uuid.UUID // each client's projects, by id as clientProjects lists them
}

// projectsOf is clientProjects' answer from the kept projects.
func (k *keptProjects) projectsOf(rs []app.Rate) map[uuid.UUID][]uuid.UUID {
	rated := map[uuid.UUID]bool{}
	for _, r := range rs {
		if r.ClientID != nil && r.DeletedAt == nil {
			rated[*r.ClientID] = true
		}
	}
	if len(rated) == 0 {
		return nil
	}
	out, n := map[uuid.UUID][]uuid.UUID{}, 0
	for c := range rated {
		if ps := k.clients[c]; len(ps) > 0 {
			if n += len(ps); n > maxRateProjects {
				return nil
			}
			out[c] = ps
		}
	}
	return out
}

// projectCache keeps each organization's keptProjects. Every summary that uses them
// checks their version in its own statement, so a write through another store on the
// same file (the CLI beside a server) is seen by the next report.
type projectCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]*keptProjects // by organization
}

// get returns the projects kept for sc; a nil cache keeps nothing.
func (c *projectCache) get(sc app.Scope) *keptProjects {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.m[sc.OrgID]; k != nil && k.tenant == sc.TenantID {
		return k
	}
	return nil
}

func (c *projectCache) put(sc app.Scope, k *keptProjects) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxKeptProjects {
		c.m = make(map[uuid.UUID]*keptProjects)
	}
	c.m[sc.OrgID] = k
}

// readProjects reads the organization's projects (deleted ones too, as the names join and
// the client lookup find them) and their version in one statement, so they agree.
func readProjects(ctx context.Context, q querier, sc app.Scope) (*keptProjects, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.n, v.m, p.id, p.client_id, p.name
		FROM `+versionOf("projects")+` v
		LEFT JOIN projects p ON p.tenant_id = ? AND p.organization_id = ? ORDER BY p.id`, sc.TenantID, sc.OrgID, sc.TenantID, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("projects for reports: %w", err)
	}
	defer rows.Close()
	k := &keptProjects{tenant: sc.TenantID, names: map[uuid.UUID]string{}, clients: map[uuid.UUID][]uuid.UUID{}}
	for rows.Next() {
		var id, client uuid.NullUUID
		var name *string
		if err := rows.Scan(&k.version.Rows, &k.version.Max, &id, &client, &name); err != nil {
			return nil, fmt.Errorf("projects for reports: %w", err)
		}
		if !id.Valid {
			continue
		}
		k.names[id.UUID] = *name
		if client.Valid {
			k.clients[client.UUID] = append(k.clients[client.UUID], id.UUID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projects for reports: %w", err)
	}
	for _, ps := range k.clients { // ORDER BY p.id already; kept so whatever the plan
		slices.SortFunc(ps, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	}
	return k, nil
}
