package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// complCommand is what completion offers after a command's words: its subcommands and flags.
type complCommand struct {
	path  string // "" for stint itself, "timer", "timer start"
	subs  []string
	flags []string
}

// valueFlags are the flags that take a value, so the word after them is no command; the
// map's value lists what completes there ("@tags": the names of tags), if anything.
func valueFlags() map[string][]string {
	return map[string][]string{
		"--data": nil, "--addr": nil, "--log-level": {"debug", "info", "warn", "error"},
		"--project": {"@projects"}, "--task": {"@tasks"}, "--tag": {"@tags"},
		"--from": nil, "--to": nil, "--start": nil, "--end": nil, "--duration": nil, "--color": nil, "--description": nil,
		"--allowed-host": nil, "--trusted-proxies": nil, "--auth-rate": nil, "--login-limit": nil, "--signup-limit": nil,
		"--config": nil, "--db": nil, "--metrics-addr": nil, "--cors-origin": nil, "--log-format": {"auto", "json", "text"},
		"--role": {"owner", "admin", "manager", "member"}, "--days": nil, "--status": {"pending", "accepted", "expired", "revoked"},
		"--client": {"@clients"}, "--member": nil, "--user": nil, "--group": nil, "--timezone": nil, "--format": nil, "-o": nil,
		"--week-start": {"monday", "sunday", "saturday"}, "--tax": nil, "--entries": nil, "--pdf": nil,
		"--screenshots": {"on", "off"}, "--screenshot-random": {"on", "off"}, "--window-titles": {"on", "off"},
		"--screenshot-interval": {"1", "3", "5", "10"}, "--server": nil, "--name": nil, "--email": nil, "--tenant": nil,
		"--app-role": nil, "--owner-role": nil, "--entry": nil, "--limit": nil,
	}
}

// serveFlagNames are the flags of "stint serve": --config and one per setting.
func serveFlagNames() []string {
	out := []string{"--config"}
	for _, s := range settingsList() {
		out = append(out, "--"+s.flag)
	}
	return out
}

// complCommands lists every command completion knows, kept beside usage.go's texts.
func complCommands() []complCommand {
	commands := []string{"desktop", "serve", "config", "service", "backup", "restore", "db", "timer", "continue", "entries", "report", "import", "activity", "projects", "rate", "invoice", "clients", "tasks", "tags", "api-token", "invite", "remote", "sync", "version"}
	catalog := []string{"list", "add", "rename", "archive", "unarchive", "delete"}
	refs := []string{"--project", "--task", "--tag", "--billable"}
	out := []complCommand{
		{path: "", subs: append(append([]string{}, commands...), "help", "completion"),
			flags: []string{"--data", "--addr", "--log-level", "--json", "--help"}},
		{path: "desktop", flags: []string{"--addr", "--data", "--log-level"}},
		{path: "serve", flags: serveFlagNames()},
		{path: "config", subs: []string{"show", "check"}},
		{path: "config show", flags: append(serveFlagNames(), "--json")},
		{path: "config check", flags: []string{"--json"}},
		{path: "service", subs: []string{"install", "uninstall", "start", "stop", "restart", "status"}},
		{path: "service install", flags: []string{"--user", "--config", "--db", "--addr", "--data", "--json"}},
		{path: "service uninstall", flags: []string{"--purge", "--json"}},
		{path: "service start", flags: []string{"--json"}},
		{path: "service stop", flags: []string{"--json"}},
		{path: "service restart", flags: []string{"--json"}},
		{path: "service status", flags: []string{"--json"}},
		{path: "backup", flags: []string{"--force", "--json", "--data", "--db"}},
		{path: "restore", flags: []string{"--json", "--data", "--db"}},
		{path: "db", subs: []string{"setup"}},
		{path: "db setup", flags: []string{"--db", "--app-role", "--owner-role", "--json"}},
		{path: "timer", subs: []string{"start", "stop", "status", "idle"}},
		{path: "timer start", flags: append(append([]string{}, refs...), "--json")},
		{path: "timer stop", flags: []string{"--json"}},
		{path: "timer status", flags: []string{"--json"}},
		{path: "timer idle", subs: []string{"keep", "discard", "stop"}, flags: []string{"--json"}},
		{path: "continue", flags: []string{"--json"}},
		{path: "entries", subs: []string{"list", "add", "edit", "delete"}, flags: []string{"--from", "--to", "--project", "--json"}},
		{path: "activity", subs: []string{"settings"}, flags: []string{"--from", "--to", "--user", "--timezone", "--json"}},
		{path: "activity settings", flags: []string{"--screenshots", "--screenshot-interval", "--screenshot-random", "--window-titles", "--json"}},
		{path: "report", flags: []string{"--from", "--to", "--group", "--project", "--client", "--task", "--tag", "--user", "--billable", "--detailed", "--timezone", "--week-start", "--json", "--format", "-o", "--bom"}},
		{path: "import", flags: []string{"--dry-run", "--format", "--timezone", "--user", "--skip-invalid", "--json"}},
		{path: "entries list", flags: []string{"--from", "--to", "--project", "--json"}},
		{path: "entries add", flags: append([]string{"--start", "--end", "--duration"}, append(refs, "--json")...)},
		{path: "entries edit", subs: []string{"last"}, flags: append([]string{"--start", "--end", "--duration", "--description"}, append(refs, "--json")...)},
		{path: "entries delete", subs: []string{"last"}, flags: []string{"--json"}},
		{path: "projects", subs: catalog, flags: []string{"--archived", "--json"}},
		{path: "projects add", flags: []string{"--color", "--billable", "--json"}},
		{path: "rate", subs: []string{"set", "list"}},
		{path: "rate set", flags: []string{"--member", "--client", "--project", "--from", "--json"}},
		{path: "rate list", flags: []string{"--member", "--json"}},
		{path: "invoice", subs: []string{"create", "list", "show", "unlock"}},
		{path: "invoice create", flags: []string{"--client", "--project", "--from", "--to", "--per-entry", "--tax", "--json"}},
		{path: "invoice list", flags: []string{"--json"}},
		{path: "invoice show", flags: []string{"--json", "--pdf"}},
		{path: "invoice unlock", flags: []string{"--entries", "--json"}},
		{path: "api-token", flags: []string{"--rotate", "--json"}},
		{path: "invite", subs: []string{"create", "list", "revoke", "accept"}},
		{path: "invite create", flags: []string{"--role", "--days", "--json"}},
		{path: "invite list", flags: []string{"--status", "--json"}},
		{path: "invite revoke", flags: []string{"--json"}},
		{path: "invite accept", flags: []string{"--server", "--name", "--email", "--password-stdin", "--join", "--yes", "--json"}},
		{path: "remote", subs: []string{"login", "logout"}},
		{path: "remote login", flags: []string{"--email", "--password-stdin", "--tenant", "--publish", "--join", "--yes", "--json"}},
		{path: "remote logout", flags: []string{"--json"}},
		{path: "sync", subs: []string{"status", "conflicts"}, flags: []string{"--json", "--watch"}},
		{path: "sync status", flags: []string{"--json"}},
		{path: "sync conflicts", flags: []string{"--entry", "--limit", "--json"}},
		{path: "version", flags: []string{"--json"}},
		{path: "completion", subs: []string{"bash", "zsh", "fish"}},
		{path: "help", subs: append(append([]string{}, commands...), "completion")},
	}
	for _, kind := range []string{"clients", "tasks", "tags", "projects"} {
		extra := map[string][]string{"tasks": {"--project"}}[kind] // tags take --color on add only
		if kind != "projects" {
			out = append(out, complCommand{path: kind, subs: catalog, flags: append([]string{"--archived", "--json"}, extra...)})
		}
		for _, sub := range catalog[1:] {
			if kind == "projects" && sub == "add" {
				continue
			}
			c := complCommand{path: kind + " " + sub, subs: nil, flags: []string{"--json"}}
			if sub != "add" {
				c.subs = []string{"@" + kind} // the rows' names
			}
			if kind == "tasks" {
				c.flags = append(c.flags, "--project")
			}
			if kind == "tags" && sub == "add" {
				c.flags = append(c.flags, "--color")
			}
			out = append(out, c)
		}
		out = append(out, complCommand{path: kind + " list", flags: append([]string{"--archived", "--json"}, extra...)})
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.Count(out[i].path, " ") > strings.Count(out[j].path, " ") })
	return out
}

// completion runs "stint completion bash|zsh|fish": it prints the script that hands
// completion to "stint __complete", so the shells offer what this build knows.
func (c *cli) completion(args []string) error {
	fs := newFlagSet("completion")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) != 1 {
		return usagef("completion: say which shell: stint completion bash|zsh|fish")
	}
	switch words[0] {
	case "bash":
		_, err = io.WriteString(c.stdout, bashCompletion)
	case "zsh":
		_, err = io.WriteString(c.stdout, zshCompletion)
	case "fish":
		_, err = io.WriteString(c.stdout, fishCompletion)
	default:
		return usagef("completion: no completion for %q; say bash, zsh or fish", words[0])
	}
	return err
}

// complete runs the hidden "stint __complete WORD... CURRENT": it prints what may stand in
// place of CURRENT, one candidate a line, after the words before it. The word after --data
// is left to the shell (directories). It never fails: a completion has nothing to report.
func (c *cli) complete(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return nil
	}
	before, cur := args[:len(args)-1], args[len(args)-1]
	values := valueFlags()
	var path []string
	for i := 0; i < len(before); i++ {
		w := before[i]
		if _, ok := values[w]; ok {
			if w == "--data" && i+1 < len(before) {
				data := before[i+1]
				env := c.env
				c.env = func(k string) string {
					if k == "STINT_DATA" {
						return data
					}
					return env(k)
				}
			}
			i++
			continue
		}
		if strings.HasPrefix(w, "-") || len(path) == 2 {
			continue
		}
		path = append(path, w)
	}
	var cands []string
	if vs, isValue := values[lastOr(before)]; isValue {
		cands = vs
	} else {
		cmd := findCompl(strings.Join(path, " "))
		if strings.HasPrefix(cur, "-") {
			cands = cmd.flags
			if len(path) > 0 { // the root flags stand after a command too
				cands = appendMissing(cands, "--data", "--addr", "--log-level")
			}
		} else {
			cands = cmd.subs
		}
	}
	for _, cand := range cands {
		if strings.HasPrefix(cand, "@") {
			for _, n := range c.catalogNames(ctx, cand[1:]) {
				if hasPrefixFold(n, cur) {
					fmt.Fprintln(c.stdout, n)
				}
			}
			continue
		}
		if hasPrefixFold(cand, cur) {
			fmt.Fprintln(c.stdout, cand)
		}
	}
	return nil
}

// appendMissing returns list with those of more it lacks added at its end.
func appendMissing(list []string, more ...string) []string {
	out := append([]string{}, list...)
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func lastOr(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// findCompl is the command the words name; an unknown second word (a name, a description)
// falls back to the first word's command.
func findCompl(path string) complCommand {
	all := complCommands()
	for _, p := range []string{path, strings.SplitN(path, " ", 2)[0]} {
		for _, c := range all {
			if c.path == p {
				return c
			}
		}
	}
	return complCommand{}
}

// catalogNames lists the active names of kind for completion; nothing when the data cannot
// be read.
func (c *cli) catalogNames(ctx context.Context, kind string) []string {
	k, ok := catalogKinds(kind)
	if !ok {
		return nil
	}
	var out []string
	c.json = true // no notices on stderr
	_ = c.withWorkspace(ctx, func(w *workspace) error {
		rows, err := k.list(ctx, w, nil)
		for _, r := range rows {
			if !r.Archived {
				out = append(out, strings.Join(strings.Fields(r.Name), " "))
			}
		}
		return err
	})
	return out
}

const bashCompletion = `# stint completion for bash. Load it with: source <(stint completion bash)
_stint() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $prev == --data ]]; then
    COMPREPLY=($(compgen -d -- "$cur"))
    return
  fi
  local IFS=$'\n' cand
  COMPREPLY=()
  for cand in $(stint __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null); do
    COMPREPLY+=("$(printf '%q' "$cand")")
  done
}
complete -F _stint stint
`

const zshCompletion = `#compdef stint
# stint completion for zsh. Load it with: source <(stint completion zsh)
# or save it as _stint in a directory of $fpath.
_stint() {
  if [[ ${words[CURRENT-1]} == --data ]]; then
    _files -/
    return
  fi
  local -a cands
  cands=("${(@f)$(stint __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
  cands=(${cands:#})
  compadd -Q -- "${(@q)cands}"
}
if [[ $funcstack[1] == _stint ]]; then
  _stint "$@"
else
  compdef _stint stint
fi
`

const fishCompletion = `# stint completion for fish. Load it with: stint completion fish | source
function __stint_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct)
    if test (count $words) -gt 0; and test "$words[-1]" = --data
        __fish_complete_directories $cur
        return
    end
    stint __complete $words $cur 2>/dev/null
end
complete -c stint -f -a '(__stint_complete)'
`
