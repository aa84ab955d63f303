//go:build !headless

package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// errNoAutostart: this platform has no start-on-login support in Stint yet.
var errNoAutostart = errors.New("start on login is not supported on this platform")

// autostartFile is the XDG autostart entry (Linux and the BSDs) that starts Stint on login.
func autostartFile() (string, error) {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return "", errNoAutostart
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find home directory: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", AppID+".desktop"), nil
}

func autostartEnabled() (bool, error) {
	path, err := autostartFile()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	return err == nil, nil
}

// setAutostart writes or removes the autostart entry that runs exe.
func setAutostart(on bool, exe string) error {
	path, err := autostartFile()
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find the stint executable: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(desktopEntry(exe)), 0o644)
}

// desktopEntry is the autostart .desktop file; Exec quotes the path as the spec asks.
func desktopEntry(exe string) string {
	quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`).Replace(exe) + `"`
	return "[Desktop Entry]\nType=Application\nName=Stint\nComment=Time tracker\nExec=" + quoted + " desktop\nIcon=" + AppID +
		"\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
}
