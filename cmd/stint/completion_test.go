package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	h := newHarness(t)
	h.ok("projects", "add", "Acme Corp")
	h.ok("projects", "add", "Beta")
	h.ok("projects", "archive", "Beta")
	h.ok("tags", "add", "urgent")
	h.ok("clients", "add", "Acme Client")
	tests := []struct {
		words []string // the last is the word being completed
		want  string   // candidates joined by ","
	}{
		{[]string{""}, "desktop,serve,config,service,backup,restore,db,timer,continue,entries,report,import,activity,projects,rate,invoice,clients,tasks,tags,api-token,invite,remote,sync,version,help,completion"},
		{[]string{"ti"}, "timer"},
		{[]string{"--"}, "--data,--addr,--log-level,--json,--help"},
		{[]string{"db", ""}, "setup"},
		{[]string{"db", "setup", "--"}, "--db,--app-role,--owner-role,--json,--data,--addr,--log-level"},
		{[]string{"report", "--client", "a"}, "Acme Client"},
		{[]string{"tags", "list", "--"}, "--archived,--json,--data,--addr,--log-level"},
		{[]string{"invite", "revoke", "--"}, "--json,--data,--addr,--log-level"},
		{[]string{"timer", "st"}, "start,stop,status"},
		{[]string{"timer", "status", "--da"}, "--data"}, // root flags go after a command too
		{[]string{"timer", "start", "--"}, "--project,--task,--tag,--billable,--json,--data,--addr,--log-level"},
		{[]string{"timer", "start", "--project", "a"}, "Acme Corp"},
		{[]string{"timer", "start", "--project", "Acme Corp", "--ta"}, "--task,--tag"},
		{[]string{"timer", "start", "writing", "docs", "--j"}, "--json"},
		{[]string{"entries", "add", "--start", "14:00", "--du"}, "--duration"},
		{[]string{"entries", "edit", ""}, "last"},
		{[]string{"projects", "rename", ""}, "Acme Corp"}, // archived Beta left out
		{[]string{"tags", "delete", "U"}, "urgent"},
		{[]string{"--data", h.data, "projects", "un"}, "unarchive"},
		{[]string{"completion", ""}, "bash,zsh,fish"},
		{[]string{"se"}, "serve,service"},
		{[]string{"service", ""}, "install,uninstall,start,stop,restart,status"},
		{[]string{"service", "st"}, "start,stop,status"},
		{[]string{"service", "install", "--"}, "--user,--config,--db,--addr,--data,--json,--log-level"},
		{[]string{"service", "install", "--config", "/etc/stint/stint.toml", "--d"}, "--db,--data"},
		{[]string{"service", "uninstall", "--"}, "--purge,--json,--data,--addr,--log-level"},
		{[]string{"service", "restart", "--"}, "--json,--data,--addr,--log-level"},
		{[]string{"service", "status", "--j"}, "--json"},
		{[]string{"help", "ser"}, "serve,service"},
		{[]string{"invite", ""}, "create,list,revoke,accept"},
		{[]string{"remote", ""}, "login,logout"},
		{[]string{"remote", "login", "https://stint.example.com", "--"}, "--email,--password-stdin,--tenant,--publish,--join,--yes,--json,--data,--addr,--log-level"},
		{[]string{"sync", "st"}, "status"},
		{[]string{"sync", "status", "--"}, "--json,--data,--addr,--log-level"},
		{[]string{"invite", "create", "ada@example.com", "--role", ""}, "owner,admin,manager,member"},
		{[]string{"invite", "list", "--status", "p"}, "pending"},
		{[]string{"--log-level", ""}, "debug,info,warn,error"},
		{[]string{"entries", "--from", ""}, ""},
		{[]string{"--data", ""}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			r := h.run(append([]string{"__complete"}, tt.words...)...)
			got := strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(r.stdout, " ", "\x00"), "\n", " ")), ",")
			got = strings.ReplaceAll(got, "\x00", " ")
			if r.code != 0 || got != tt.want || r.stderr != "" {
				t.Errorf("got %q (exit %d, stderr %q), want %q", got, r.code, r.stderr, tt.want)
			}
		})
	}
}

// TestCompletionScripts loads each shell's script into that shell and completes through the
// built binary, as a user's shell would.
func TestCompletionScripts(t *testing.T) {
	binDir := filepath.Dir(buildStint(t))
	data := t.TempDir()
	env := append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "STINT_DATA="+data, "HOME="+t.TempDir())
	setup := exec.Command(filepath.Join(binDir, "stint"), "projects", "add", "Acme Corp")
	setup.Env = env
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("projects add: %v\n%s", err, out)
	}
	shells := []struct {
		shell  string
		script string
		want   string
	}{
		{"bash", `source <(stint completion bash)
COMP_WORDS=(stint timer st); COMP_CWORD=2; _stint; echo "${COMPREPLY[*]}"
COMP_WORDS=(stint timer start --project A); COMP_CWORD=4; _stint; echo "${COMPREPLY[*]}"`,
			"start stop status\nAcme\\ Corp\n"},
		{"zsh", `autoload -U compinit && compinit -u -D
source <(stint completion zsh)
compadd() { shift 2; print -r -- "${(j: :)@}"; }   # stands in for the completion widget
_files() { print files; }
words=(stint timer st); CURRENT=3; _stint
words=(stint timer start --project A); CURRENT=5; _stint
words=(stint --data ''); CURRENT=3; _stint`,
			"start stop status\nAcme\\ Corp\nfiles\n"},
		{"fish", `stint completion fish | source
complete -C 'stint timer st' | sort | string join ' '
complete -C 'stint timer start --project A'`,
			"start status stop\nAcme Corp\n"},
	}
	for _, sh := range shells {
		t.Run(sh.shell, func(t *testing.T) {
			path, err := exec.LookPath(sh.shell)
			if err != nil {
				t.Skipf("%s is not installed", sh.shell)
			}
			cmd := exec.Command(path, "-c", sh.script)
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v\nstdout: %s\nstderr: %s", sh.shell, err, stdout.String(), stderr.String())
			}
			if stdout.String() != sh.want {
				t.Errorf("%s completed %q, want %q (stderr %q)", sh.shell, stdout.String(), sh.want, stderr.String())
			}
		})
	}
}
