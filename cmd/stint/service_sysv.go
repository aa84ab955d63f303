package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// System V hosts get an init script of Stint's own (kardianos' SysvScript option) instead of
// kardianos' stock one, which counts a zombie as running (so on a host whose PID 1 does not
// reap, stop never sees the process go), gives up after 10 s while serve may take up to 10 s
// to drain, quotes arguments with double quotes only, and exits 1 for a stopped service.
// kardianos still places the script and the rc links.

// sysvInitScript, sysvPidFile are where the System V script and its pid file live.
func sysvInitScript(name string) string { return "/etc/init.d/" + name }
func sysvPidFile(name string) string    { return "/var/run/" + name + ".pid" }

// sysvStopTimeout is how long stop waits for the process to exit: well beyond serve's own
// 10 s limit on draining requests.
const sysvStopTimeout = 30

// sysvScript is what the init script of one installation says.
type sysvScript struct {
	name        string
	command     []string // the executable and its arguments
	pidFile     string
	consoleLog  string // the process's stdout and stderr: only what comes before its logger
	stopTimeout int    // seconds
}

// newSysvScript describes the init script of the installation name running exe with args.
func newSysvScript(name, exe string, args []string, logDir string) sysvScript {
	return sysvScript{
		name:        name,
		command:     append([]string{exe}, args...),
		pidFile:     sysvPidFile(name),
		consoleLog:  filepath.Join(logDir, "console.log"),
		stopTimeout: sysvStopTimeout,
	}
}

// render writes the script. Every value is quoted for the shell here; the script uses none of
// kardianos' template keys, so no value reaches its template engine.
func (s sysvScript) render() (string, error) {
	words := make([]string, len(s.command))
	for i, w := range s.command {
		words[i] = shellQuote(w)
	}
	r := strings.NewReplacer(
		"@NAME@", s.name,
		"@COMMAND@", strings.Join(words, " "),
		"@PIDFILE@", shellQuote(s.pidFile),
		"@CONSOLE@", shellQuote(s.consoleLog),
		"@TIMEOUT@", fmt.Sprint(s.stopTimeout),
	)
	script := r.Replace(sysvTemplate)
	if strings.Contains(script, "{{") || strings.Contains(script, "}}") {
		return "", fmt.Errorf("a setting contains {{ or }}, which the service manager cannot take")
	}
	return script, nil
}

// shellQuote quotes s for a POSIX shell: single quotes, each inner one as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sysvStatus asks the init script, which follows the LSB: exit 0 running, 3 stopped.
func sysvStatus(name string) (string, error) {
	script := sysvInitScript(name)
	if _, err := os.Stat(script); errors.Is(err, os.ErrNotExist) {
		return "not installed", nil
	}
	out, err := exec.Command(script, "status").CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "running", nil
	case errors.As(err, &ee) && ee.ExitCode() == 3:
		return "stopped", nil
	}
	return "", fmt.Errorf("%s status: %w: %s", script, err, strings.TrimSpace(string(out)))
}

// sysvTemplate is the init script; render fills in the @WORDS@. The process is
// started directly (no su or wrapper), so the pid file names it and the SIGTERM of stop
// reaches serve's graceful shutdown; stop then waits until the process is gone.
const sysvTemplate = `#!/bin/sh
# @NAME@: the Stint team server (stint serve), written by 'stint service install';
# 'stint service uninstall' removes it.
### BEGIN INIT INFO
# Provides:          @NAME@
# Required-Start:    $local_fs $remote_fs $network
# Required-Stop:     $local_fs $remote_fs $network
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Stint team server
# Description:       The Stint time tracker's API server, run as its own user.
### END INIT INFO

name=@NAME@
pid_file=@PIDFILE@
console_log=@CONSOLE@
stop_timeout=@TIMEOUT@
umask 027

# is_running: the pid file names a live process (a zombie, left by an init that does not
# reap, has exited).
is_running() {
    [ -f "$pid_file" ] || return 1
    pid=$(cat "$pid_file" 2>/dev/null)
    [ -n "$pid" ] || return 1
    state=$(sed -n 's/^.*) \([A-Za-z]\) .*$/\1/p' "/proc/$pid/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

nap() {
    sleep 0.2 2>/dev/null || sleep 1
}

do_start() {
    if is_running; then
        echo "$name is already running"
        return 0
    fi
    cd /
    @COMMAND@ >>"$console_log" 2>&1 &
    echo $! >"$pid_file"
    i=0
    while [ $i -lt 5 ]; do
        nap
        if ! is_running; then
            rm -f "$pid_file"
            echo "$name did not start; see $console_log and the log next to it"
            return 1
        fi
        i=$((i + 1))
    done
    echo "Started $name"
}

do_stop() {
    if ! is_running; then
        rm -f "$pid_file"
        echo "$name is not running"
        return 0
    fi
    kill -TERM "$pid"
    waited=0
    while is_running; do
        if [ $waited -ge $((stop_timeout * 5)) ]; then
            echo "$name did not stop within ${stop_timeout}s"
            return 1
        fi
        nap
        waited=$((waited + 1))
    done
    rm -f "$pid_file"
    echo "Stopped $name"
}

case "$1" in
    start) do_start ;;
    stop) do_stop ;;
    restart|force-reload) do_stop && do_start ;;
    status)
        if is_running; then
            echo "Running"
        else
            echo "Stopped"
            exit 3
        fi
        ;;
    *)
        echo "Usage: $0 {start|stop|restart|status}"
        exit 2
        ;;
esac
`
