package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	stintsync "github.com/stinthq/stint/sync"
)

// usageInvite is the manual page of "stint invite"; it lives with the command, since the
// command is all about what it prints.
const usageInvite = `Usage: stint invite create EMAIL [--role ROLE] [--days N] [--json]
       stint invite list [--status STATUS] [--json]
       stint invite revoke ID [--json]
       stint invite accept CODE --server URL (--name NAME | --email EMAIL) --password-stdin [--join [--yes]]

Invitations let someone join this data directory's workspace, as served by 'stint serve',
with a role, without you choosing their password. On a data directory connected to a team
server ('stint remote login'), create, list and revoke act on the team server's invitations.

  create EMAIL   invite EMAIL and print a one-time code, shown only this once. The invited
                 person accepts it on the server: POST /v1/invitations/accept with
                 {"code", "name", "password"}, or signed in with their own token and just
                 {"code"}. A code works once and expires after 7 days (--days). The role is
                 at most your own.
  list           the invitations, with their status: pending, accepted, expired, revoked
  revoke ID      make an invitation's code stop working (the ID is in list's output)

  accept CODE    join the team on the server at URL with the code someone gave you, and
                 connect this data directory to it; the first sync brings the team's data.
                 --name makes a new account with the invitation's e-mail address and the
                 password; --email signs in to an account you have first. A data directory
                 that tracks time of its own needs --join: its entries, clients, projects,
                 tasks and tags move into the team (same names are matched, not
                 duplicated), after it shows what moves and asks (--yes for scripts)

Flags:
  --role ROLE      owner, admin, manager or member (default member)
  --days N         days the code can be used, 1 to 30 (default 7)
  --status STATUS  list only pending, accepted, expired or revoked invitations
  --server URL     accept: the team server's address
  --name NAME      accept: your name, for a new account
  --email EMAIL    accept: sign in to your existing account with this address
  --password-stdin accept: read the password from standard input's first line
  --join           accept: move this data directory's own workspace into the team
  --yes            accept: move without asking (--join)
  --json           print JSON (create: the invitation with its code)
  --data DIR       data directory (default $STINT_DATA, then the user's data directory)
`

// invite runs "stint invite create|list|revoke".
func (c *cli) invite(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("invite: say create, list, revoke or accept (see 'stint invite -h')")
	}
	switch args[0] {
	case "-h", "-help", "--help":
		c.printUsage(usageInvite)
		return nil
	case "create":
		return c.inviteCreate(ctx, args[1:])
	case "list":
		return c.inviteList(ctx, args[1:])
	case "revoke":
		return c.inviteRevoke(ctx, args[1:])
	case "accept":
		return c.inviteAccept(ctx, args[1:])
	}
	return usagef("invite: unknown subcommand %q (say create, list, revoke or accept; see 'stint invite -h')", args[0])
}

func (c *cli) inviteCreate(ctx context.Context, args []string) error {
	fs := newFlagSet("invite create")
	role := fs.String("role", string(app.RoleMember), "owner, admin, manager or member")
	days := fs.Int("days", 0, "days the code can be used")
	asJSON := fs.Bool("json", c.json, "print JSON")
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
		in := app.InvitationInput{Email: rest[0], Role: app.Role(*role), ExpiresInDays: *days}
		team, err := c.teamServer(ctx, w)
		if err != nil {
			return err
		}
		var inv app.CreatedInvitation
		server := "URL"
		if team != nil {
			inv, err = team.remote.CreateInvitation(ctx, w.actor.OrgID, in)
			server = team.url
		} else {
			inv, err = w.svc.CreateInvitation(ctx, w.actor, in)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(inv)
		}
		fmt.Fprintf(c.stdout, "Invited %s as %s, until %s.\n\n    %s\n\n", terminalSafe(inv.Email), inv.Role,
			inv.ExpiresAt.In(w.loc).Format("2006-01-02 15:04 MST"), inv.Code)
		fmt.Fprintln(c.stdout, "Give them this code; it is shown only this once and works once. They accept it on the")
		fmt.Fprintf(c.stdout, "server that serves this data: stint invite accept CODE --server %s --name 'Their Name' --password-stdin\n", terminalSafe(server))
		fmt.Fprintln(c.stdout, `(or POST /v1/invitations/accept {"code", "name", "password"}).`)
		fmt.Fprintf(c.stdout, "Withdraw it with: stint invite revoke %s\n", inv.ID)
		return nil
	})
}

func (c *cli) inviteList(ctx context.Context, args []string) error {
	fs := newFlagSet("invite list")
	status := fs.String("status", "", "pending, accepted, expired or revoked")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		team, err := c.teamServer(ctx, w)
		if err != nil {
			return err
		}
		var list []app.Invitation
		if team != nil {
			list, err = team.remote.Invitations(ctx, w.actor.OrgID, app.InvitationStatus(*status))
		} else {
			list, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Invitation], error) {
				return w.svc.InvitationsList(ctx, w.actor, app.InvitationListParams{Status: app.InvitationStatus(*status), ListParams: lp})
			})
		}
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
		// The e-mail column gets what the others leave of maxLineWidth.
		email := func(s string) string {
			return truncate(terminalLine(s), maxLineWidth-len("  ROLE     STATUS    2006-01-02 15:04")-38)
		}
		width := len("EMAIL")
		for _, inv := range list {
			width = max(width, utf8.RuneCountInString(email(inv.Email)))
		}
		fmt.Fprintf(c.stdout, "%-36s  %s  %-7s  %-8s  %s\n", "ID", pad("EMAIL", width), "ROLE", "STATUS", "EXPIRES")
		for _, inv := range list {
			fmt.Fprintf(c.stdout, "%-36s  %s  %-7s  %-8s  %s\n", inv.ID, pad(email(inv.Email), width), inv.Role, inv.Status,
				inv.ExpiresAt.In(w.loc).Format("2006-01-02 15:04"))
		}
		return nil
	})
}

func (c *cli) inviteRevoke(ctx context.Context, args []string) error {
	fs := newFlagSet("invite revoke")
	asJSON := fs.Bool("json", c.json, "print JSON")
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
		team, err := c.teamServer(ctx, w)
		if err != nil {
			return err
		}
		if team != nil {
			err = team.remote.RevokeInvitation(ctx, w.actor.OrgID, id)
		} else {
			err = w.svc.RevokeInvitation(ctx, w.actor, id)
		}
		if errors.Is(err, app.ErrNotFound) {
			return notFoundf("no invitation with ID %s here; see 'stint invite list'", id)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(map[string]any{"revoked": true, "id": id})
		}
		fmt.Fprintln(c.stdout, "Revoked: the code no longer works.")
		return nil
	})
}

// teamConn is the team server this data directory is connected to.
type teamConn struct {
	url    string
	remote *stintsync.Remote
}

// teamServer is the team server this data directory syncs with, nil when it is not connected.
// A connected device's invitations live on the server: one made in the local copy would never
// reach it, and its code would never work.
func (c *cli) teamServer(ctx context.Context, w *workspace) (*teamConn, error) {
	dir, err := c.dataDir()
	if err != nil {
		return nil, err
	}
	st, err := w.svc.SyncStatus(ctx, app.RemoteTokenFile(dir))
	if err != nil || !st.Connected {
		return nil, err
	}
	tok, err := app.RemoteTokenFile(dir).RemoteToken()
	if err != nil {
		return nil, err
	}
	r, err := stintsync.NewRemote(st.URL, tok, nil)
	if err != nil {
		return nil, err
	}
	return &teamConn{url: st.URL, remote: r}, nil
}

// inviteAccept accepts an invitation code on the team server and connects this data
// directory to the team: fresh, or joining its own workspace into the team.
func (c *cli) inviteAccept(ctx context.Context, args []string) error {
	fs := newFlagSet("invite accept")
	serverURL := fs.String("server", "", "team server address")
	name := fs.String("name", "", "your name, for a new account")
	email := fs.String("email", "", "your existing account's e-mail address")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	join := fs.Bool("join", false, "move the local workspace into the team")
	yes := fs.Bool("yes", false, "move without asking")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("invite accept: give the code, e.g. stint invite accept ABCD-EFGH-… --server https://stint.example.com --name 'Your Name' --password-stdin")
	}
	code := rest[0]
	if *serverURL == "" {
		return usagef("invite accept: give the team server's address with --server URL")
	}
	base, err := stintsync.NormalizeURL(*serverURL)
	if err != nil {
		return usagef("invite accept: %v", err)
	}
	if (*name == "") == (*email == "") {
		return usagef("invite accept: give --name NAME for a new account, or --email EMAIL to accept with an account you have")
	}
	if !*pwStdin {
		return usagef("invite accept: give --password-stdin (the password is read from standard input, never from an argument)")
	}
	if *yes && !*join {
		return usagef("invite accept: --yes answers --join's question; without --join there is none")
	}
	in, password, err := c.passwordStdin("invite accept")
	if err != nil {
		return err
	}
	if *join && !*yes && !c.canAsk() {
		return usagef("invite accept: --join moves this data directory's workspace; add --yes to confirm it without a terminal to ask on " +
			"(with --json, the summary is in the output)")
	}
	if insecure(base) {
		c.note("Warning: %s is plain http; the password and session cross the network unencrypted.\n", base)
	}
	return c.withDevice(ctx, func(svc *app.Service, dir string) error {
		used, err := svc.LocalWorkspaceUsed(ctx)
		if err != nil {
			return err
		}
		if used && !*join {
			return usagef("invite accept: this data directory tracks time of its own; add --join to move it into the team " +
				"(it shows what moves first), or accept in a data directory of its own (--data DIR)")
		}
		token := ""
		if *email != "" {
			sess, err := stintsync.Login(ctx, nil, base, *email, password, uuid.Nil)
			if err != nil {
				return remoteError("invite accept", err)
			}
			token = sess.Token
		}
		sess, err := stintsync.AcceptInvitation(ctx, nil, base, token, code, *name, password, "")
		if err != nil {
			return remoteError("invite accept", err)
		}
		c.note("Joined %s on %s as %s.\n", terminalSafe(sess.Organization.Name), base, sess.User.Email)
		mode := app.ConnectFresh
		if used {
			mode = app.ConnectJoin
		}
		plan, err := c.connect(ctx, svc, dir, base, sess, mode, in, *yes)
		if errors.Is(err, errNotConfirmed) {
			return fmt.Errorf("invite accept: %w; you are a member of the team now: connect later with "+
				"'stint remote login %s --email %s --password-stdin --join'", err, base, sess.User.Email)
		}
		if err != nil {
			return fmt.Errorf("invite accept: %w", err)
		}
		rep, err := c.syncRound(ctx, svc, dir)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(map[string]any{"url": base, "user_id": sess.User.ID, "tenant_id": sess.Tenant.ID,
				"organization_id": sess.Organization.ID, "connect": plan, "sync": rep})
		}
		c.printReport(rep)
		return nil
	})
}
