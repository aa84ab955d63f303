package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// configFileName is the config file's name in the user's config directory.
const configFileName = "stint.toml"

// configProblem is one thing wrong with a config file; Line is 0 when it has no line.
type configProblem struct {
	Line    int    `json:"line,omitempty"`
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
}

func (p configProblem) String() string {
	msg := p.Message
	if p.Key != "" {
		msg = p.Key + ": " + msg
	}
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, msg)
	}
	return msg
}

// configFileError is a config file that cannot be used, with every problem found in it.
type configFileError struct {
	path     string
	problems []configProblem
}

func (e *configFileError) Error() string {
	parts := make([]string, len(e.problems))
	for i, p := range e.problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("config file %s: %s", e.path, strings.Join(parts, "; "))
}

// fileValue is a setting's value read from the config file, as text, and the line it is on.
type fileValue struct {
	text string
	line int
}

// readConfigFile reads and checks a config file: TOML syntax, known keys, each value's type
// and each value itself. It returns every problem it finds, or the values.
func readConfigFile(path string) (map[string]fileValue, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config file: %w", err)
	}
	vals, problems := parseConfig(string(b))
	if len(problems) > 0 {
		return nil, &configFileError{path: path, problems: problems}
	}
	return vals, nil
}

// parseConfig decodes a config file's text strictly: an unknown key or a value of the wrong
// type is a problem naming the key and its line, as is a value its setting refuses.
func parseConfig(text string) (map[string]fileValue, []configProblem) {
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if msg == "" {
				msg = pe.Error()
			}
			return nil, []configProblem{{Line: pe.Position.Line, Message: "syntax: " + msg}}
		}
		return nil, []configProblem{{Message: "syntax: " + err.Error()}}
	}
	lines := keyLines(text)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if lines[keys[i]] != lines[keys[j]] {
			return lines[keys[i]] < lines[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := map[string]fileValue{}
	var problems []configProblem
	for _, k := range keys {
		line := lines[k]
		s, ok := settingByKey(k)
		if !ok {
			problems = append(problems, configProblem{Line: line, Key: k, Message: unknownKeyMessage(k)})
			continue
		}
		text, err := fileText(s, raw[k])
		if err == nil {
			err = s.check(text)
		}
		if err != nil {
			problems = append(problems, configProblem{Line: line, Key: k, Message: err.Error()})
			continue
		}
		out[k] = fileValue{text: text, line: line}
	}
	return out, problems
}

// fileText turns a decoded TOML value into a setting's text, refusing the wrong type.
func fileText(s setting, v any) (string, error) {
	bad := fmt.Errorf("want %s", s.kind)
	switch s.kind {
	case kindString:
		if x, ok := v.(string); ok {
			return x, nil
		}
	case kindInt:
		if x, ok := v.(int64); ok {
			return strconv.FormatInt(x, 10), nil
		}
	case kindBool:
		if x, ok := v.(bool); ok {
			return strconv.FormatBool(x), nil
		}
	case kindList:
		xs, ok := v.([]any)
		if !ok {
			return "", bad
		}
		items := make([]string, 0, len(xs))
		for _, x := range xs {
			it, ok := x.(string)
			if !ok || strings.Contains(it, ",") || strings.TrimSpace(it) == "" {
				return "", fmt.Errorf("want an array of non-empty strings without commas")
			}
			items = append(items, strings.TrimSpace(it))
		}
		return strings.Join(items, ","), nil
	}
	return "", bad
}

// unknownKeyMessage names the key and, when there is one, the setting it was probably meant
// to be.
func unknownKeyMessage(k string) string {
	norm := strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(k))
	for _, s := range settingsList() {
		if norm == s.key || norm == strings.ReplaceAll(s.flag, "-", "_") || editDistance(norm, s.key) <= 2 {
			return fmt.Sprintf("unknown key (did you mean %s?)", s.key)
		}
	}
	return "unknown key"
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// keyLines finds the line of each top-level key of a TOML text: key = value lines and
// [table] headers (which are unknown keys here, since the file is flat). The TOML decoder
// keeps key positions to itself, so this reads the lines itself, skipping the insides of
// multi-line arrays and strings. The text has already been decoded, so it is valid TOML.
func keyLines(text string) map[string]int {
	out := map[string]int{}
	inTable := false
	depth := 0     // open brackets of a multi-line array
	inString := "" // the delimiter of an open multi-line string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if inString != "" {
			if strings.Count(line, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		if depth > 0 {
			depth += bracketDepth(line)
			continue
		}
		var key, value string
		switch {
		case strings.HasPrefix(line, "["):
			name, _, _ := strings.Cut(strings.Trim(line, "[]"), "]")
			key, _, _ = strings.Cut(strings.TrimSpace(name), ".")
			inTable = true
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			key, _, _ = strings.Cut(strings.TrimSpace(k), ".")
			value = strings.TrimSpace(v)
		}
		for _, delim := range []string{`"""`, "'''"} {
			if strings.Count(value, delim)%2 == 1 {
				inString = delim
			}
		}
		if inString == "" {
			depth = max(bracketDepth(value), 0)
		}
		if inTable && !strings.HasPrefix(line, "[") {
			continue // keys of a table belong to it
		}
		key = strings.Trim(strings.TrimSpace(key), `"'`)
		if _, seen := out[key]; !seen && key != "" {
			out[key] = i + 1
		}
	}
	return out
}

// bracketDepth is how many more brackets a line of TOML opens than it closes, outside
// strings and comments.
func bracketDepth(line string) int {
	depth := 0
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#':
			return depth
		case r == '[':
			depth++
		case r == ']':
			depth--
		}
	}
	return depth
}

// userConfigDir is os.UserConfigDir reading the given environment.
func userConfigDir(goos string, env func(string) string) string {
	switch goos {
	case "windows":
		return env("AppData")
	case "darwin", "ios":
		if h := env("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support")
		}
	default:
		if d := env("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
			return d
		}
		if h := env("HOME"); h != "" {
			return filepath.Join(h, ".config")
		}
	}
	return ""
}

// settingFlags are the flags "stint serve" and "stint config show" share: --config and one
// per setting (the root flags excepted: they are taken before the command).
type settingFlags struct {
	fs     *flag.FlagSet
	config *string
	lists  map[string]*listFlag
	values map[string]*string
	noSign *bool
}

// addSettingFlags registers the settings' flags on fs.
func addSettingFlags(fs *flag.FlagSet) *settingFlags {
	sf := &settingFlags{fs: fs, lists: map[string]*listFlag{}, values: map[string]*string{}}
	sf.config = fs.String("config", "", "config file")
	for _, s := range settingsList() {
		switch {
		case s.root:
			// --data, --addr and --log-level reach the command as the environment
			// variables they override (takeRootFlags); cli.rootFlags says they were flags.
		case s.kind == kindList:
			l := &listFlag{fromFlag: true}
			fs.Var(l, s.flag, s.doc)
			sf.lists[s.key] = l
		case s.key == keySignup:
			sf.noSign = fs.Bool(s.flag, false, s.doc)
		default:
			sf.values[s.key] = fs.String(s.flag, "", s.doc)
		}
	}
	return sf
}

// flagValue is the value a flag gave a setting, if one did.
func (sf *settingFlags) flagValue(c *cli, s setting) (string, bool) {
	if s.root {
		if c.rootFlags[s.env] {
			return c.env(s.env), true
		}
		return "", false
	}
	set := false
	sf.fs.Visit(func(f *flag.Flag) { set = set || f.Name == s.flag })
	if !set {
		return "", false
	}
	switch {
	case s.kind == kindList:
		return strings.Join(sf.lists[s.key].items, ","), true
	case s.key == keySignup:
		return strconv.FormatBool(!*sf.noSign), true
	}
	return *sf.values[s.key], true
}

// resolvedSetting is a setting's effective value and where it came from.
type resolvedSetting struct {
	setting
	value  string
	source string // "default", "file:PATH:LINE", "env VAR", "flag --name"
}

// resolvedConfig is the effective configuration of the server.
type resolvedConfig struct {
	file       string // the config file in use, "" for none
	fileSource string // how it was chosen
	settings   []resolvedSetting
}

// get returns a setting's effective value.
func (r *resolvedConfig) get(key string) string {
	for _, s := range r.settings {
		if s.key == key {
			return s.value
		}
	}
	panic("no setting " + key) // a programming error
}

// configPath says which config file to read: --config, else $STINT_CONFIG, else the user's
// config directory's stint.toml when it exists.
func (c *cli) configPath(sf *settingFlags) (path, source string, err error) {
	if *sf.config != "" {
		p, err := filepath.Abs(*sf.config)
		return p, "flag --config", err
	}
	if p := c.getenv("STINT_CONFIG", ""); p != "" {
		p, err := filepath.Abs(p)
		return p, "env STINT_CONFIG", err
	}
	if dir := userConfigDir(runtime.GOOS, c.env); dir != "" {
		p := filepath.Join(dir, "stint", configFileName)
		if _, err := os.Stat(p); err == nil {
			return p, "default", nil
		}
	}
	return "", "", nil
}

// resolveConfig works out every setting: flag, else environment, else the config file at
// path ("" for none), else the default (an installed service's own, then the built-in one). A bad flag or variable is a usage error; a bad file
// is a configFileError.
func (c *cli) resolveConfig(sf *settingFlags, path, pathSource string) (*resolvedConfig, error) {
	var file map[string]fileValue
	if path != "" {
		var err error
		if file, err = readConfigFile(path); err != nil {
			return nil, err
		}
	}
	rc := &resolvedConfig{file: path, fileSource: pathSource}
	for _, s := range settingsList() {
		r := resolvedSetting{setting: s}
		if v, ok := sf.flagValue(c, s); ok {
			if err := s.check(v); err != nil {
				return nil, usagef("--%s: %v", s.flag, err)
			}
			r.value, r.source = v, "flag --"+s.flag
		} else if v := strings.TrimSpace(c.env(s.env)); v != "" {
			if s.kind == kindList {
				v = strings.Join(splitList(v), ",")
			}
			if err := s.check(v); err != nil {
				return nil, usagef("$%s: %v", s.env, err)
			}
			r.value, r.source = v, "env "+s.env
		} else if fv, ok := file[s.key]; ok {
			r.value, r.source = fv.text, fmt.Sprintf("file:%s:%d", path, fv.line)
		} else if v, ok := c.serviceDefaults[s.key]; ok {
			r.value, r.source = v, "default (service)"
		} else {
			r.value, r.source = s.defaultValue(c.env), "default"
		}
		rc.settings = append(rc.settings, r)
	}
	return rc, nil
}

// loadConfig finds the config file and resolves the configuration.
func (c *cli) loadConfig(sf *settingFlags) (*resolvedConfig, error) {
	path, source, err := c.configPath(sf)
	if err != nil {
		return nil, err
	}
	return c.resolveConfig(sf, path, source)
}
