package main

import (
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"

	"github.com/stinthq/stint/server"
)

// The server's settings: one list, from which the flags of "stint serve" and "stint config
// show", the environment variables, the config file's keys, their checks and the README
// table are all made, so none of them can drift from the others.

// settingKind is how a setting is written in the config file.
type settingKind int

const (
	kindString settingKind = iota // a TOML string
	kindInt                       // a TOML integer
	kindBool                      // a TOML boolean
	kindList                      // a TOML array of strings (a comma list in the environment)
)

func (k settingKind) String() string {
	switch k {
	case kindInt:
		return "an integer"
	case kindBool:
		return "true or false"
	case kindList:
		return "an array of strings"
	}
	return "a string"
}

// setting is one configurable value of the server. Values are carried as text whatever the
// source (a list is comma-joined) and checked by one function, so a value means the same in
// a flag, a variable and the file.
type setting struct {
	key  string // in the config file
	flag string // without dashes; a kindBool setting's flag may be a negation ("no-signup")
	arg  string // the flag's value as the help shows it ("HOST:PORT"); "" for a bool flag
	env  string
	kind settingKind
	def  string // the default as text ("" for none)
	// defNote describes a default that depends on the machine, for the table.
	defNote string
	live    bool   // applied to a running server when the file changes
	doc     string // what it means, for the table
	check   func(string) error
	mask    func(string) string // shows a secret's value safely; nil when it is not secret
	root    bool                // a root flag (--data, --addr, --log-level), taken before the command
}

// Setting keys, for the code that reads them.
const (
	keyAddr           = "addr"
	keyDataDir        = "data_dir"
	keyDB             = "db"
	keyMetricsAddr    = "metrics_addr"
	keyLogLevel       = "log_level"
	keyLogFormat      = "log_format"
	keyAllowedHosts   = "allowed_hosts"
	keyCORSOrigins    = "cors_origins"
	keyTrustedProxies = "trusted_proxies"
	keySignup         = "signup"
	keyAuthRate       = "auth_rate"
	keyLoginLimit     = "login_limit"
	keySignupLimit    = "signup_limit"
)

// settingsList is every setting of "stint serve", in the order they are shown.
func settingsList() []setting {
	return []setting{
		{key: keyAddr, flag: "addr", arg: "HOST:PORT", env: "STINT_ADDR", def: defaultAddr, root: true,
			doc: "address the API listens on", check: checkHostPort},
		{key: keyDataDir, flag: "data", arg: "DIR", env: "STINT_DATA", defNote: "the user's data directory", root: true,
			doc: "data directory: the SQLite database and the local API token; every command takes it", check: checkNonEmpty},
		{key: keyDB, flag: "db", arg: "DSN", env: "STINT_DB", defNote: "SQLite in the data directory", mask: maskDSN,
			doc: "database: a `postgres://` DSN instead of SQLite; `stint config show` never shows its password", check: checkDSN},
		{key: keyMetricsAddr, flag: "metrics-addr", arg: "HOST:PORT", env: "STINT_METRICS_ADDR", defNote: "off",
			doc: "address of a separate listener serving Prometheus `/metrics`", check: checkHostPort},
		{key: keyLogLevel, flag: "log-level", arg: "LEVEL", env: "STINT_LOG_LEVEL", def: "info", live: true, root: true,
			doc: "`debug`, `info`, `warn` or `error`", check: checkLevel},
		{key: keyLogFormat, flag: "log-format", arg: "FORMAT", env: "STINT_LOG_FORMAT", def: "auto",
			doc: "`json`, `text`, or `auto`: text on a terminal, JSON otherwise (service managers, pipes)", check: checkLogFormat},
		{key: keyAllowedHosts, flag: "allowed-host", arg: "HOST", env: "STINT_ALLOWED_HOSTS", kind: kindList, live: true, defNote: "none",
			doc: "Host headers accepted besides `localhost`, `127.0.0.1` and `[::1]`; a name without a port matches any port; " +
				"`*` accepts any host (behind a proxy that checks Host)", check: checkHosts},
		{key: keyCORSOrigins, flag: "cors-origin", arg: "ORIGIN", env: "STINT_CORS_ORIGINS", kind: kindList, live: true, defNote: "none",
			doc: "browser origins (`https://app.example.com`) whose pages may call the API; none sends no CORS headers; `*` is refused", check: checkOrigins},
		{key: keyTrustedProxies, flag: "trusted-proxies", arg: "LIST", env: "STINT_TRUSTED_PROXIES", kind: kindList, defNote: "none",
			doc: "reverse proxies (IP addresses or CIDR blocks such as `10.0.0.0/8`) whose `X-Forwarded-For` names the client; " +
				"see [Security](#security)", check: checkProxies},
		{key: keySignup, flag: "no-signup", env: "STINT_SIGNUP", kind: kindBool, def: "true",
			doc: "let anyone sign up with `POST /v1/auth/signup`; the flag `--no-signup` turns it off", check: checkBool},
		{key: keyAuthRate, flag: "auth-rate", arg: "N", env: "STINT_AUTH_RATE", kind: kindInt, def: strconv.Itoa(server.DefaultAuthRatePerMinute), live: true,
			doc: "sign-up and login requests per client address a minute (that many at once)", check: checkRate},
		{key: keyLoginLimit, flag: "login-limit", arg: "B/I", env: "STINT_LOGIN_LIMIT", def: formatLimit(defaultLoginLimit()), live: true,
			doc: "login attempts per account: `B` at once, then one every `I`", check: checkLimit},
		{key: keySignupLimit, flag: "signup-limit", arg: "B/I", env: "STINT_SIGNUP_LIMIT", def: formatLimit(defaultSignupLimit()), live: true,
			doc: "sign-ups per e-mail address: `B` at once, then one every `I`", check: checkLimit},
	}
}

// settingByKey finds a setting by its file key.
func settingByKey(key string) (setting, bool) {
	for _, s := range settingsList() {
		if s.key == key {
			return s, true
		}
	}
	return setting{}, false
}

// defaultValue is the setting's default as it applies on this machine.
func (s setting) defaultValue(env func(string) string) string {
	if s.key == keyDataDir {
		dir, err := userDataDir(runtime.GOOS, env)
		if err != nil {
			return ""
		}
		return dir
	}
	return s.def
}

// display is a value as it may be shown: secrets masked.
func (s setting) display(v string) string {
	if s.mask != nil {
		return s.mask(v)
	}
	return v
}

func checkNonEmpty(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

func checkHostPort(v string) error {
	if v == "" {
		return nil
	}
	i := strings.LastIndex(v, ":")
	if i < 0 {
		return fmt.Errorf("%q: want HOST:PORT such as 127.0.0.1:8736", v)
	}
	if p, err := strconv.Atoi(v[i+1:]); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q: want HOST:PORT such as 127.0.0.1:8736", v)
	}
	return nil
}

// checkDSN accepts "" (SQLite), a postgres:// or postgresql:// URL, or a key=value DSN.
func checkDSN(v string) error {
	if v == "" {
		return nil
	}
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil {
			return fmt.Errorf("not a database URL (postgres://USER:PASSWORD@HOST/DB)")
		}
		if u.Scheme != "postgres" && u.Scheme != "postgresql" {
			return fmt.Errorf("scheme %q: want postgres://", u.Scheme)
		}
		return nil
	}
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want a postgres:// URL or host=… dbname=… settings")
	}
	return nil
}

// maskDSN hides a DSN's password and any other secret parameter, in both DSN forms.
func maskDSN(v string) string {
	const hidden = "xxxxx"
	secret := func(k string) bool {
		k = strings.ToLower(k)
		return strings.Contains(k, "password") || strings.Contains(k, "secret") || strings.Contains(k, "token")
	}
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil {
			return hidden // cannot tell where the password is: hide it all
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), hidden)
		}
		q := u.Query()
		for k := range q {
			if secret(k) {
				q.Set(k, hidden)
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	fields := strings.Fields(v)
	for i, f := range fields {
		if k, _, ok := strings.Cut(f, "="); ok && secret(k) {
			fields[i] = k + "=" + hidden
		}
	}
	return strings.Join(fields, " ")
}

func checkLevel(v string) error {
	if _, err := parseLevel(v); err != nil {
		return fmt.Errorf("%q: use debug, info, warn or error", v)
	}
	return nil
}

func checkLimit(v string) error {
	_, err := parseLimit(v)
	return err
}

func checkLogFormat(v string) error {
	switch v {
	case "auto", "json", "text":
		return nil
	}
	return fmt.Errorf("%q: use json, text or auto", v)
}

func checkHosts(v string) error {
	for _, h := range splitList(v) {
		if strings.ContainsAny(h, "/ ") {
			return fmt.Errorf("%q: want a host name or HOST:PORT, not a URL", h)
		}
	}
	return nil
}

func checkOrigins(v string) error {
	for _, o := range splitList(v) {
		if _, err := server.NormalizeOrigin(o); err != nil {
			return err
		}
	}
	return nil
}

func checkProxies(v string) error {
	_, err := server.ParseTrustedProxies(splitList(v))
	return err
}

func checkBool(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return fmt.Errorf("%q: use true or false", v)
	}
	return nil
}

func checkRate(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return fmt.Errorf("%q: want a number of requests a minute, at least 1", v)
	}
	return nil
}
