package main

import (
	"flag"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// commandPaths lists every command and subcommand completion knows ("", "timer",
// "timer start"), the set TestCompletionMatchesCommands holds to the real one.
func commandPaths() []string {
	var out []string
	for _, c := range complCommands() {
		out = append(out, c.path)
	}
	sort.Strings(out)
	return out
}

// TestHelpEveryCommand: "stint help CMD" and "stint CMD -h" work for every command and
// subcommand, print the same text, and no line of it is wider than 80 columns.
func TestHelpEveryCommand(t *testing.T) {
	for _, path := range commandPaths() {
		name := path
		if name == "" {
			name = "(stint)"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			words := strings.Fields(path)
			help := h.run(append([]string{"help"}, words...)...)
			dash := h.run(append(words, "-h")...)
			if path == "desktop" && dash.code != 0 && strings.Contains(dash.stderr, "headless") {
				dash = help // a headless build has no desktop to ask
			}
			if help.code != 0 || dash.code != 0 || help.stdout == "" {
				t.Fatalf("help: exit %d, stderr %q; -h: exit %d, stderr %q", help.code, help.stderr, dash.code, dash.stderr)
			}
			if help.stdout != dash.stdout {
				t.Errorf("stint help %s and stint %s -h differ:\n%s\n---\n%s", path, path, help.stdout, dash.stdout)
			}
			for _, line := range strings.Split(help.stdout, "\n") {
				if n := utf8.RuneCountInString(line); n > helpWidth {
					t.Errorf("line of %d columns: %q", n, line)
				}
			}
		})
	}
}

// TestWrapHelp keeps the layouts help is written in when it re-wraps a line too wide.
func TestWrapHelp(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"fits", "  --json   print JSON\n", "  --json   print JSON\n"},
		{"flag and its continuation",
			"  --tag NAME   a tag; repeat for several, or separate them with commas, which also works\n               in scripts\n",
			"  --tag NAME   a tag; repeat for several, or separate them with commas, which\n               also works in scripts\n"},
		{"prose", strings.Repeat("word ", 20) + "\n" + "more words\n",
			"word word word word word word word word word word word word word word word word\nword word word word more words\n"},
		{"prose before an indented line",
			"A rate " + strings.Repeat("word ", 15) + "end\n  stint rate list\n",
			"A rate " + strings.Repeat("word ", 13) + "word\nword end\n  stint rate list\n"},
		{"usage line under its first argument",
			"Usage: stint rate set AMOUNT CURRENCY [--member NAME|EMAIL] [--client NAME] [--project NAME]\n",
			"Usage: stint rate set AMOUNT CURRENCY [--member NAME|EMAIL] [--client NAME]\n                      [--project NAME]\n"},
		{"example stays pasteable",
			"Example:\n  stint entries add --start \"2026-11-23 14:00\" --duration 1h30m --project Acme call\n",
			"Example:\n  stint entries add --start \"2026-11-23 14:00\" --duration 1h30m --project Acme \\\n      call\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wrapHelp(tt.in, 80); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestCompletionMatchesCommands holds completion's table to the commands that exist, so
// neither can drift from the other: the flags each command really parses (its flag set,
// seen through -h) are the flags completion offers for it, and every command and
// subcommand named in a usage line ("stint timer <start|stop>", "stint invite accept
// CODE") or in stint's own overview is one completion offers.
func TestCompletionMatchesCommands(t *testing.T) {
	root := map[string]bool{"--data": true, "--addr": true, "--log-level": true}
	hidden := map[string]bool{"--name": true} // service's: tests install under a name of their own
	for _, c := range complCommands() {
		if c.path == "" || c.path == "help" || c.path == "completion" {
			continue
		}
		t.Run(c.path, func(t *testing.T) {
			h := newHarness(t)
			var real []string
			var out, errOut strings.Builder
			cl := &cli{stdout: &out, stderr: &errOut, env: func(k string) string { return h.env[k] }, clock: h.clock}
			cl.sawFlags = func(fs *flag.FlagSet) {
				real = real[:0]
				fs.VisitAll(func(f *flag.Flag) {
					name := "--" + f.Name
					if len(f.Name) == 1 {
						name = "-" + f.Name
					}
					if !root[name] && !(hidden[name] && strings.HasPrefix(c.path, "service ")) {
						real = append(real, name)
					}
					// The word after a flag that takes a value is that value, never a command.
					if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !(ok && b.IsBoolFlag()) && !root[name] && !hidden[name] {
						if _, ok := valueFlags()[name]; !ok {
							t.Errorf("%s takes a value, but completion does not know it does", name)
						}
					}
				})
			}
			err := cl.dispatch(t.Context(), append(strings.Fields(c.path), "-h"))
			if cl.exit(err) != 0 {
				if c.path == "desktop" && strings.Contains(errOut.String(), "headless") {
					t.Skip("a headless build has no desktop")
				}
				t.Fatalf("stint %s -h: %s", c.path, errOut.String())
			}
			var offered []string
			for _, f := range c.flags {
				if !root[f] {
					offered = append(offered, f)
				}
			}
			sort.Strings(real)
			sort.Strings(offered)
			if strings.Join(real, " ") != strings.Join(offered, " ") {
				t.Errorf("stint %s parses %v\nbut completion offers %v", c.path, real, offered)
			}
		})
	}

	// Commands and subcommands named in the help texts.
	offers := func(path []string, sub string) bool {
		for _, c := range complCommands() {
			if c.path == strings.Join(path, " ") {
				for _, s := range c.subs {
					if s == sub {
						return true
					}
				}
			}
		}
		return false
	}
	for _, path := range commandPaths() {
		text, _ := usageText(path)
		if path == "" {
			text = usageMain
		}
		for _, seq := range usageCommands(text, path == "") {
			for i := range seq {
				for _, alt := range seq[i] {
					for _, prefix := range expand(seq[:i]) {
						if !offers(prefix, alt) {
							t.Errorf("the help of %q names \"stint %s\", which completion does not offer", path, strings.Join(append(prefix, alt), " "))
						}
					}
				}
			}
		}
	}
}

// usageCommands reads the command words of the usage lines of a help text (the lines
// before its first blank one), or of the overview's command lists: each a sequence of
// alternatives, so "stint timer <start|stop>" is [[timer] [start stop]].
func usageCommands(text string, overview bool) [][][]string {
	var out [][][]string
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if !overview && trimmed == "" {
			break
		}
		words, _, _ := strings.Cut(trimmed, "  ") // the command, not its description
		fields := strings.Fields(words)
		if overview {
			if !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "   ") || len(fields) == 0 || fields[0] == "stint" ||
				strings.HasPrefix(fields[0], "-") {
				continue
			}
		} else {
			for len(fields) > 0 && (fields[0] == "Usage:" || fields[0] == "stint") {
				fields = fields[1:]
			}
			if !strings.HasPrefix(trimmed, "Usage:") && !strings.HasPrefix(trimmed, "stint ") {
				continue
			}
		}
		var seq [][]string
		for _, w := range fields {
			w = strings.Trim(w, "<>")
			if strings.HasPrefix(w, "[") && strings.HasSuffix(w, "]") && isCommandWord(strings.Trim(w, "[]")) && w != "[flags]" {
				w = strings.Trim(w, "[]") // an optional subcommand: [list]
			}
			if !isCommandWord(w) {
				break
			}
			seq = append(seq, strings.Split(w, "|"))
		}
		if len(seq) > 0 {
			out = append(out, seq)
		}
	}
	return out
}

// expand lists every path a sequence of alternatives spells.
func expand(seq [][]string) [][]string {
	paths := [][]string{{}}
	for _, alts := range seq {
		var next [][]string
		for _, p := range paths {
			for _, a := range alts {
				next = append(next, append(append([]string{}, p...), a))
			}
		}
		paths = next
	}
	return paths
}

// TestHelpExamplesRun pastes every example of every help text, as printed (wrapped lines
// joined at their trailing backslash), into a workspace that has the names they use: none
// may be a mistake on the command line (exit status 2). Failing for want of a file or a
// server the example assumes (an import file, a backup) is fine.
func TestHelpExamplesRun(t *testing.T) {
	h := newHarness(t)
	home := h.env["HOME"]
	t.Chdir(t.TempDir()) // examples write report files into the working directory
	for _, args := range [][]string{
		{"projects", "add", "Acme"}, {"clients", "add", "Globex"}, {"clients", "add", "Old client"}, {"tags", "add", "meeting"},
		{"tags", "add", "review"}, {"tags", "add", "Old tag"}, {"tasks", "add", "Old task", "--project", "Acme"},
	} {
		h.ok(args...)
	}
	seen := map[string]bool{}
	for _, path := range commandPaths() {
		out := h.ok(append([]string{"help"}, strings.Fields(path)...)...)
		for _, ex := range helpExamples(out) {
			if seen[ex] {
				continue
			}
			seen[ex] = true
			words := shellWords(strings.NewReplacer("~", home, "$(date +%F)", "2026-11-25").Replace(ex))
			if len(words) == 0 || words[0] != "stint" {
				continue // DSN=$(stint db setup …), timew export > … && …
			}
			switch strings.Join(words[1:min(3, len(words))], " ") {
			case "sync --watch", "serve --db": // they run until stopped
				continue
			}
			t.Run(ex, func(t *testing.T) {
				if r := h.run(words[1:]...); r.code == 2 {
					t.Errorf("the example in 'stint help %s' is a usage mistake:\n%s\n%s", path, ex, r.stderr)
				}
			})
		}
	}
	if len(seen) < 20 {
		t.Errorf("found %d examples; the help texts have more", len(seen))
	}
}

// helpExamples returns the command lines of a help text's Example sections, wrapped lines
// joined again.
func helpExamples(text string) []string {
	var out []string
	in, cur := false, ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasSuffix(t, "Example:") || strings.HasSuffix(t, "Examples:"):
			in = true
			continue
		case line != "" && !strings.HasPrefix(line, " "):
			in = false
		}
		if !in || t == "" {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur += strings.TrimSuffix(t, "\\")
			continue
		}
		out = append(out, cur+t)
		cur = ""
	}
	return out
}

// shellWords splits a command line as a shell would, for the quoting help uses.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	quote, inWord := rune(0), false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
