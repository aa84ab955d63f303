package app

import (
	"context"
	"strings"

	"github.com/google/uuid"
)

// ClientInput creates a client.
type ClientInput struct {
	Name string
}

// ClientPatch changes a client; nil fields stay as they are.
type ClientPatch struct {
	Name     *string
	Archived *bool
}

var clients = catalog[Client]{
	entity: "client", read: PermClientsRead, manage: PermClientsManage,
	repo: func(tx Tx) catalogRepo[Client] { return tx.Clients() },
	meta: func(c *Client) *Meta { return &c.Meta },
	id:   func(c *Client) uuid.UUID { return c.ID },
}

// Clients lists the organization's clients.
func (s *Service) Clients(ctx context.Context, a Actor, lp ListParams, includeArchived bool) (Page[Client], error) {
	return clients.list(ctx, s, a, lp, CatalogFilter{IncludeArchived: includeArchived})
}

// Client returns one client.
func (s *Service) Client(ctx context.Context, a Actor, id uuid.UUID) (Client, error) {
	return clients.get(ctx, s, a, id)
}

// CreateClient adds a client.
func (s *Service) CreateClient(ctx context.Context, a Actor, in ClientInput) (Client, error) {
	row := Client{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, Name: strings.TrimSpace(in.Name)}
	return clients.create(ctx, s, a, row, func(_ context.Context, _ Tx, c *Client) error {
		return validateClient(c)
	})
}

func validateClient(c *Client) error {
	var ch checker
	checkName(&ch, "name", c.Name, 200)
	return ch.err()
}

// UpdateClient changes a client.
func (s *Service) UpdateClient(ctx context.Context, a Actor, id uuid.UUID, p ClientPatch, expected int64) (Client, error) {
	return clients.update(ctx, s, a, id, expected, func(_ context.Context, _ Tx, c *Client) error {
		var ch checker
		if p.Name != nil {
			c.Name = strings.TrimSpace(*p.Name)
			checkName(&ch, "name", c.Name, 200)
		}
		if p.Archived != nil {
			c.Archived = *p.Archived
		}
		return ch.err()
	})
}

// DeleteClient deletes a client; its projects keep their time.
func (s *Service) DeleteClient(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	return clients.remove(ctx, s, a, id, expected)
}
