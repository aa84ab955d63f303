package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Usage texts, one per command. They are written by hand rather than generated from the flag
// sets so each reads as a short manual page.

const usageMain = `Stint is an offline-first time tracker in one executable.

Usage:
  stint                          open the desktop app (same as 'stint desktop')
  stint <command> [flags] [arguments]

Desktop:
  desktop                        the window, the tray icon and the local API on 127.0.0.1

Timer and data (work on this machine's data directory; no server needed):
  timer start [DESCRIPTION...]   start tracking now (stops a running timer first)
  timer stop                     stop the running timer
  timer status                   show the running timer
  continue [ENTRY-ID]            start again on what the latest entry was about
  entries                        list time entries, grouped by day (default: this week)
  entries add|edit|delete        add an entry from its times, change one, delete one
  report                         time per project, client, task, tag, user, day, week or
                                 month, as a table, JSON or CSV (default: this week)
  activity                       the activity timer's 10-minute slots: active %, input
                                 counts, applications (default: today)
  import FILE                    bring entries over from Toggl, Clockify, Kimai, solidtime,
                                 Timewarrior or Stint's own CSV (--dry-run shows the plan)
  projects                       list projects
  projects add NAME              create a project
  projects rename|archive|unarchive|delete NAME
                                 change or remove a project
  rate set|list                  hourly rates (organization, member, client, project) that
                                 price billable time in reports
  invoice create|list|show       invoices of a client's or project's billable time
  clients|tasks|tags [list]      list clients, tasks or tags
  clients|tasks|tags add|rename|archive|unarchive|delete NAME
                                 manage them (tasks take --project)
  api-token [--rotate]           print the local API token for scripts (or replace it)

Server:
  serve                          run the HTTP API (headless)
  config show|check              show the server's effective configuration, check a file
  service install|uninstall|start|stop|restart|status
                                 run serve as an OS service
  backup FILE                    copy the data directory's database, also while it is in use
  restore FILE                   put a backup in place in an empty data directory
  db setup --db ADMIN-DSN        prepare a PostgreSQL database for serve; prints its DSN
  invite create|list|revoke      invite someone to the served workspace with a one-time code

Team server:
  remote login URL --email E --password-stdin
                                 connect this data directory to a team server
  remote logout                  forget the team server's session
  sync [--watch|status|conflicts]
                                 exchange changes with the team server (--watch: keep at
                                 it; conflicts: the edits that lost)

Other:
  completion bash|zsh|fish       print the shell completion script
  version                        print the version
  help [COMMAND]                 show help for a command

Root flags, before or after the command (each of the first three overrides its
environment variable):
  --data DIR          data directory ($STINT_DATA; default: the user's data directory, on
                      Linux $XDG_DATA_HOME/stint or ~/.local/share/stint)
  --addr HOST:PORT    API address for desktop and serve ($STINT_ADDR; default 127.0.0.1:8736)
  --log-level LEVEL   debug, info, warn or error ($STINT_LOG_LEVEL; default info, warn for
                      the timer and data commands)
  --json              JSON output and errors (below)

Every command accepts -h. With --json a command prints JSON on stdout, and a failure is
one object on stderr: {"error": {"code", "message", "fields"}}, where code is one of usage,
invalid, not_found, conflict, version_mismatch, forbidden, unauthorized, unavailable
(a server that cannot be reached), unsupported or error.

Examples:
  stint projects add "Client work" --billable
  stint timer start --project "Client work" writing the proposal
  stint timer status
  stint timer stop
  stint entries --from yesterday --json
  stint --data ~/work-data timer status
`

const usageDesktop = `Usage: stint desktop [flags]
       stint

Opens the desktop app: the timer window, a tray icon (when the desktop has a D-Bus session
bus), and the local API on a loopback address so 'stint' commands and scripts drive the same
timer. The first launch asks for your name, a workspace name and your time zone; nothing
leaves this machine. Builds made with -tags headless have no desktop app.

Flags (each falls back to its environment variable, then to the default):
  --addr HOST:PORT     local API address, loopback only ($STINT_ADDR; default 127.0.0.1:8736)
  --data DIR           data directory ($STINT_DATA; default: the user's data directory)
  --log-level LEVEL    debug, info, warn or error ($STINT_LOG_LEVEL; default info)

The API token for scripts is in Settings (Copy API token, Rotate token) and in the file
api-token in the data directory, readable by you only.
`

const usageAPIToken = `Usage: stint api-token [--rotate] [--json]

Prints the token scripts use to reach the desktop app's local API (Authorization: Bearer …),
issuing one on first use. It is kept in the file api-token in the data directory, readable by
you only; the database keeps its hash only.

Flags:
  --rotate     replace the token: the old one stops working at once, so scripts using it
               must be given the new one
  --json       print {"token"} as JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

const usageServe = `Usage: stint serve [flags]

Runs the HTTP API (/v1, /healthz, /readyz) on the data directory's database until SIGINT or
SIGTERM, then shuts down gracefully.

Each setting comes from its flag, else its environment variable, else the config file, else
its default. 'stint config show' prints what is in force and where each value comes from;
README.md's "Configuration" table lists every key.

Flags:
  --config FILE           TOML config file ($STINT_CONFIG; default: stint/stint.toml in the
                          user's config directory, on Linux ~/.config/stint/stint.toml, when
                          it exists). While serving, changes to it are applied: log level,
                          allowed hosts, CORS origins and rate limits at once, the rest at the
                          next start.
  --addr HOST:PORT        address to listen on ($STINT_ADDR; default 127.0.0.1:8736)
  --data DIR              data directory ($STINT_DATA; default: the user's data directory)
  --db DSN                a postgres:// DSN to serve from instead of the data directory's
                          SQLite database ($STINT_DB; 'stint db setup' prints it); several
                          instances may serve one database
  --allowed-host HOST     a Host header to accept besides loopback names; repeatable
                          ($STINT_ALLOWED_HOSTS, comma-separated)
  --cors-origin ORIGIN    a browser origin (https://app.example.com) whose pages may call the
                          API; repeatable ($STINT_CORS_ORIGINS, comma-separated; default none)
  --no-signup             refuse new signups ($STINT_SIGNUP=false)
  --log-level LEVEL       debug, info, warn or error ($STINT_LOG_LEVEL; default info)
  --log-format FORMAT     json, text or auto ($STINT_LOG_FORMAT; default auto: text on a
                          terminal, JSON otherwise)
  --trusted-proxies LIST  reverse proxies (IPs or CIDR blocks) whose X-Forwarded-For names
                          the client; repeatable ($STINT_TRUSTED_PROXIES, comma-separated;
                          default none: the header is ignored)
  --auth-rate N           sign-up and login requests per client address a minute
                          ($STINT_AUTH_RATE; default 10)
  --login-limit B/I       login attempts per account: B at once, then one every I
                          ($STINT_LOGIN_LIMIT; default 5/1m)
  --signup-limit B/I      sign-ups per e-mail address ($STINT_SIGNUP_LIMIT; default 5/10m)
  --metrics-addr H:P      serve Prometheus metrics at http://H:P/metrics, a listener apart
                          from the API and without authentication: keep it on loopback or a
                          private network ($STINT_METRICS_ADDR; default: off)

Logs go to stderr.
`

const usageConfig = `Usage: stint config show [--config FILE] [serve's flags] [--json]
       stint config check FILE [--json]

show   prints the configuration 'stint serve' would run with, given the same flags and
       environment: each setting's value and where it comes from (default, file:PATH:LINE,
       env VAR or flag --name), and whether a change to it applies live or at the next
       start. A database password is never shown.
check  validates a config file (TOML syntax, unknown keys, each value) and prints OK or
       every problem with its line. Exit status: 0 good, 1 problems, 2 usage.

The keys are listed in README.md ("Configuration") and in 'stint config show'. Example:

  addr = "0.0.0.0:8736"
  allowed_hosts = ["stint.example.com"]
  cors_origins = ["https://app.example.com"]
  log_level = "info"
  login_limit = "5/1m"
`

const usageDB = `Usage: stint db setup --db ADMIN-DSN [--app-role NAME] [--owner-role NAME] [--json]

Prepares a PostgreSQL database for 'stint serve --db', once (running it again is harmless):
creates the role that owns Stint's schema and the login role the server connects as (it
is neither superuser, owner nor BYPASSRLS, so row-level security holds for it), grants the
latter what it needs, applies the migrations, and prints the DSN to serve with on stdout.

  --db DSN          a superuser or database-owner DSN, e.g.
                    postgres://postgres@localhost:5432/stint ($STINT_DB)
  --app-role NAME   the application role's name (default stint_app); roles belong to
                    the whole cluster, so give each database on one cluster its own
  --owner-role NAME the schema owner's name (default stint_owner)
  --json            print {"dsn"} as JSON

Example:
  DSN=$(stint db setup --db postgres://postgres@localhost/stint)
  stint serve --db "$DSN"
`

const usageCompletion = `Usage: stint completion bash|zsh|fish

Prints a script that completes stint's commands, flags, and the names of your projects,
tasks and tags (after --project, --task, --tag, and for rename, archive and delete).

  bash   add to ~/.bashrc:   source <(stint completion bash)
  zsh    add to ~/.zshrc after compinit:   source <(stint completion zsh)
         (or save it as _stint in a directory of $fpath)
  fish   stint completion fish > ~/.config/fish/completions/stint.fish
`

const usageVersion = `Usage: stint version [--json]

Prints the version of this build and the Go version it was built with.

Flags:
  --json    print {"version", "go", "os", "arch"} as JSON
`

const usageTimer = `Usage: stint timer <start|stop|status|idle> [flags]

  timer start [--project NAME] [--task NAME] [--tag NAME]... [--billable] [--json] [DESCRIPTION...]
  timer stop [--json]
  timer status [--json]
  timer idle keep|discard|stop [--json]

Run 'stint timer start -h' and so on for details.
`

const usageTimerIdle = `Usage: stint timer idle keep|discard|stop [--json]

When you come back to a running timer after the idle threshold (Settings in the desktop
app), the desktop asks what should happen to the time away; 'stint timer status' shows
the question too. Answer it here, in the window or in the tray:

  keep      the time away stays in the entry (also what happens without an answer)
  discard   the entry stops where you left; a copy goes on from when you came back
            (after the timer stopped: the entry is split around the time away)
  stop      the entry stops where you left, and nothing goes on

Flags:
  --json    print what was done as JSON
`

const usageTimerStart = `Usage: stint timer start [--project NAME] [--task NAME] [--tag NAME]... [--billable] [--json] [DESCRIPTION...]

Starts tracking now. A timer that is already running is stopped at the same instant, so
starting is also switching. The words after the flags form the description.

Flags:
  --project NAME   the project to track on, by name (case-insensitive); create one with
                   'stint projects add NAME'
  --task NAME      a task; without --project the task's project is used
  --tag NAME       a tag; repeat for several (or separate with commas)
  --billable       billable (--billable=false for not); default: the project's setting
  --json           print the new entry as JSON
  --data DIR       data directory (default $STINT_DATA, then the user's data directory)

Example:
  stint timer start --project Acme --tag meeting --billable reviewing the contract
`

const usageContinue = `Usage: stint continue [ENTRY-ID] [--json]

Starts the timer again on what the latest entry (or the entry with that id, from
'stint entries --json') was about: same description, project, task, tags and billability.
A running timer is stopped first; the latest entry itself must not be running.

Flags:
  --json       print the new entry as JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

const usageEntriesAdd = `Usage: stint entries add --start T (--end T | --duration D) [flags] [DESCRIPTION...]
       stint entries add --end T --duration D [flags] [DESCRIPTION...]
       stint entries add --duration D [flags] [DESCRIPTION...]

Adds a finished entry. Times are in your time zone (the user's, else the workspace's).
D is a duration such as 1h30m, 90m, 1.5h or 1:30. With only --duration the entry ends
now. An end before the start is refused: give the end's date for an entry past midnight.

Flags:
  --start T, --end T, --duration D   the entry's span (any two; --duration alone ends now)
  --project NAME, --task NAME        what it was on (a task brings its project)
  --tag NAME                         a tag; repeat for several
  --billable                         billable (--billable=false for not; default: the project's)
  --json                             print the new entry as JSON
  --data DIR                         data directory

` + whenHelp + `

Example:
  stint entries add --start "2026-11-23 14:00" --duration 1h30m --project Acme call with Anna
`

const usageEntriesEdit = `Usage: stint entries edit ENTRY [flags]

Changes an entry; only what the flags name changes. ENTRY is 'last' (the newest entry) or
an id from 'stint entries --json'. Times are in your time zone (T below).

Flags:
  --start T, --end T        move the start or the end
  --duration D              set the length (from the start; with --end, back from the end)
  --description TEXT        new description
  --project NAME            another project; --project "" for none (clears the task too)
  --task NAME               another task
  --tag NAME                the tags, replacing the old ones; repeat; --tag "" for none
  --billable                --billable or --billable=false
  --json                    print the changed entry as JSON
  --data DIR                data directory

` + whenHelp + `

Example:
  stint entries edit last --end 17:30 --tag review
`

const usageEntriesDelete = `Usage: stint entries delete ENTRY [--json]

Deletes an entry. ENTRY is 'last' (the newest entry) or an id from 'stint entries --json'.

Flags:
  --json       print {"deleted", "id"} as JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

const usageTimerStop = `Usage: stint timer stop [--json]

Stops the running timer and prints how long it ran.

Flags:
  --json       print the stopped entry as JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

const usageTimerStatus = `Usage: stint timer status [--json]

Shows the running timer and how long it has been running, or "No timer is running."

Flags:
  --json       print {"running", "elapsed_seconds", "entry"} as JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

const usageEntries = `Usage: stint entries [list] [--from T] [--to T] [--project NAME] [--json]
       stint entries add|edit|delete ...   (see 'stint entries add -h' and so on)

Lists time entries that started in [from, to), grouped by day in your time zone (the
user's, else the workspace's) with daily totals. Without --from and --to it shows this
week (Monday to Sunday).

` + whenHelp + `
A --to that is a DAY includes that whole day.

Flags:
  --from T         first instant (default: Monday of this week)
  --to T           end (default: the Monday after --from's week)
  --project NAME   only entries on this project
  --json           print the entries as a JSON array, newest first, each with
                   project_name, task_name and tag_names beside the ids
  --data DIR       data directory (default $STINT_DATA, then the user's data directory)
`

const usageProjects = `Usage: stint projects [list] [--archived] [--json]
       stint projects add NAME [--color #rrggbb] [--billable] [--json]
       stint projects rename NAME NEW-NAME [--json]
       stint projects archive|unarchive NAME [--json]
       stint projects delete NAME [--json]

Lists the active projects of the local workspace, adds one, renames one, archives one (it
leaves the lists and pickers; its time stays in reports) or restores it, or deletes one:
its entries keep their time, without a project. Names are matched ignoring case; quote
names with spaces.

Flags:
  --archived   list archived projects too
  --json       print the projects (or the changed one) as JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

const usageProjectsAdd = `Usage: stint projects add NAME [--color #rrggbb] [--billable] [--json]

Creates a project. Names are unique within the workspace, ignoring case.

Flags:
  --color #rrggbb   its colour (default: one picked from a palette)
  --billable        time on it is billable by default
  --json            print the new project as JSON
  --data DIR        data directory (default $STINT_DATA, then the user's data directory)
`

// usageCatalog is the help of "stint clients", "stint tasks" and "stint tags".
func usageCatalog(kind string) string {
	singular := strings.TrimSuffix(kind, "s")
	var extra, flags, addFlags string
	switch kind {
	case "tasks":
		addFlags = " --project NAME"
		extra = "A task belongs to a project: add takes --project, and list, rename, archive and\ndelete take it to tell apart tasks of the same name.\n"
		flags = "  --project NAME   the task's project\n"
	case "tags":
		addFlags = " [--color #rrggbb]"
		flags = "  --color #rrggbb  the new tag's colour (add only; default: one from a palette)\n"
	}
	return fmt.Sprintf(`Usage: stint %[1]s [list] [--archived] [--json]
       stint %[1]s add NAME%[6]s [--json]
       stint %[1]s rename NAME NEW-NAME [--json]
       stint %[1]s archive|unarchive NAME [--json]
       stint %[1]s delete NAME [--json]

Lists the %[1]s of the local workspace (active ones; --archived adds the others), adds one,
renames one, archives one (it leaves the pickers; its time stays) or restores it, or
deletes one: %[3]s.
Names are matched ignoring case; quote names with spaces.
%[4]s
Flags:
%[5]s  --archived       list archived %[1]s too
  --json           print JSON
  --data DIR       data directory (default $STINT_DATA, then the user's data directory)

Example:
  stint %[1]s rename "Old %[2]s" "New %[2]s"
`, kind, singular, catalogDeleted(kind), extra, flags, addFlags)
}

// catalogDeleted says what deleting a row of kind does.
func catalogDeleted(kind string) string {
	k, _ := catalogKinds(kind)
	return k.deleted
}

// usageText returns the help of a command given by its words ("timer start").
func usageText(command string) (string, bool) {
	first, _, _ := strings.Cut(command, " ")
	switch first {
	case "clients", "tasks", "tags":
		return usageCatalog(first), true
	}
	switch command {
	case "projects rename", "projects archive", "projects unarchive", "projects delete", "projects list":
		return usageProjects, true
	case "desktop":
		return usageDesktop, true
	case "serve":
		return usageServe, true
	case "config", "config show", "config check":
		return usageConfig, true
	case "service", "service install", "service uninstall", "service start", "service stop",
		"service restart", "service status":
		return usageService, true
	case "backup":
		return usageBackup, true
	case "restore":
		return usageRestore, true
	case "db", "db setup":
		return usageDB, true
	case "version":
		return usageVersion, true
	case "timer":
		return usageTimer, true
	case "timer start":
		return usageTimerStart, true
	case "timer idle":
		return usageTimerIdle, true
	case "continue":
		return usageContinue, true
	case "completion":
		return usageCompletion, true
	case "entries add":
		return usageEntriesAdd, true
	case "entries edit":
		return usageEntriesEdit, true
	case "entries delete":
		return usageEntriesDelete, true
	case "timer stop":
		return usageTimerStop, true
	case "timer status":
		return usageTimerStatus, true
	case "entries", "entries list":
		return usageEntries, true
	case "report":
		return usageReport, true
	case "activity":
		return usageActivity, true
	case "activity settings":
		return usageActivitySettings, true
	case "import":
		return usageImport, true
	case "projects":
		return usageProjects, true
	case "projects add":
		return usageProjectsAdd, true
	case "rate", "rate set", "rate list":
		return usageRate, true
	case "invoice", "invoice create", "invoice list", "invoice show", "invoice unlock":
		return usageInvoice, true
	case "api-token":
		return usageAPIToken, true
	case "invite", "invite create", "invite list", "invite revoke", "invite accept":
		return usageInvite, true
	case "remote", "remote login", "remote logout":
		return usageRemote, true
	case "sync", "sync status":
		return usageSync, true
	case "sync conflicts":
		return usageSyncConflicts, true
	case "help", "-h", "-help", "--help":
		return usageMain, true
	}
	return "", false
}

// helpWidth is the widest line help prints: a terminal of 80 columns shows every line whole.
const helpWidth = 80

// printUsage prints a command's help, wrapped to helpWidth.
func (c *cli) printUsage(text string) {
	fmt.Fprint(c.stdout, wrapHelp(text, helpWidth))
}

// wrapHelp re-wraps the paragraphs of a help text that have a line wider than width,
// keeping the layout the text was written in: a paragraph is a line and the lines after it
// indented to where its text starts (the description column of a flag or subcommand, or its
// own indent), and it is filled again within width at that indent. Command lines (usage
// lines, and the lines of an Example section) are never joined: a usage line breaks under
// its first argument, an example with " \" so it still works when pasted into a shell.
// Lines that fit are left exactly as written.
func wrapHelp(text string, width int) string {
	lines := strings.Split(text, "\n")
	var out []string
	inExamples := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		ind := len(line) - len(strings.TrimLeft(line, " "))
		switch {
		case trimmed == "":
			out = append(out, line)
			continue
		case ind == 0 && !strings.HasPrefix(trimmed, "Usage:"):
			inExamples = false
		}
		if strings.HasSuffix(trimmed, "Example:") || strings.HasSuffix(trimmed, "Examples:") {
			out = append(out, wrapParagraph([]string{line}, ind, ind, width)...)
			inExamples = ind == 0 || strings.HasPrefix(trimmed, "Example")
			continue
		}
		if inExamples && ind > 0 {
			out = append(out, wrapCommand(line, ind, ind+4, " \\", width)...)
			continue
		}
		if strings.HasPrefix(trimmed, "Usage:") || strings.HasPrefix(trimmed, "stint ") {
			out = append(out, wrapCommand(line, ind, argColumn(line), "", width)...)
			continue
		}
		tc := textColumn(line, ind, lines[i+1:])
		para := []string{line}
		for i+1 < len(lines) {
			next := lines[i+1]
			nind := len(next) - len(strings.TrimLeft(next, " "))
			nt := strings.TrimSpace(next)
			if nt == "" || nind != tc || (tc == ind && termColumn(next, nind) > 0) || strings.HasPrefix(nt, "stint ") {
				break
			}
			para = append(para, next)
			i++
		}
		out = append(out, wrapParagraph(para, ind, tc, width)...)
	}
	return strings.Join(out, "\n")
}

// textColumn is where the text of line starts for the lines that continue it: the indent of
// the next line when that hangs under a word of an indented line (a flag and its
// description), else the column after a gap of two or more spaces, else the line's own
// indent.
func textColumn(line string, ind int, rest []string) int {
	if len(rest) > 0 && ind > 0 {
		next := rest[0]
		nind := len(next) - len(strings.TrimLeft(next, " "))
		if strings.TrimSpace(next) != "" && nind > ind && nind < len(line) && line[nind-1] == ' ' && line[nind] != ' ' {
			return nind
		}
	}
	if tc := termColumn(line, ind); tc > 0 {
		return tc
	}
	return ind
}

// termColumn is the column after the first gap of two or more spaces past the indent, or 0.
func termColumn(line string, ind int) int {
	gap := strings.Index(line[ind:], "  ")
	if gap < 0 {
		return 0
	}
	col := ind + gap
	for col < len(line) && line[col] == ' ' {
		col++
	}
	if col == len(line) {
		return 0
	}
	return col
}

// wrapParagraph fills the words of para within width: the first line keeps what stands
// before column tc (a flag and its gap), the others are indented to tc. A paragraph whose
// lines all fit is returned as it was.
func wrapParagraph(para []string, ind, tc, width int) []string {
	fits := true
	for _, l := range para {
		fits = fits && utf8.RuneCountInString(l) <= width
	}
	if fits {
		return para
	}
	head := para[0][:tc]
	var words []string
	words = append(words, strings.Fields(para[0][tc:])...)
	for _, l := range para[1:] {
		words = append(words, strings.Fields(l)...)
	}
	if tc > width/2 { // no room beside the term: the text goes under it
		head, tc = strings.TrimRight(head, " "), ind+4
		return append([]string{head}, fill(words, strings.Repeat(" ", tc), strings.Repeat(" ", tc), "", width)...)
	}
	return fill(words, head, strings.Repeat(" ", tc), "", width)
}

// fill lays words out in lines of at most width characters, the first starting with first
// and the others with next; every line but the last ends with cont.
func fill(words []string, first, next, cont string, width int) []string {
	var out []string
	cur := first
	empty := true
	for _, w := range words {
		if !empty && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w)+utf8.RuneCountInString(cont) > width {
			out = append(out, cur+cont)
			cur, empty = next, true
		}
		if empty {
			cur += w
		} else {
			cur += " " + w
		}
		empty = false
	}
	return append(out, cur)
}

// wrapCommand breaks a command line wider than width between its arguments (never inside
// brackets or quotes), continuing at column hang; each broken line ends with cont.
func wrapCommand(line string, ind, hang int, cont string, width int) []string {
	if utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	if hang > width/2 {
		hang = ind + 4
	}
	return fill(commandWords(strings.TrimSpace(line)), line[:ind], strings.Repeat(" ", hang), cont, width)
}

// commandWords splits a command line at the spaces outside brackets, braces and quotes,
// keeping a flag with the value after it ("--tax 19") so a wrapped line never parts them.
func commandWords(s string) []string {
	var out []string
	for _, w := range splitCommand(s) {
		if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "-") && !strings.Contains(out[n-1], " ") && !strings.HasPrefix(w, "-") {
			out[n-1] += " " + w
			continue
		}
		out = append(out, w)
	}
	return out
}

// splitCommand splits a command line at the spaces outside brackets, braces and quotes.
func splitCommand(s string) []string {
	var words []string
	depth, quote, start := 0, rune(0), 0
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '[' || r == '(' || r == '{':
			depth++
		case r == ']' || r == ')' || r == '}':
			depth--
		case r == ' ' && depth == 0:
			if i > start {
				words = append(words, s[start:i])
			}
			start = i + 1
		}
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words
}

// argColumn is where a usage line's arguments start: the column of its first word after
// "Usage:", "stint" and the command's words, so a wrapped line continues under it.
func argColumn(line string) int {
	col := len(line) - len(strings.TrimLeft(line, " "))
	for _, w := range strings.Fields(line) {
		if w != "Usage:" && w != "stint" && !isCommandWord(w) {
			return col
		}
		col += len(w) + 1
		for col < len(line) && line[col] == ' ' {
			col++
		}
	}
	return col
}

// isCommandWord reports a word of a command's name: lowercase letters, dashes and the | and
// <> of alternatives, such as "timer", "api-token" or "<start|stop>".
func isCommandWord(w string) bool {
	if strings.HasPrefix(w, "-") {
		return false
	}
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r == '-' || r == '|' || r == '<' || r == '>') {
			return false
		}
	}
	return true
}
