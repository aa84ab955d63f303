package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/BurntSushi/toml"
)

// Where an installed service's settings live. The config file is the place: install passes
// serve only the values given to install itself as flags, and the service's own defaults
// (the data directory /var/lib/NAME) go to "stint service run --default", which ranks them
// below the file. A system service installed without a config file gets a starter one,
// /etc/NAME/NAME.toml, naming its data directory and address, so the first edit already has
// the keys to change; a --db DSN with a password goes there rather than on the command line.

// starterHeader opens the config file install writes; uninstall --purge removes only a file
// that starts with it, never one an administrator wrote.
const starterHeader = "# Written by 'stint service install' for the service "

// servicePlan is what install sets up, worked out before anything is touched.
type servicePlan struct {
	set         serviceSettings
	data        string   // the data directory install creates (and the service user's home)
	defaults    []string // KEY=VALUE for "stint service run --default"
	starter     string   // the config file install writes; "" for none
	starterText string
}

// planService works out install's settings: addr and data from a flag or STINT_ADDR and
// STINT_DATA only, the config file (--config, else /etc/NAME/NAME.toml when it exists, else
// a starter written there for a system service), and where a database DSN goes.
func (c *cli) planService(name string, user bool, config, db string) (servicePlan, error) {
	p := servicePlan{set: serviceSettings{addr: strings.TrimSpace(c.env("STINT_ADDR")), db: db}}
	if d := strings.TrimSpace(c.env("STINT_DATA")); d != "" {
		abs, err := filepath.Abs(d)
		if err != nil {
			return p, fmt.Errorf("service install: data directory: %w", err)
		}
		p.set.data = abs
	}
	var err error
	if p.set.config, err = serviceConfigFor(name, user, config); err != nil {
		return p, err
	}
	// The file a per-user serve finds by itself, read here only for its data_dir.
	read := p.set.config
	if user && read == "" {
		if dir := userConfigDir(runtime.GOOS, c.env); dir != "" {
			if f := filepath.Join(dir, "stint", configFileName); fileExists(f) {
				read = f
			}
		}
	}
	var file map[string]fileValue
	if read != "" {
		if file, err = readConfigFile(read); err != nil {
			return p, fmt.Errorf("service install: %w", err)
		}
	} else if !user {
		p.starter = serviceConfigFile(name)
		p.set.config = p.starter
	}
	if dsnHasPassword(db) {
		if p.starter == "" {
			return p, c.dbPasswordError(name, user, orDefault(read, p.set.config), p.set, db)
		}
		p.set.db = "" // into the starter file, which only root and the service read
	}
	// The service's own data directory ranks below the file: /var/lib/NAME, or for a
	// per-user service the installing user's data directory as install sees it.
	defData := serviceDataDir(name)
	if user {
		if defData, err = userDataDir(runtime.GOOS, c.env); err != nil {
			return p, err
		}
	}
	p.defaults = []string{keyDataDir + "=" + defData}
	switch fileData := file[keyDataDir].text; {
	case p.set.data != "":
		p.data = p.set.data
	case filepath.IsAbs(fileData):
		p.data = filepath.Clean(fileData)
	default:
		p.data = defData
	}
	if p.starter != "" {
		p.starterText = starterConfig(name, p.set, db, defData)
	}
	return p, nil
}

// serviceConfigFor is the configuration file install passes: --config when given (it must
// exist), else for a system service /etc/NAME/NAME.toml when that file exists, else none.
func serviceConfigFor(name string, user bool, given string) (string, error) {
	if given == "" {
		if !user && fileExists(serviceConfigFile(name)) {
			return serviceConfigFile(name), nil
		}
		return "", nil
	}
	abs, err := filepath.Abs(given)
	if err != nil {
		return "", fmt.Errorf("service install: --config: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("service install: --config: %w", err)
	}
	return abs, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tomlLine is key = value as TOML writes it, the value quoted and escaped.
func tomlLine(key, value string) string {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(map[string]string{key: value}); err != nil {
		panic(err) // a map of strings always encodes
	}
	return strings.TrimSpace(b.String())
}

// starterConfig is the config file install writes for a system service that has none: the
// data directory and address as the service would use them, each commented; a value given
// to install as a flag is only mentioned, since the flag outranks the file.
func starterConfig(name string, set serviceSettings, db, defaultData string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s.\n", starterHeader, name)
	b.WriteString("# These are the service's settings: change a value, then run 'stint service restart'\n" +
		"# (the settings 'stint config show' marks live apply without one). Every key is listed in\n" +
		"# the README's Configuration table; 'stint config check FILE' checks this file.\n\n")
	b.WriteString("# Where the SQLite database and the local API token live.\n")
	if set.data != "" {
		fmt.Fprintf(&b, "# data_dir is given on the service's command line (install --data %s), which wins over this file.\n", set.data)
	} else {
		b.WriteString(tomlLine(keyDataDir, defaultData) + "\n")
	}
	b.WriteString("\n# The address the API listens on; 0.0.0.0:8736 listens on every interface.\n")
	if set.addr != "" {
		fmt.Fprintf(&b, "# addr is given on the service's command line (install --addr %s), which wins over this file.\n", set.addr)
	} else {
		b.WriteString(tomlLine(keyAddr, defaultAddr) + "\n")
	}
	if db != "" && set.db == "" {
		b.WriteString("\n# The database. This file is readable by root and the service only, as the password asks.\n")
		b.WriteString(tomlLine(keyDB, db) + "\n")
	}
	return b.String()
}

// writeStarterConfig writes the starter config file: 0640, owned by root and the service
// user's group, so the service reads it and other local users do not. It never replaces a
// file. undo removes what it made; it is never nil.
func writeStarterConfig(path, runAs, text string) (undo func(), err error) {
	var undos []func()
	undo = func() {
		for i := len(undos) - 1; i >= 0; i-- {
			undos[i]()
		}
	}
	dir := filepath.Dir(path)
	if !fileExists(dir) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return undo, fmt.Errorf("create %s: %w", dir, err)
		}
		undos = append(undos, func() { _ = os.Remove(dir) })
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return undo, fmt.Errorf("write config file: %w", err)
	}
	undos = append(undos, func() { _ = os.Remove(path) })
	if runAs != "" {
		_, gid, err := lookupIDs(runAs)
		if err != nil {
			f.Close()
			return undo, err
		}
		if err := f.Chown(0, gid); err != nil {
			f.Close()
			return undo, fmt.Errorf("chown %s: %w", path, err)
		}
	}
	if err := f.Chmod(0o640); err != nil { // whatever the umask
		f.Close()
		return undo, fmt.Errorf("chmod %s: %w", path, err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return undo, fmt.Errorf("write config file %s: %w", path, err)
	}
	return undo, nil
}

// installedStarter says whether path is a config file install wrote for the service name.
func installedStarter(path, name string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && !errors.Is(err, bufio.ErrBufferFull) && line == "" {
		return false
	}
	return strings.TrimSpace(line) == starterHeader+name+"."
}

// rootArgs are the --addr and --data flags of set, as "stint config show" takes them.
func rootArgs(set serviceSettings) []string {
	var args []string
	if set.addr != "" {
		args = append(args, "--addr", set.addr)
	}
	if set.data != "" {
		args = append(args, "--data", set.data)
	}
	return args
}

// dbPasswordError refuses a --db DSN with a password when install does not write the config
// file itself: the DSN would be on the service's command line, which every local user sees
// in ps. It says what to put in which file and the install command to run instead.
func (c *cli) dbPasswordError(name string, user bool, file string, set serviceSettings, db string) error {
	if file == "" && user {
		file = filepath.Join(orDefault(userConfigDir(runtime.GOOS, c.env), "~/.config"), "stint", configFileName)
	}
	cmd := []string{"sudo", "stint", "service", "install"}
	perms := fmt.Sprintf("sudo chown root:%s %s && sudo chmod 0640 %s", name, shellQuote(file), shellQuote(file))
	if user {
		cmd = []string{"stint", "service", "install", "--user"}
		perms = "chmod 0600 " + shellQuote(file)
	}
	if user || file != serviceConfigFile(name) {
		cmd = append(cmd, "--config", shellQuote(file))
	}
	for i, a := range rootArgs(set) {
		if i%2 == 1 {
			a = shellQuote(a)
		}
		cmd = append(cmd, a)
	}
	if name != defaultServiceName {
		cmd = append(cmd, "--name", name)
	}
	return usagef("service install: the --db DSN carries a password, which the service's command line would show to every "+
		"local user (ps); put it in the config file instead: add the line %s to %s, run %s and then %s",
		tomlLine(keyDB, db), file, strings.Join(cmd, " "), perms)
}
