package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/stinthq/stint/app"
)

// The simulation's operations on an organization's own row (docs/sync.md, "Organizations"):
// its user renames the organization or changes one of its activity settings on a device,
// offline (refused locally unless owner or admin), and the tenant's owner does the same
// through the server meanwhile. The oracle follows the name and the settings like any
// field, each setting on its own under last writer wins.

// orgOp changes the organization on a device as its user, one field, and returns what it
// did for the trace.
func (s *sim) orgOp(d *simDevice, a app.Actor) (string, error) {
	ctx := context.Background()
	o, err := d.svc.Organization(ctx, a, a.OrgID)
	if err != nil {
		return "organization", err
	}
	p, field, what := s.orgPatch(o)
	_, err = d.svc.UpdateOrganization(ctx, a, a.OrgID, p, 0)
	s.userEdited(d, a, err, a.OrgID, field)
	return fmt.Sprintf("organization %s: %s", short(o.ID), what), err
}

// serverOrgOp is the owner changing the organization through the server's API meanwhile.
func (s *sim) serverOrgOp(ctx context.Context, svc *app.Service, a app.Actor) (string, error) {
	o, err := svc.Organization(ctx, a, a.OrgID)
	if err != nil {
		return "organization", err
	}
	p, _, what := s.orgPatch(o)
	out, err := svc.UpdateOrganization(ctx, a, a.OrgID, p, 0)
	if err == nil {
		s.oracle.serverWrote(out.ID, out)
	}
	return fmt.Sprintf("organization %s: %s", short(o.ID), what), err
}

// orgPatch changes one field of o to another value: its name, screenshots or window
// titles switched, or another screenshot interval.
func (s *sim) orgPatch(o app.Organization) (app.OrganizationPatch, string, string) {
	var p app.OrganizationPatch
	switch s.rng.IntN(4) {
	case 0:
		name := s.name("O")
		p.Name = &name
		return p, "name", fmt.Sprintf("rename to %q", name)
	case 1:
		on := !o.Activity.Screenshots
		p.Activity.Screenshots = &on
		return p, "activity.screenshots", fmt.Sprintf("screenshots %v", on)
	case 2:
		on := !o.Activity.WindowTitles
		p.Activity.WindowTitles = &on
		return p, "activity.window_titles", fmt.Sprintf("window titles %v", on)
	default:
		others := slices.DeleteFunc(slices.Clone(app.ScreenshotIntervals), func(m int) bool { return m == o.Activity.ScreenshotMinutes })
		m, _ := pick(s, others)
		p.Activity.ScreenshotMinutes = &m
		return p, "activity.screenshot_minutes", fmt.Sprintf("screenshots every %d minutes", m)
	}
}

// simFlatten copies each nested followed field ("activity.screenshots") out of its object
// in row to a key of its own, as the server's last writer wins compares them.
func simFlatten(row map[string]json.RawMessage) {
	for _, f := range simFields {
		parent, child, nested := strings.Cut(f, ".")
		if !nested {
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(row[parent], &obj) == nil {
			if v, ok := obj[child]; ok {
				row[f] = v
			}
		}
	}
}
