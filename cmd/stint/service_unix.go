//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// serviceAccountsSupported says whether install creates and runs as a dedicated system user:
// on Linux, where useradd is the common tool. Elsewhere the service runs as the service
// manager starts it.
func serviceAccountsSupported() bool { return runtime.GOOS == "linux" }

// lookupIDs returns a user's numeric uid and primary gid.
func lookupIDs(name string) (uid, gid int, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("user %s: %w", name, err)
	}
	if uid, err = strconv.Atoi(u.Uid); err != nil {
		return 0, 0, fmt.Errorf("user %s: uid %q: %w", name, u.Uid, err)
	}
	if gid, err = strconv.Atoi(u.Gid); err != nil {
		return 0, 0, fmt.Errorf("user %s: gid %q: %w", name, u.Gid, err)
	}
	return uid, gid, nil
}

// dropPrivileges makes the process run as the user name with its primary group only. It is a
// no-op when the process already runs as that user (systemd starts it so from UserName).
func dropPrivileges(name string) error {
	uid, gid, err := lookupIDs(name)
	if err != nil {
		return err
	}
	if os.Geteuid() == uid && os.Getegid() == gid {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("run as %s: started as uid %d, which cannot switch users", name, os.Geteuid())
	}
	// Go applies these to every thread of the process (Go 1.16 and later).
	if err := syscall.Setgroups([]int{gid}); err != nil {
		return fmt.Errorf("run as %s: setgroups: %w", name, err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("run as %s: setgid: %w", name, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("run as %s: setuid: %w", name, err)
	}
	return nil
}

// ensureServiceAccount creates the system user name when it is missing: no login shell,
// home the data directory (not created by useradd), marked as Stint's so only Stint's
// uninstall --purge removes it. created says whether it was made now.
func ensureServiceAccount(name, home string) (created bool, err error) {
	if _, err := user.Lookup(name); err == nil {
		return false, nil
	} else if !errors.As(err, new(user.UnknownUserError)) {
		return false, fmt.Errorf("look up user %s: %w", name, err)
	}
	out, err := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
		"--home-dir", home, "--shell", noLoginShell(), "--comment", serviceAccountComment, name).CombinedOutput()
	if err != nil {
		return false, fmt.Errorf("useradd %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return true, nil
}

// noLoginShell is the shell that refuses logins on this host.
func noLoginShell() string {
	for _, p := range []string{"/usr/sbin/nologin", "/sbin/nologin"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/bin/false"
}

// serviceAccount reports whether the user name exists and was made by install, and its home.
func serviceAccount(name string) (ours bool, home string, exists bool) {
	u, err := user.Lookup(name)
	if err != nil {
		return false, "", false
	}
	return u.Name == serviceAccountComment, u.HomeDir, true
}

// removeServiceAccount deletes the user name and its group (userdel removes a user-private
// group with it).
func removeServiceAccount(name string) error {
	out, err := exec.Command("userdel", name).CombinedOutput()
	if err != nil {
		return fmt.Errorf("userdel %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}
