package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// usageRemote is the manual page of "stint remote".
const usageRemote = `Usage: stint remote login URL --email EMAIL --password-stdin [--tenant ID] [--publish | --join [--yes]]
       stint remote logout [--json]

Connects this data directory to a team server ('stint serve') as a device, then runs a
first 'stint sync' to exchange the team's data.

  login URL   sign in to the server at URL (https://…; plain http only on a network you
              trust) and keep the session in the file remote-token in the data directory,
              readable by you only. A data directory that already tracks time or projects
              of its own says what becomes of them:
                --publish  the local workspace becomes a new team on the server, with
                           EMAIL and the password as its owner's sign-in (the server must
                           allow sign-up); everything keeps its id and is sent by the sync
                --join     sign in to an existing account and move the local entries,
                           clients, projects, tasks and tags into its organization there;
                           those with the name of one the team has are matched to it, not
                           duplicated. It prints what will move and asks first (--yes
                           answers for scripts; without a terminal --yes is required)
  logout      forget the session and the server; the data stays, and logging in to the
              same server again carries on where it stopped

Flags:
  --email EMAIL      your account's e-mail address on the server
  --password-stdin   read the password from the first line of standard input
  --tenant ID        the tenant whose account to use, when the address has several
  --publish          make this data directory's workspace a new team on the server
  --join             move this data directory's workspace into your team on the server
  --yes              move without asking (--join)
  --json             print JSON
  --data DIR         data directory (default $STINT_DATA, then the user's data directory)

An invitation code is accepted with 'stint invite accept CODE --server URL'.
`

// remote runs "stint remote login|logout".
func (c *cli) remote(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("remote: say login or logout (see 'stint remote -h')")
	}
	switch args[0] {
	case "-h", "-help", "--help":
		c.printUsage(usageRemote)
		return nil
	case "login":
		return c.remoteLogin(ctx, args[1:])
	case "logout":
		return c.remoteLogout(ctx, args[1:])
	}
	return usagef("remote: unknown subcommand %q (say login or logout; see 'stint remote -h')", args[0])
}

func (c *cli) remoteLogin(ctx context.Context, args []string) error {
	fs := newFlagSet("remote login")
	email := fs.String("email", "", "e-mail address")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	tenant := fs.String("tenant", "", "tenant id")
	publish := fs.Bool("publish", false, "make the local workspace a new team")
	join := fs.Bool("join", false, "move the local workspace into the team")
	yes := fs.Bool("yes", false, "move without asking")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("remote login: give the server's address, e.g. stint remote login https://stint.example.com --email you@example.com --password-stdin")
	}
	base, err := stintsync.NormalizeURL(rest[0])
	if err != nil {
		return usagef("remote login: %v", err)
	}
	if *email == "" || !*pwStdin {
		return usagef("remote login: give --email and --password-stdin (the password is read from standard input, never from an argument)")
	}
	if *publish && *join {
		return usagef("remote login: give --publish or --join, not both")
	}
	if *yes && !*join {
		return usagef("remote login: --yes answers --join's question; without --join there is none")
	}
	var tenantID uuid.UUID
	if *tenant != "" {
		if tenantID, err = uuid.Parse(*tenant); err != nil {
			return usagef("remote login: --tenant must be a tenant id")
		}
	}
	in, password, err := c.passwordStdin("remote login")
	if err != nil {
		return err
	}
	if *join && !*yes && !c.canAsk() {
		return usagef("remote login: --join moves this data directory's workspace; add --yes to confirm it without a terminal to ask on " +
			"(with --json, the summary is in the output)")
	}
	if insecure(base) {
		c.note("Warning: %s is plain http; the password and session cross the network unencrypted.\n", base)
	}
	return c.withDevice(ctx, func(svc *app.Service, dir string) error {
		var sess app.Session
		mode := app.ConnectFresh
		switch {
		case *publish:
			mode = app.ConnectPublish
			if sess, err = c.publish(ctx, svc, base, *email, password); err != nil {
				return err
			}
		default:
			if *join {
				mode = app.ConnectJoin
			}
			if sess, err = stintsync.Login(ctx, nil, base, *email, password, tenantID); err != nil {
				return remoteError("remote login", err)
			}
		}
		c.note("Signed in to %s as %s.\n", base, sess.User.Email)
		plan, err := c.connect(ctx, svc, dir, base, sess, mode, in, *yes)
		if err != nil {
			return fmt.Errorf("remote login: %w", err)
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

// publish makes the local workspace a new team on the server. A workspace published before
// (the server has its ids) whose owner signs in with the same e-mail and password carries
// on, so a publish cut short can be run again.
func (c *cli) publish(ctx context.Context, svc *app.Service, base, email, password string) (app.Session, error) {
	in, err := svc.PublishRequest(ctx, email, password)
	if errors.Is(err, app.ErrNotFound) {
		return app.Session{}, usagef("remote login: this data directory has no workspace of its own to publish; sign in without --publish")
	}
	if err != nil {
		return app.Session{}, err
	}
	sess, err := stintsync.Publish(ctx, nil, base, in)
	if errors.Is(err, app.ErrConflict) {
		sess, lerr := stintsync.Login(ctx, nil, base, email, password, in.TenantID)
		if lerr == nil && sess.Tenant.ID == in.TenantID {
			c.note("This workspace is on %s already; carrying on with it.\n", base)
			return sess, nil
		}
		return app.Session{}, fmt.Errorf("remote login: %w; sign in to the published workspace with its owner's e-mail and password", err)
	}
	if err != nil {
		return app.Session{}, remoteError("remote login", err)
	}
	return sess, nil
}

// connect plans connecting this device with sess in mode and carries the plan out. A join
// that moves anything shows the summary and asks first, unless yes; a fresh connect of a
// data directory with a workspace of its own is refused with the two ways in.
func (c *cli) connect(ctx context.Context, svc *app.Service, dir, base string, sess app.Session, mode app.ConnectMode,
	in *bufio.Reader, yes bool) (app.ConnectPlan, error) {
	var team app.TeamCatalog
	if mode == app.ConnectJoin {
		remote, err := stintsync.NewRemote(base, sess.Token, nil)
		if err != nil {
			return app.ConnectPlan{}, err
		}
		if team, err = remote.Catalog(ctx, sess.Organization.ID); err != nil {
			return app.ConnectPlan{}, remoteError("read the team's projects", err)
		}
	}
	plan, err := svc.PlanConnect(ctx, sess, mode, team)
	if mode == app.ConnectFresh && errors.Is(err, app.ErrConflict) {
		return plan, usagef("this data directory already tracks time in a workspace of its own: add --publish to make it " +
			"a new team on the server, or --join to move it into your team there")
	}
	if err != nil {
		return plan, err
	}
	if plan.Moves() {
		c.printPlan(plan, sess.Organization.Name)
		if mode == app.ConnectJoin && !yes {
			ok, err := c.confirm(in, fmt.Sprintf("Move them into %s? [y/N] ", terminalSafe(sess.Organization.Name)))
			if err != nil {
				return plan, err
			}
			if !ok {
				return plan, errNotConfirmed
			}
		}
	}
	if err := svc.ConnectWorkspace(ctx, app.RemoteTokenFile(dir), base, sess, plan); err != nil {
		return plan, err
	}
	return plan, nil
}

// errNotConfirmed is a join the user said no to: nothing moved.
var errNotConfirmed = errors.New("nothing moved; this data directory is not connected")

// printPlan says what a publish or join takes to the server.
func (c *cli) printPlan(p app.ConnectPlan, org string) {
	kinds := []struct {
		name string
		n    app.CatalogCounts
	}{{"clients", p.Clients}, {"projects", p.Projects}, {"tasks", p.Tasks}, {"tags", p.Tags}}
	if p.Mode == app.ConnectPublish {
		c.note("Publishing this workspace as the team %s: %d time entries", terminalSafe(org), p.Entries)
		for _, k := range kinds {
			c.note(", %d %s", k.n.Created, k.name)
		}
		c.note(".\n")
		return
	}
	c.note("Joining %s: %d time entries move there.\n", terminalSafe(org), p.Entries)
	for _, k := range kinds {
		c.note("  %-9s %d matched to the team's by name, %d new\n", k.name+":", k.n.Matched, k.n.Created)
	}
}

// confirm asks question on the terminal and reads the answer from in.
func (c *cli) confirm(in *bufio.Reader, question string) (bool, error) {
	fmt.Fprint(c.stderr, question)
	line, err := in.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// canAsk reports whether a question can be put to someone: standard input is a terminal,
// and the summary it is about is printed (not with --json, where it is in the output).
func (c *cli) canAsk() bool { return !c.json && c.stdinIsTerminal() }

// stdinIsTerminal reports whether standard input is a terminal someone can answer on.
func (c *cli) stdinIsTerminal() bool {
	f, ok := c.stdin.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (c *cli) remoteLogout(ctx context.Context, args []string) error {
	fs := newFlagSet("remote logout")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withDevice(ctx, func(svc *app.Service, dir string) error {
		st, err := svc.SyncStatus(ctx, app.RemoteTokenFile(dir))
		if err != nil {
			return err
		}
		if err := svc.DisconnectRemote(ctx, app.RemoteTokenFile(dir)); err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(map[string]any{"signed_out": st.URL != "", "server": st.URL, "pending": st.Pending})
		}
		switch {
		case st.URL == "":
			c.note("Not signed in to a team server.\n")
		case st.Pending > 0:
			c.note("Signed out of %s; %d local changes wait for the next login.\n", st.URL, st.Pending)
		default:
			c.note("Signed out of %s.\n", st.URL)
		}
		return nil
	})
}

// passwordStdin reads the password from the first line of standard input and returns the
// reader holding the rest, for a question asked later.
func (c *cli) passwordStdin(what string) (*bufio.Reader, string, error) {
	if c.stdin == nil {
		return nil, "", usagef("%s: no standard input to read the password from", what)
	}
	in := bufio.NewReader(c.stdin)
	pw, err := readPassword(in, what)
	return in, pw, err
}

// readPassword reads the first line of r.
func readPassword(r *bufio.Reader, what string) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("%s: the password on standard input is empty", what)
	}
	return pw, nil
}

// insecure reports a plain-http address that is not this machine.
func insecure(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// withDevice opens the data directory's store for the sync commands. It does not create a
// local workspace: a device that logs in takes the server's.
func (c *cli) withDevice(ctx context.Context, fn func(svc *app.Service, dir string) error) (err error) {
	level, err := parseLevel(c.getenv("STINT_LOG_LEVEL", "warn"))
	if err != nil {
		return err
	}
	var st *sqlite.Store
	st, svc, dir, err := c.openService(ctx, newLogger(c.stderr, level))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close data: %w", cerr)
		}
	}()
	return fn(svc, dir)
}

// remoteError says what to do about a failed exchange with the server.
func remoteError(what string, err error) error {
	var pe *app.ProtocolError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %w; update stint or the server", what, err)
	case errors.Is(err, app.ErrUnavailable):
		if what == "sync" {
			return fmt.Errorf("sync: the server cannot be reached (%w); your changes stay here and go out with the next 'stint sync'", err)
		}
		return fmt.Errorf("%s: the server cannot be reached (%w)", what, err)
	case errors.Is(err, app.ErrUnauthorized):
		return fmt.Errorf("%s: %w; sign in again with 'stint remote login'", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
