package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// usageRemote is the manual page of "stint remote".
const usageRemote = `Usage: stint remote login URL --email EMAIL --password-stdin [--tenant ID]
       stint remote logout

Connects this data directory to a team server ('stint serve') as a device, then runs a
first 'stint sync' to receive the team's data.

  login URL   sign in to the server at URL (https://…; plain http only on a network you
              trust) and keep the session in the file remote-token in the data directory,
              readable by you only. A data directory whose own local workspace already
              holds time or projects cannot connect yet (publishing or joining it to a
              team is not built).
  logout      forget the session and the server; the data stays, and logging in to the
              same server again carries on where it stopped

Flags:
  --email EMAIL      your account's e-mail address on the server
  --password-stdin   read the password from the first line of standard input
  --tenant ID        the tenant whose account to use, when the address has several
  --json             print JSON
  --data DIR         data directory (default $STINT_DATA, then the user's data directory)
`

// remote runs "stint remote login|logout".
func (c *cli) remote(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("remote: say login or logout (see 'stint remote -h')")
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(c.stdout, usageRemote)
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
	asJSON := fs.Bool("json", false, "print JSON")
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
	var tenantID uuid.UUID
	if *tenant != "" {
		if tenantID, err = uuid.Parse(*tenant); err != nil {
			return usagef("remote login: --tenant must be a tenant id")
		}
	}
	password, err := readPassword(c.stdin)
	if err != nil {
		return err
	}
	if insecure(base) {
		c.note("Warning: %s is plain http; the password and session cross the network unencrypted.\n", base)
	}
	sess, err := stintsync.Login(ctx, nil, base, *email, password, tenantID)
	if err != nil {
		return remoteError("remote login", err)
	}
	return c.withDevice(ctx, func(svc *app.Service, dir string) error {
		if err := svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), base, sess); err != nil {
			return err
		}
		c.note("Signed in to %s as %s.\n", base, sess.User.Email)
		rep, err := c.syncRound(ctx, svc, dir)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(map[string]any{"url": base, "user_id": sess.User.ID, "tenant_id": sess.Tenant.ID,
				"organization_id": sess.Organization.ID, "sync": rep})
		}
		c.printReport(rep)
		return nil
	})
}

func (c *cli) remoteLogout(ctx context.Context, args []string) error {
	fs := newFlagSet("remote logout")
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

// readPassword reads the first line of r.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", usagef("remote login: no standard input to read the password from")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("remote login: the password on standard input is empty")
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
