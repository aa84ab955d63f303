package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stinthq/stint/app"
)

// usageInvite is the manual page of "stint invite"; it lives with the command, since the
// command is all about what it prints.
const usageInvite = `Usage: stint invite create EMAIL [--role ROLE] [--days N] [--json]
       stint invite list [--status STATUS] [--json]
       stint invite revoke ID

Invitations let someone join this data directory's workspace, as served by 'stint serve',
with a role, without you choosing their password.

  create EMAIL   invite EMAIL and print a one-time code, shown only this once. The invited
                 person accepts it on the server: POST /v1/invitations/accept with
                 {"code", "name", "password"}, or signed in with their own token and just
                 {"code"}. A code works once and expires after 7 days (--days). The role is
                 at most your own.
  list           the invitations, with their status: pending, accepted, expired, revoked
  revoke ID      make an invitation's code stop working (the ID is in list's output)

Accepting from the desktop app and 'stint invite accept CODE' come with the sync client.

Flags:
  --role ROLE      owner, admin, manager or member (default member)
  --days N         days the code can be used, 1 to 30 (default 7)
  --status STATUS  list only pending, accepted, expired or revoked invitations
  --json           print JSON (create: the invitation with its code)
  --data DIR       data directory (default $STINT_DATA, then the user's data directory)
`

// invite runs "stint invite create|list|revoke".
func (c *cli) invite(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("invite: say create, list or revoke (see 'stint invite -h')")
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(c.stdout, usageInvite)
		return nil
	case "create":
		return c.inviteCreate(ctx, args[1:])
	case "list":
		return c.inviteList(ctx, args[1:])
	case "revoke":
		return c.inviteRevoke(ctx, args[1:])
	case "accept":
		return usagef("invite accept: accepting needs the team server's client, which is not in this version; " +
			"use POST /v1/invitations/accept on the server meanwhile")
	}
	return usagef("invite: unknown subcommand %q (say create, list or revoke; see 'stint invite -h')", args[0])
}

func (c *cli) inviteCreate(ctx context.Context, args []string) error {
	fs := newFlagSet("invite create")
	role := fs.String("role", string(app.RoleMember), "owner, admin, manager or member")
	days := fs.Int("days", 0, "days the code can be used")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("invite create: give one e-mail address, e.g. stint invite create ada@example.com --role manager")
	}
	if *days < 0 || *days > app.MaxInvitationDays {
		return usagef("invite create: --days must be between 1 and %d", app.MaxInvitationDays)
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		inv, err := w.svc.CreateInvitation(ctx, w.actor, app.InvitationInput{Email: rest[0], Role: app.Role(*role), ExpiresInDays: *days})
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(inv)
		}
		fmt.Fprintf(c.stdout, "Invited %s as %s, until %s.\n\n    %s\n\n", terminalSafe(inv.Email), inv.Role,
			inv.ExpiresAt.In(w.loc).Format("2006-01-02 15:04 MST"), inv.Code)
		fmt.Fprintln(c.stdout, "Give them this code; it is shown only this once and works once. They accept it on the")
		fmt.Fprintln(c.stdout, `server that serves this data: POST /v1/invitations/accept {"code", "name", "password"}.`)
		fmt.Fprintf(c.stdout, "Withdraw it with: stint invite revoke %s\n", inv.ID)
		return nil
	})
}

func (c *cli) inviteList(ctx context.Context, args []string) error {
	fs := newFlagSet("invite list")
	status := fs.String("status", "", "pending, accepted, expired or revoked")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		list, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Invitation], error) {
			return w.svc.InvitationsList(ctx, w.actor, app.InvitationListParams{Status: app.InvitationStatus(*status), ListParams: lp})
		})
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(list)
		}
		if len(list) == 0 {
			fmt.Fprintln(c.stdout, "No invitations. Invite someone with: stint invite create EMAIL")
			return nil
		}
		width := len("EMAIL")
		for _, inv := range list {
			width = max(width, utf8.RuneCountInString(cell(inv.Email)))
		}
		fmt.Fprintf(c.stdout, "%-36s  %s  %-7s  %-8s  %s\n", "ID", pad("EMAIL", width), "ROLE", "STATUS", "EXPIRES")
		for _, inv := range list {
			fmt.Fprintf(c.stdout, "%-36s  %s  %-7s  %-8s  %s\n", inv.ID, pad(cell(inv.Email), width), inv.Role, inv.Status,
				inv.ExpiresAt.In(w.loc).Format("2006-01-02 15:04"))
		}
		return nil
	})
}

func (c *cli) inviteRevoke(ctx context.Context, args []string) error {
	fs := newFlagSet("invite revoke")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("invite revoke: give the invitation's ID (see 'stint invite list')")
	}
	id, err := app.ParseID("id", strings.TrimSpace(rest[0]))
	if err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		err := w.svc.RevokeInvitation(ctx, w.actor, id)
		if errors.Is(err, app.ErrNotFound) {
			return notFoundf("no invitation with ID %s here; see 'stint invite list'", id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, "Revoked: the code no longer works.")
		return nil
	})
}
