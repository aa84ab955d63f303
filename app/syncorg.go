package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Sync of an organization's own row (docs/sync.md, "Organizations"): its name, time zone
// and activity settings are changed on a device by an owner or admin (Settings, 'stint
// activity settings') and pushed like any other row, through the rules of PATCH
// /v1/organizations/{id} (UpdateOrganization): a member's change is rejected as forbidden,
// and the device takes the server's row back at once. The row is made on the server (a
// sign-up, a publish, POST /v1/organizations) and never removed by a push.

// EntityOrganization is the organization row in a push; the organization is the one the
// row is.
const EntityOrganization = "organization"

// organizationFields are the fields of an organization a device edits, each a unit of last
// writer wins: every activity setting on its own, so an owner turning screenshots on and an
// admin turning window titles off on another device both keep their change.
var organizationFields = []string{"name", "timezone", "activity.screenshots", "activity.screenshot_minutes",
	"activity.screenshot_random", "activity.window_titles"}

// flattenFields copies the value of each nested field of names ("activity.screenshots")
// from its object in m to a key of its own, so last writer wins can treat it as a field.
// A field whose object is missing or not an object is left out.
func flattenFields(m map[string]json.RawMessage, names []string) {
	for _, f := range names {
		parent, child, nested := strings.Cut(f, ".")
		if !nested {
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(m[parent], &obj) != nil {
			continue
		}
		if v, ok := obj[child]; ok {
			m[f] = v
		}
	}
}

// unflattenFields puts the nested fields flattenFields took out back into their objects,
// with the values they hold now, and drops their own keys.
func unflattenFields(m map[string]json.RawMessage, names []string) error {
	for _, f := range names {
		parent, child, nested := strings.Cut(f, ".")
		v, ok := m[f]
		if !nested || !ok {
			continue
		}
		delete(m, f)
		obj := map[string]json.RawMessage{}
		if raw, ok := m[parent]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &obj); err != nil {
				return fmt.Errorf("field %s: %w", parent, err)
			}
		}
		obj[child] = v
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		m[parent] = b
	}
	return nil
}

// pushOrganization applies an organization a device pushed, through the API's rules
// (UpdateOrganization): owners and admins only, the same validation. An organization is
// never created or removed by a push.
func (s *Service) pushOrganization(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	if create || m.Op == OpDelete {
		return nil, 0, Conflict("an organization is created and removed on the server, not by a device")
	}
	var in Organization
	if err := json.Unmarshal(m.Row, &in); err != nil {
		return nil, 0, Invalid("row", "must be an organization as JSON")
	}
	p := OrganizationPatch{Name: &in.Name, Activity: ActivitySettingsPatch{Screenshots: &in.Activity.Screenshots,
		ScreenshotRandom: &in.Activity.ScreenshotRandom, WindowTitles: &in.Activity.WindowTitles}}
	if in.Timezone != "" {
		p.Timezone = &in.Timezone
	}
	if in.Activity.ScreenshotMinutes != 0 { // 0: a row from before the setting, which means the default
		p.Activity.ScreenshotMinutes = &in.Activity.ScreenshotMinutes
	}
	out, err := s.UpdateOrganization(ctx, a, m.EntityID, p, 0)
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(out)
	return b, out.Version, err
}
