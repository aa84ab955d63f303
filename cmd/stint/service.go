package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/kardianos/service"
	"gopkg.in/natefinch/lumberjack.v2"
)

// The OS service: "stint service install" registers "stint serve" with the platform's service
// manager through kardianos/service, and the installed service runs "stint service run",
// which is serve with its logs in a rotating file and the manager's start and stop wired to
// serve's graceful shutdown.

// Service defaults; the paths are per service name, so a second name (the tests' own) never
// touches the real installation's files.
const (
	defaultServiceName = "stint"
	// serviceLogMaxMB and serviceLogBackups bound the log: 10 MB a file, the current one and 5 old.
	serviceLogMaxMB   = 10
	serviceLogBackups = 5
	// serviceAccountComment marks a system user install created, so uninstall --purge never
	// removes an account it did not make.
	serviceAccountComment = "Stint service"
	platformSystemV       = "unix-systemv"
)

// serviceDataDir, serviceLogDir and serviceConfigFile are a system service's default data
// directory, its log directory and the configuration file it reads when that file exists:
// /var/lib/NAME, /var/log/NAME and /etc/NAME/NAME.toml, under %ProgramData%\NAME on Windows.
func serviceDataDir(name string) string { return systemDir("/var/lib", name, "data") }
func serviceLogDir(name string) string  { return systemDir("/var/log", name, "logs") }
func serviceConfigFile(name string) string {
	return filepath.Join(systemDir("/etc", name, ""), name+".toml")
}

func systemDir(unix, name, windows string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(os.Getenv("ProgramData"), name, windows)
	}
	return filepath.Join(unix, name)
}

// serviceSettings are the flags install hands to the installed "stint serve": only what was
// given to install itself (a flag or its STINT_* variable) and the config file. Everything
// else is the config file's to say, so editing it and restarting changes the service.
type serviceSettings struct {
	addr   string // "" leaves --addr out
	data   string // "" leaves --data out
	config string // "" leaves --config out
	db     string // "" leaves --db out
}

// serveArgs is the "stint serve" command line the installed service runs. A flag here would
// outrank the config file, so only the values given explicitly to install are flags.
func serveArgs(s serviceSettings) []string {
	args := []string{"serve"}
	if s.addr != "" {
		args = append(args, "--addr", s.addr)
	}
	if s.data != "" {
		args = append(args, "--data", s.data)
	}
	if s.config != "" {
		args = append(args, "--config", s.config)
	}
	if s.db != "" {
		args = append(args, "--db", s.db)
	}
	return args
}

// runArgs is the command line the service manager starts: "stint service run" with where to
// log, whom to run as and the service's own defaults (KEY=VALUE, such as the data directory
// /var/lib/NAME), then the serve command line after "--". The defaults rank below the config
// file, where flags would rank above it.
func runArgs(name, logFile, runAs string, defaults, serve []string) []string {
	args := []string{"service", "run", "--name", name, "--log-file", logFile}
	if runAs != "" {
		args = append(args, "--run-as", runAs)
	}
	for _, d := range defaults {
		args = append(args, "--default", d)
	}
	return append(append(args, "--"), serve...)
}

// service runs "stint service SUBCOMMAND".
func (c *cli) service(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("service: say what to do: install, uninstall, start, stop, restart or status (see 'stint service -h')")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help", "help":
		c.printUsage(usageService)
		return nil
	case "install":
		return c.serviceInstall(rest)
	case "uninstall":
		return c.serviceUninstall(rest)
	case "start", "stop", "restart":
		return c.serviceControl(sub, rest)
	case "status":
		return c.serviceStatusCmd(rest)
	case "run":
		return c.serviceRun(ctx, rest)
	}
	return usagef("service: unknown subcommand %q: use install, uninstall, start, stop, restart or status", sub)
}

// serviceFlags registers the flags every service subcommand takes: the hidden --name (tests
// install under a name of their own) and --json.
func (c *cli) serviceFlags(fs *flag.FlagSet) (name *string) {
	name = fs.String("name", c.getenv("STINT_SERVICE_NAME", defaultServiceName), "service name")
	fs.Bool("json", c.json, "print JSON")
	return name
}

// serviceState is what every subcommand reports: the service's state after it ran.
type serviceState struct {
	Name     string `json:"name"`
	Platform string `json:"platform"`
	Status   string `json:"status"` // running, stopped or not installed
}

// report prints the state after an action: one line for people, an object with --json.
func (c *cli) reportService(st serviceState, line string) error {
	if c.json {
		return c.printJSON(st)
	}
	fmt.Fprintln(c.stdout, line)
	return nil
}

// newService describes the service name to kardianos; cfg is only needed to install.
func newService(name string, cfg *service.Config, prg service.Interface) (service.Service, error) {
	if cfg == nil {
		cfg = &service.Config{}
	}
	cfg.Name = name
	if cfg.DisplayName == "" {
		cfg.DisplayName = "Stint"
	}
	if cfg.Description == "" {
		cfg.Description = "Stint time tracker: the team server (stint serve)"
	}
	if prg == nil {
		prg = &serviceProgram{}
	}
	s, err := service.New(prg, cfg)
	if err != nil {
		return nil, fmt.Errorf("service manager: %w", err)
	}
	return s, nil
}

// userServiceSupported says whether kardianos can install a per-user service on platform.
func userServiceSupported(platform string) bool {
	return platform == "linux-systemd" || platform == "darwin-launchd"
}

// serviceInstall runs "stint service install".
func (c *cli) serviceInstall(args []string) error {
	fs := newFlagSet("service install")
	name := c.serviceFlags(fs)
	user := fs.Bool("user", false, "per-user service")
	config := fs.String("config", c.env("STINT_CONFIG"), "configuration file")
	db := fs.String("db", c.env("STINT_DB"), "database")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if err := checkServiceName(*name); err != nil {
		return err
	}
	platform := service.Platform()
	if *user && !userServiceSupported(platform) {
		return usagef("service install --user: this machine's service manager (%s) has no per-user services; "+
			"install a system service instead (sudo stint service install), or run 'stint serve' from your session "+
			"(for instance an '@reboot stint serve' line in crontab -e)", platform)
	}
	if !*user && os.Geteuid() != 0 && runtime.GOOS != "windows" {
		return fmt.Errorf("service install: a system service needs root: run 'sudo stint service install', or --user for a per-user service")
	}
	if st, err := serviceStatus(*name); err != nil {
		return fmt.Errorf("service install: %w", err)
	} else if st != "not installed" {
		return fmt.Errorf("service install: %q is already installed (%s); run 'stint service uninstall' first", *name, st)
	}

	plan, err := c.planService(*name, *user, strings.TrimSpace(*config), strings.TrimSpace(*db))
	if err != nil {
		return err
	}
	set := plan.set
	logDir := serviceLogDir(*name)
	if *user {
		logDir = filepath.Join(plan.data, "logs")
	}
	runAs := ""
	if !*user && serviceAccountsSupported() {
		runAs = *name
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("service install: find this executable: %w", err)
	}
	run := runArgs(*name, filepath.Join(logDir, *name+".log"), runAs, plan.defaults, serveArgs(set))
	cfg := &service.Config{
		Executable: exe,
		Arguments:  run,
		UserName:   runAs,
		Option: service.KeyValue{
			"UserService":  *user,
			"LogDirectory": logDir,
		},
	}
	if platform == platformSystemV {
		script, err := newSysvScript(*name, exe, run, logDir).render()
		if err != nil {
			return fmt.Errorf("service install: %w", err)
		}
		cfg.Option["SysvScript"] = script
	}

	undo, err := prepareServiceFiles(runAs, plan.data, logDir)
	if err == nil && plan.starter != "" {
		var undoStarter func()
		undoStarter, err = writeStarterConfig(plan.starter, runAs, plan.starterText)
		prev := undo
		undo = func() { undoStarter(); prev() }
	}
	if err != nil {
		undo()
		return fmt.Errorf("service install: %w", err)
	}
	s, err := newService(*name, cfg, nil)
	if err == nil {
		err = s.Install()
	}
	if err != nil {
		undo()
		return fmt.Errorf("service install: %w", err)
	}
	line := fmt.Sprintf("installed service %s (%s): runs %s as %s, logs in %s",
		*name, platform, strings.Join(maskArgs(serveArgs(set)), " "), orDefault(runAs, "the installing user"), logDir)
	if plan.starter != "" {
		line += "\nwrote " + plan.starter + ": the service's settings; edit it, then 'stint service restart'"
	}
	if set.config != "" {
		line += "\nwhat the service runs with: stint config show --config " + set.config
		if set.addr != "" || set.data != "" {
			line += " " + strings.Join(rootArgs(set), " ")
		}
	}
	line += "\nstart it with: stint service start"
	if *name != defaultServiceName {
		line += " --name " + *name
	}
	return c.reportService(serviceState{Name: *name, Platform: platform, Status: "stopped"}, line)
}

// checkServiceName refuses names that would escape the paths built from them.
func checkServiceName(name string) error {
	if name == "" || len(name) > 32 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" || name[0] == '-' {
		return usagef("service: name %q: use up to 32 lower-case letters, digits, '-' and '_'", name)
	}
	return nil
}

// maskArgs hides a password in a --db value, for printing.
func maskArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i := 1; i < len(out); i++ {
		if out[i-1] == "--db" && dsnHasPassword(out[i]) {
			if u, err := url.Parse(out[i]); err == nil && u.User != nil {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
				out[i] = u.String()
			} else {
				out[i] = "(a DSN with a password)"
			}
		}
	}
	return out
}

// dsnHasPassword says whether a database DSN (URL or key=value form) carries a password.
func dsnHasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return true
		}
	}
	for _, f := range strings.Fields(dsn) {
		if strings.HasPrefix(strings.ToLower(f), "password=") {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// serviceUninstall runs "stint service uninstall": stop, unregister, and remove what install
// made (the rc links, pid file and logs the System V script leaves); the data directory and
// the service user only with --purge.
func (c *cli) serviceUninstall(args []string) error {
	fs := newFlagSet("service uninstall")
	name := c.serviceFlags(fs)
	purge := fs.Bool("purge", false, "remove the data and the service user too")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if err := checkServiceName(*name); err != nil {
		return err
	}
	platform := service.Platform()
	st, err := serviceStatus(*name)
	if st == "not installed" && !*purge {
		return fmt.Errorf("service uninstall: %q is not installed", *name)
	}
	s, nerr := newService(*name, nil, nil)
	if nerr != nil {
		return fmt.Errorf("service uninstall: %w", nerr)
	}
	if st == "running" {
		if err := s.Stop(); err != nil {
			return fmt.Errorf("service uninstall: stop: %w", err)
		}
	}
	if st != "not installed" {
		if err == nil {
			err = s.Uninstall()
		}
		if err != nil {
			return fmt.Errorf("service uninstall: %w", err)
		}
	}
	removed, err := removeServiceFiles(*name, *purge, c.getenv("STINT_DATA", ""))
	if err != nil {
		return fmt.Errorf("service uninstall: %w", err)
	}
	line := "uninstalled service " + *name
	if len(removed) > 0 {
		line += "; removed " + strings.Join(removed, ", ")
	}
	if !*purge {
		line += "\nthe data directory and the service user are kept; 'stint service uninstall --purge' removes them"
	}
	return c.reportService(serviceState{Name: *name, Platform: platform, Status: "not installed"}, line)
}

// serviceControl runs start, stop and restart.
func (c *cli) serviceControl(action string, args []string) error {
	fs := newFlagSet("service " + action)
	name := c.serviceFlags(fs)
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if err := checkServiceName(*name); err != nil {
		return err
	}
	if st, err := serviceStatus(*name); err != nil {
		return fmt.Errorf("service %s: %w", action, err)
	} else if st == "not installed" {
		return fmt.Errorf("service %s: %q is not installed (stint service install)", action, *name)
	}
	s, err := newService(*name, nil, nil)
	if err != nil {
		return err
	}
	if err := service.Control(s, action); err != nil {
		if action != "stop" {
			return fmt.Errorf("service %s: %w (a system service logs in %s)", action, err, serviceLogDir(*name))
		}
		return fmt.Errorf("service %s: %w", action, err)
	}
	st, err := serviceStatus(*name)
	if err != nil {
		return fmt.Errorf("service %s: %w", action, err)
	}
	return c.reportService(serviceState{Name: *name, Platform: service.Platform(), Status: st}, *name+": "+st)
}

// serviceStatusCmd runs "stint service status".
func (c *cli) serviceStatusCmd(args []string) error {
	fs := newFlagSet("service status")
	name := c.serviceFlags(fs)
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if err := checkServiceName(*name); err != nil {
		return err
	}
	st, err := serviceStatus(*name)
	if err != nil {
		return fmt.Errorf("service status: %w", err)
	}
	return c.reportService(serviceState{Name: *name, Platform: service.Platform(), Status: st}, *name+": "+st)
}

// serviceStatus says "running", "stopped" or "not installed". On System V it asks the init
// script itself: kardianos reads any non-zero exit of "service NAME status" as an error, and
// an LSB script exits 3 for a stopped service.
func serviceStatus(name string) (string, error) {
	if service.Platform() == platformSystemV {
		return sysvStatus(name)
	}
	s, err := newService(name, nil, nil)
	if err != nil {
		return "", err
	}
	st, err := s.Status()
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		return "not installed", nil
	case err != nil:
		return "", fmt.Errorf("status of %s: %w", name, err)
	case st == service.StatusRunning:
		return "running", nil
	case st == service.StatusStopped:
		return "stopped", nil
	}
	return "", fmt.Errorf("status of %s: unknown", name)
}

// serviceProgram is serve as kardianos runs it: Start launches it, Stop cancels its context
// and waits for the graceful shutdown to finish, so an acknowledged write is on disk before
// the process exits.
type serviceProgram struct {
	run    func(ctx context.Context) error
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// Start implements service.Interface; it returns at once, as kardianos asks.
func (p *serviceProgram) Start(service.Service) error {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go func() {
		defer close(p.done)
		p.err = p.run(ctx)
	}()
	return nil
}

// Stop implements service.Interface.
func (p *serviceProgram) Stop(service.Service) error {
	p.cancel()
	<-p.done
	return nil
}

// serviceRun runs "stint service run": what the service manager starts. It drops to the
// service user when started as root, sends the logs to a file that rotates by size, and runs
// the serve command line given after "--" until the manager stops it (SIGTERM on Unix).
func (c *cli) serviceRun(ctx context.Context, args []string) error {
	fs := newFlagSet("service run")
	name := c.serviceFlags(fs)
	logFile := fs.String("log-file", "", "log file")
	runAs := fs.String("run-as", "", "user to run as")
	var defaults listFlag // KEY=VALUE, whole: a value may hold commas
	fs.Func("default", "a setting's default for serve (KEY=VALUE)", func(v string) error {
		defaults.items = append(defaults.items, v)
		return nil
	})
	serve, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(serve) == 0 || serve[0] != "serve" || *logFile == "" {
		return usagef("service run: want --log-file FILE -- serve [flags] (the service manager runs this)")
	}
	serviceDefaults, err := parseServiceDefaults(defaults.items)
	if err != nil {
		return err
	}
	if *runAs != "" {
		if err := dropPrivileges(*runAs); err != nil {
			return fmt.Errorf("service run: %w", err)
		}
	}
	logs := &lumberjack.Logger{Filename: *logFile, MaxSize: serviceLogMaxMB, MaxBackups: serviceLogBackups}
	defer logs.Close()
	log := slog.New(slog.NewJSONHandler(logs, nil)).With("service", *name)

	sub := &cli{stdout: logs, stderr: logs, env: c.env, clock: c.clock, serviceDefaults: serviceDefaults}
	prg := &serviceProgram{run: func(ctx context.Context) error { return sub.dispatch(ctx, serve) }}
	s, err := newService(*name, &service.Config{
		Option: service.KeyValue{"RunWait": func() {
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			select { // the manager's stop, or serve ending by itself (a port in use)
			case <-sig:
			case <-prg.done:
			case <-ctx.Done():
			}
		}},
	}, prg)
	if err != nil {
		return err
	}
	if err := s.Run(); err != nil {
		log.Error("service failed", "err", err)
		return fmt.Errorf("service run: %w", err)
	}
	if prg.err != nil {
		log.Error("serve failed", "err", prg.err.Error())
		return fmt.Errorf("service run: %w", prg.err)
	}
	return nil
}

// parseServiceDefaults reads service run's --default KEY=VALUE flags, each value checked by
// its setting.
func parseServiceDefaults(items []string) (map[string]string, error) {
	out := map[string]string{}
	for _, it := range items {
		k, v, ok := strings.Cut(it, "=")
		s, known := settingByKey(k)
		if !ok || !known {
			return nil, usagef("service run: --default %q: want KEY=VALUE with a config file key", it)
		}
		if err := s.check(v); err != nil {
			return nil, usagef("service run: --default %s: %v", k, err)
		}
		out[k] = v
	}
	return out, nil
}

const usageService = `Usage: stint service <install|uninstall|start|stop|restart|status> [flags]

Runs 'stint serve' as an OS service (systemd, System V init, launchd or the Windows service
manager, whichever this machine uses).

  service install [--user] [--config FILE] [--db DSN] [--addr H:P] [--data DIR]
      Registers the service; it starts at boot and now with 'stint service start'. As root it
      is a system service run as the system user stint (created when missing, no login
      shell, home the data directory), JSON logs in /var/log/stint/stint.log rotated at
      10 MB, 5 old files kept. Its settings live in its config file: --config FILE, else
      /etc/stint/stint.toml, which install writes (0640, root:stint) when it is missing,
      with data_dir /var/lib/stint and the default addr. Edit the file, then restart the
      service; 'stint config show --config FILE' shows what it runs with. --addr, --data
      and --db given to install (or STINT_ADDR, STINT_DATA, STINT_DB) are passed to serve
      as flags and outrank the file. A --db DSN with a password never goes on the command
      line, which every local user sees: install puts it in the config file it writes, and
      refuses when the file already exists, printing the line to add and the command to
      run instead. --user installs a service of your own instead (systemd and launchd
      only), with data in your data directory and logs in its logs folder.
  service uninstall [--purge]
      Stops and removes the service with its init files, pid file and logs. The data
      directory, the config file install wrote and the service user stay unless --purge.
  service start|stop|restart
      Stop sends SIGTERM: serve finishes the requests in flight and closes the database,
      and the command returns once the process is gone.
  service status
      Prints running, stopped or not installed.

Every subcommand takes --json and then prints {"name", "platform", "status"}, the state
after it ran.
`
