// Command stint is Stint's one executable: the desktop app (no arguments, or desktop), the
// local CLI (timer, entries, projects) and the headless API server (serve). Subcommands live
// in their own files; this one only wires them.
package main

import (
	"context"
	"flag"
	"io"
	"os"
	"strings"
	_ "time/tzdata" // IANA zones must resolve on machines without a zoneinfo database

	"github.com/stinthq/stint/app"
	_ "github.com/stinthq/stint/cmd/stint/internal/localeenv" // before Fyne's init reads the locale
)

// version is the build's version, set with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is the whole program behind main, so tests drive it in-process: it returns the exit
// code (0 success, 1 failure, 2 usage error).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	c := &cli{stdin: os.Stdin, stdout: stdout, stderr: stderr, env: env, clock: app.SystemClock{}}
	return c.exit(c.dispatch(ctx, args))
}

// cli is one invocation: where it writes, how it reads the environment and the time.
type cli struct {
	stdin  io.Reader // read only by commands that say so (remote login --password-stdin)
	stdout io.Writer
	stderr io.Writer
	env    func(string) string
	clock  app.Clock
	json   bool // --json: output and errors as JSON
	// rootFlags are the environment variables a root flag overrides in this invocation
	// (takeRootFlags), so "stint config show" can say a value came from a flag.
	rootFlags map[string]bool
	// serviceDefaults replace settings' defaults (key to value) for the serve an installed
	// service runs ("stint service run --default"): they rank below the config file.
	serviceDefaults map[string]string
	// sawFlags, when set, is shown each flag set a command parses, so a test can compare
	// the flags that exist with the ones completion offers.
	sawFlags func(fs *flag.FlagSet)
}

// dispatch runs the command named by args[0].
func (c *cli) dispatch(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "__complete" { // the completion scripts' helper: words as typed
		return c.complete(ctx, args[1:])
	}
	c.json = wantsJSON(args)
	args, err := c.takeRootFlags(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return c.desktop(ctx, nil)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "-help", "--help":
		return c.help(rest)
	case "version", "-version", "--version":
		return c.version(rest)
	case "desktop":
		return c.desktop(ctx, rest)
	case "serve":
		return c.serve(ctx, rest)
	case "config":
		return c.config(rest)
	case "service":
		return c.service(ctx, rest)
	case "backup":
		return c.backup(ctx, rest)
	case "restore":
		return c.restore(ctx, rest)
	case "db":
		return c.dbCommand(ctx, rest)
	case "timer":
		return c.timer(ctx, rest)
	case "entries":
		return c.entries(ctx, rest)
	case "report":
		return c.report(ctx, rest)
	case "activity":
		return c.activity(ctx, rest)
	case "import":
		return c.importFile(ctx, rest)
	case "projects":
		return c.projects(ctx, rest)
	case "rate":
		return c.rate(ctx, rest)
	case "invoice":
		return c.invoice(ctx, rest)
	case "continue":
		return c.continueEntry(ctx, rest)
	case "completion":
		return c.completion(rest)
	case "clients", "tasks", "tags":
		k, _ := catalogKinds(cmd)
		return c.catalog(ctx, k, rest)
	case "api-token":
		return c.apiToken(ctx, rest)
	case "invite":
		return c.invite(ctx, rest)
	case "remote":
		return c.remote(ctx, rest)
	case "sync":
		return c.syncCommand(ctx, rest)
	}
	return usagef("unknown command %q (run 'stint help' for the list)", cmd)
}

// help prints the usage of a command, or of stint itself.
func (c *cli) help(args []string) error {
	if len(args) == 0 {
		c.printUsage(usageMain)
		return nil
	}
	text, ok := usageText(strings.Join(args, " "))
	if !ok {
		return usagef("no help for %q (run 'stint help' for the list)", strings.Join(args, " "))
	}
	c.printUsage(text)
	return nil
}
