package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Config watching.
const (
	// configDebounce lets an editor finish saving (write a temporary file, rename it over
	// the old one) before the file is read again.
	configDebounce = 100 * time.Millisecond
	// configDirPoll is how often a watch on a directory that went away is tried again, and
	// how often the watched directory is checked for having been replaced.
	configDirPoll = 250 * time.Millisecond
)

// watchConfig calls reload, debounced, whenever the config file at path may have changed,
// until ctx ends. It watches the file's directory, not the file, so an editor that saves by
// renaming a new file over the old one is seen too; when the directory itself is removed or
// replaced, the watch is set again once it is back.
func watchConfig(ctx context.Context, path string, log *slog.Logger, reload func()) {
	path, err := filepath.Abs(path)
	if err != nil {
		log.Error("config file not watched", "path", path, "err", err.Error())
		return
	}
	dir := filepath.Dir(path)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		log.Error("config file not watched", "path", path, "err", err.Error())
		return
	}
	defer w.Close()

	var watched os.FileInfo // the directory being watched; nil while it is not
	add := func() bool {
		fi, err := os.Stat(dir)
		if err != nil || w.Add(dir) != nil {
			return false
		}
		watched = fi
		return true
	}
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	if add() {
		// The file was read before the watch began: read it once more, so a change made in
		// between is not missed (a reload that finds nothing changed does nothing).
		debounce.Reset(configDebounce)
	} else {
		log.Warn("config directory not found; watching for it", "dir", dir)
	}
	poll := time.NewTicker(configDirPoll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			switch filepath.Clean(ev.Name) {
			case dir:
				if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
					_ = w.Remove(dir)
					watched = nil
				}
			case path:
				debounce.Reset(configDebounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			log.Warn("watching the config file", "path", path, "err", err.Error())
		case <-poll.C:
			if watched != nil {
				// The directory may have been removed and made again between two events.
				if fi, err := os.Stat(dir); err == nil && os.SameFile(fi, watched) {
					continue
				}
				_ = w.Remove(dir)
				watched = nil
			}
			if add() {
				log.Info("config directory is back; watching it again", "dir", dir)
				debounce.Reset(configDebounce)
			}
		case <-debounce.C:
			reload()
		}
	}
}

// configReloader applies a changed config file to a running server.
type configReloader struct {
	c       *cli
	sf      *settingFlags
	running *resolvedConfig // the configuration in force
	log     *slog.Logger
	apply   func(serveConfig) error // sets what can change live
}

// reload reads the config file again. An invalid file is refused with one log line and
// changes nothing; of a valid one, the settings that can change live are applied and the
// others are named as needing a restart. Flags and variables still override the file.
func (r *configReloader) reload() {
	next, err := r.c.resolveConfig(r.sf, r.running.file, r.running.fileSource)
	var sc serveConfig
	if err == nil {
		sc, err = next.serveConfig()
	}
	if err != nil {
		r.log.Error("config file rejected; the previous configuration stays in force", "path", r.running.file, "err", err.Error())
		return
	}
	var live, restart []string
	for i, s := range next.settings {
		if r.running.settings[i].value == s.value {
			continue
		}
		if s.live {
			live = append(live, s.key)
		} else {
			restart = append(restart, s.key)
		}
	}
	if len(live) > 0 {
		if err := r.apply(sc); err != nil {
			r.log.Error("config file rejected; the previous configuration stays in force", "path", r.running.file, "err", err.Error())
			return
		}
		for i, s := range next.settings {
			if s.live {
				r.running.settings[i] = s
			}
		}
		r.log.Info("config reloaded", "path", r.running.file, "changed", strings.Join(live, ","))
	}
	if len(restart) > 0 {
		verb := " needs a restart"
		if len(restart) > 1 {
			verb = " need a restart"
		}
		r.log.Warn("changed "+strings.Join(restart, ", ")+verb, "path", r.running.file)
	}
}
