package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"text/tabwriter"
)

// config runs "stint config show|check".
func (c *cli) config(args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			c.printUsage(usageConfig)
			return nil
		}
		return usagef("config: say show or check (see 'stint config -h')")
	}
	switch args[0] {
	case "show":
		return c.configShow(args[1:])
	case "check":
		return c.configCheck(args[1:])
	}
	return usagef("config: unknown subcommand %q; say show or check", args[0])
}

// shownSetting is one line of "stint config show --json".
type shownSetting struct {
	Key    string `json:"key"`
	Value  any    `json:"value"` // a string, a number, a boolean or a list of strings
	Source string `json:"source"`
	Live   bool   `json:"live"`
}

// configShow prints the configuration "stint serve" would run with given the same flags and
// environment, and where each value comes from; secrets are masked.
func (c *cli) configShow(args []string) error {
	fset := newFlagSet("config show")
	sf := addSettingFlags(fset)
	asJSON := fset.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fset, args); err != nil {
		return err
	}
	rc, err := c.loadConfig(sf)
	if err != nil {
		return err
	}
	shown := make([]shownSetting, len(rc.settings))
	for i, s := range rc.settings {
		shown[i] = shownSetting{Key: s.key, Value: s.display(s.value), Source: s.source, Live: s.live}
	}
	if *asJSON || c.json {
		for i, s := range rc.settings {
			shown[i].Value = jsonValue(s.setting, s.display(s.value))
		}
		return c.printJSON(struct {
			File       string         `json:"file"`
			FileSource string         `json:"file_source,omitempty"`
			Settings   []shownSetting `json:"settings"`
		}{rc.file, rc.fileSource, shown})
	}
	if rc.file == "" {
		fmt.Fprintln(c.stdout, "Config file: none")
	} else {
		fmt.Fprintf(c.stdout, "Config file: %s (%s)\n", rc.file, rc.fileSource)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tCHANGES")
	for i, s := range shown {
		v := s.Value.(string)
		if v == "" {
			v = "(" + rc.settings[i].defNote + ")"
			if rc.settings[i].defNote == "" {
				v = `""`
			}
		}
		when := "restart"
		if s.Live {
			when = "live"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Key, terminalSafe(v), terminalSafe(s.Source), when)
	}
	return tw.Flush()
}

// jsonValue is a setting's text as its JSON type.
func jsonValue(s setting, v string) any {
	switch s.kind {
	case kindList:
		items := splitList(v)
		if items == nil {
			items = []string{}
		}
		return items
	case kindBool:
		return v == "true"
	case kindInt:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return v
}

// configCheck validates a config file: syntax, unknown keys and values, each problem with
// its line. It exits 0 when the file is good and 1 when it is not.
func (c *cli) configCheck(args []string) error {
	fset := newFlagSet("config check")
	asJSON := fset.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("config check: name one file: stint config check FILE")
	}
	path := rest[0]
	var problems []configProblem
	if _, err := readConfigFile(path); err != nil {
		var fe *configFileError
		switch {
		case errors.As(err, &fe):
			problems = fe.problems
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("config check: %s: no such file", path)
		default:
			return fmt.Errorf("config check: %w", err)
		}
	}
	if *asJSON || c.json {
		if problems == nil {
			problems = []configProblem{}
		}
		if err := c.printJSON(struct {
			File     string          `json:"file"`
			OK       bool            `json:"ok"`
			Problems []configProblem `json:"problems"`
		}{path, len(problems) == 0, problems}); err != nil {
			return err
		}
	} else {
		if len(problems) == 0 {
			fmt.Fprintf(c.stdout, "%s: OK\n", terminalSafe(path))
			return nil
		}
		for _, p := range problems {
			loc := path
			if p.Line > 0 {
				loc = fmt.Sprintf("%s:%d", path, p.Line)
			}
			msg := p.Message
			if p.Key != "" {
				msg = p.Key + ": " + msg
			}
			fmt.Fprintf(c.stdout, "%s: %s\n", terminalSafe(loc), terminalSafe(msg))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("config check: %s has %d problem%s", path, len(problems), map[bool]string{true: "s"}[len(problems) > 1])
}
