//go:build !headless

package ui

import (
	"context"
	"net"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// sessionBusAvailable reports whether a D-Bus session bus answers at addr (the value of
// DBUS_SESSION_BUS_ADDRESS). Fyne's Linux tray needs one; without it the tray cannot work
// and panics on quit, so the app runs without a tray instead.
func sessionBusAvailable(addr string) bool {
	for _, a := range strings.Split(addr, ";") {
		transport, params, ok := strings.Cut(a, ":")
		if !ok {
			continue
		}
		kv := map[string]string{}
		for _, p := range strings.Split(params, ",") {
			if k, v, ok := strings.Cut(p, "="); ok {
				kv[k] = v
			}
		}
		var network, target string
		switch {
		case transport == "unix" && kv["path"] != "":
			network, target = "unix", kv["path"]
		case transport == "unix" && kv["abstract"] != "":
			network, target = "unix", "@"+kv["abstract"]
		case transport == "tcp" && kv["host"] != "" && kv["port"] != "":
			network, target = "tcp", net.JoinHostPort(kv["host"], kv["port"])
		default:
			continue
		}
		c, err := net.DialTimeout(network, target, 300*time.Millisecond)
		if err == nil {
			c.Close()
			return true
		}
	}
	return false
}

// trayHostPresent reports whether the session bus at addr accepts a connection (bus: the
// tray can be set up; Fyne's tray panics on quit when its own connection failed) and whether
// something on it shows tray icons (host: a StatusNotifierWatcher, as KDE, most panels and
// GNOME with the AppIndicator extension have). Without a host the tray menu is invisible, so
// closing the window must quit rather than hide it.
func trayHostPresent(addr string) (bus, host bool) {
	if !sessionBusAvailable(addr) {
		return false, false
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		return false, false
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return true, err == nil && has
}
