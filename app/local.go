package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Device setting keys naming the local workspace this installation uses.
const (
	settingLocalTenant = "local.tenant_id"
	settingLocalOrg    = "local.organization_id"
	settingLocalUser   = "local.user_id"
)

// LocalSetup names the workspace an installation creates for itself on first use: no
// server, no e-mail, no password.
type LocalSetup struct {
	Name         string
	Organization string
	Timezone     string
}

// LocalActor returns the owner of this installation's local workspace, or ErrNotFound when
// none has been set up yet.
func (s *Service) LocalActor(ctx context.Context) (Actor, error) {
	var a Actor
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		a, err = localActor(ctx, tx)
		return err
	})
	return a, err
}

func localActor(ctx context.Context, tx Tx) (Actor, error) {
	ids := make([]uuid.UUID, 3)
	for i, key := range []string{settingLocalTenant, settingLocalOrg, settingLocalUser} {
		v, err := tx.Device().Get(ctx, key)
		if err != nil {
			return Actor{}, err
		}
		if ids[i], err = uuid.Parse(v); err != nil {
			return Actor{}, fmt.Errorf("device setting %s is corrupt: %w", key, err)
		}
	}
	a := Actor{TenantID: ids[0], OrgID: ids[1], UserID: ids[2]}
	m, err := tx.Memberships().Get(ctx, a.Scope(), a.UserID)
	if err != nil {
		return Actor{}, fmt.Errorf("local workspace membership: %w", err)
	}
	a.Role = m.Role
	return a, nil
}

// EnsureLocal returns the local workspace owner, creating the workspace from setup when there
// is none. created tells which happened.
func (s *Service) EnsureLocal(ctx context.Context, setup LocalSetup) (a Actor, created bool, err error) {
	setup.Name = strings.TrimSpace(setup.Name)
	setup.Organization = strings.TrimSpace(setup.Organization)
	var c checker
	checkName(&c, "name", setup.Name, 200)
	checkName(&c, "organization", setup.Organization, 200)
	checkTimezone(&c, "timezone", setup.Timezone)
	if err := c.err(); err != nil {
		return Actor{}, false, err
	}
	err = s.store.Write(ctx, func(tx Tx) error {
		a, err = localActor(ctx, tx)
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if a, err = s.onboard(ctx, tx, setup.Organization, setup.Name, "", "", setup.Timezone); err != nil {
			return err
		}
		created = true
		for key, id := range map[string]uuid.UUID{settingLocalTenant: a.TenantID, settingLocalOrg: a.OrgID, settingLocalUser: a.UserID} {
			if err := tx.Device().Put(ctx, key, id.String()); err != nil {
				return err
			}
		}
		return nil
	})
	return a, created, err
}
