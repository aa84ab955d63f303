package main

import (
	"strconv"
	"strings"
)

// rootFlagEnv names the environment variable a root flag stands in for ("data" is
// STINT_DATA), or "" when name is not a root flag.
func rootFlagEnv(name string) string {
	switch name {
	case "data":
		return "STINT_DATA"
	case "addr":
		return "STINT_ADDR"
	case "log-level":
		return "STINT_LOG_LEVEL"
	}
	return ""
}

// takeRootFlags removes --data, --addr, --log-level and --json from args, wherever they
// stand before a "--". Each of the first three overrides its environment variable for the
// rest of the invocation: every command already falls back to those variables, so
// "stint --data DIR timer status" and "stint timer status --data DIR" mean the same.
// --json sets c.json, which every command's own --json flag takes as its default, so
// "stint --json projects" is "stint projects --json".
func (c *cli) takeRootFlags(args []string) ([]string, error) {
	set := map[string]string{}
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if name == "json" && strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "---") {
			on := true
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return nil, usagef("--json takes no value, or true or false (not %q)", value)
				}
				on = b
			}
			c.json = on
			continue
		}
		key := rootFlagEnv(name)
		if !strings.HasPrefix(arg, "-") || key == "" {
			rest = append(rest, arg)
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return nil, usagef("--%s needs a value, e.g. --%s %s", name, name, rootFlagExample(name))
			}
			i++
			value = args[i]
		}
		if strings.TrimSpace(value) == "" {
			return nil, usagef("--%s needs a value, e.g. --%s %s", name, name, rootFlagExample(name))
		}
		set[key] = value
		if c.rootFlags == nil {
			c.rootFlags = map[string]bool{}
		}
		c.rootFlags[key] = true
	}
	if len(set) > 0 {
		env := c.env
		c.env = func(k string) string {
			if v, ok := set[k]; ok {
				return v
			}
			return env(k)
		}
	}
	return rest, nil
}

func rootFlagExample(name string) string {
	switch name {
	case "data":
		return "~/stint-data"
	case "addr":
		return defaultAddr
	}
	return "debug"
}
