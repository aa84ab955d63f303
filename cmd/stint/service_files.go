package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kardianos/service"
)

// The files and the account a service installation owns besides what kardianos writes: the
// data and log directories, the service user, and on System V the rc links and the pid file
// that kardianos' Uninstall leaves behind.

// prepareServiceFiles creates the service user (when runAs is set and it is missing), the
// data directory (0700) and the log directory (0750), both owned by that user. undo removes
// what this call created, for an install that fails later; it is never nil.
func prepareServiceFiles(runAs, data, logDir string) (undo func(), err error) {
	var undos []func()
	undo = func() {
		for i := len(undos) - 1; i >= 0; i-- {
			undos[i]()
		}
	}
	uid, gid := -1, -1
	if runAs != "" {
		created, err := ensureServiceAccount(runAs, data)
		if err != nil {
			return undo, err
		}
		if created {
			undos = append(undos, func() { _ = removeServiceAccount(runAs) })
		}
		if uid, gid, err = lookupIDs(runAs); err != nil {
			return undo, err
		}
	}
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{data, 0o700}, {logDir, 0o750}} {
		if _, err := os.Stat(d.path); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(d.path, d.mode); err != nil {
				return undo, fmt.Errorf("create %s: %w", d.path, err)
			}
			path := d.path
			undos = append(undos, func() { _ = os.RemoveAll(path) })
		} else if err != nil {
			return undo, fmt.Errorf("%s: %w", d.path, err)
		}
		if err := os.Chmod(d.path, d.mode); err != nil {
			return undo, fmt.Errorf("chmod %s: %w", d.path, err)
		}
		if uid >= 0 {
			if err := chownTree(d.path, uid, gid); err != nil {
				return undo, err
			}
		}
	}
	return undo, nil
}

// chownTree gives dir and everything in it to uid:gid, so a data directory used before by
// root stays usable by the service user.
func chownTree(dir string, uid, gid int) error {
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(path, uid, gid); err != nil {
			return fmt.Errorf("chown %s: %w", path, err)
		}
		return nil
	})
}

// serviceLeftovers lists the paths of the installation name that outlive kardianos'
// Uninstall: on System V the rc links pointing at its init script and the pid file, and the
// system service's log directory. Only paths that exist are listed.
func serviceLeftovers(name string) []string {
	var paths []string
	if service.Platform() == platformSystemV {
		links, _ := filepath.Glob("/etc/rc?.d/[SK][0-9][0-9]" + name)
		for _, l := range links {
			if target, err := os.Readlink(l); err == nil && target == sysvInitScript(name) {
				paths = append(paths, l)
			}
		}
		paths = append(paths, sysvPidFile(name))
	}
	paths = append(paths, serviceLogDir(name))
	var out []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// removeServiceFiles removes the leftovers of the installation name and, with purge, its
// data directory, the config file install wrote (not one an administrator wrote) and the
// service user install made. dataHint is the data directory the
// caller named (--data), used when there is no service user to say where the data is.
func removeServiceFiles(name string, purge bool, dataHint string) ([]string, error) {
	paths := serviceLeftovers(name)
	ours, home, exists := serviceAccount(name)
	if purge {
		data, err := purgeDataDir(name, ours, home, dataHint)
		if err != nil {
			return nil, err
		}
		if data != "" {
			paths = append(paths, data)
		}
		if cfg := serviceConfigFile(name); installedStarter(cfg, name) {
			paths = append(paths, cfg)
		}
	}
	var removed []string
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return removed, fmt.Errorf("remove %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	if purge {
		_ = os.Remove(filepath.Dir(serviceConfigFile(name))) // only when empty
	}
	if purge && exists && ours {
		if err := removeServiceAccount(name); err != nil {
			return removed, err
		}
		removed = append(removed, "user "+name)
	}
	return removed, nil
}

// purgeDataDir is the data directory --purge removes: the home of the service user install
// made (install sets it to the data directory), else --data, else /var/lib/NAME; "" when it
// is already gone. It refuses a directory that holds something but no Stint database.
func purgeDataDir(name string, ours bool, home, hint string) (string, error) {
	dir := serviceDataDir(name)
	switch {
	case ours && home != "":
		dir = home
	case hint != "":
		dir = hint
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, dbFileName)); err != nil && len(entries) > 0 {
		return "", fmt.Errorf("--purge: %s holds no %s, so it is not removed; remove it yourself if it is the service's", dir, dbFileName)
	}
	return dir, nil
}
