package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/stinthq/stint/app"
)

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exit reports err as one line on stderr (a JSON object with --json) and returns the process exit code.
func (c *cli) exit(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if c.json {
		c.writeErrorJSON(err)
	} else {
		fmt.Fprintln(c.stderr, "stint: "+terminalSafe(errorText(err)))
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return 1
}

// errorText renders an error for people: field errors as "field: message", conflicts by
// their user-facing message, anything else by its wrapped text.
func errorText(err error) string {
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, len(ve.Fields))
		for i, f := range ve.Fields {
			parts[i] = f.Field + ": " + f.Message
		}
		return strings.Join(parts, "; ")
	}
	var ce *app.ConflictError
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}

// newFlagSet returns a flag set that reports instead of printing or exiting, so the caller
// decides the output and the exit code.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args allowing flags and positional arguments in any order
// ("projects add Acme --billable"); "--" ends the flags. -h prints the command's help.
func (c *cli) parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	if c.sawFlags != nil {
		c.sawFlags(fs)
	}
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			text, _ := usageText(fs.Name())
			c.printUsage(text)
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, usagef("%s: %v (see 'stint %s -h')", fs.Name(), err, fs.Name())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// noArgs fails when a command that takes none was given some.
// parseOnlyFlags parses a command that takes flags and no arguments.
func (c *cli) parseOnlyFlags(fs *flag.FlagSet, args []string) error {
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	return noArgs(fs, rest)
}

func noArgs(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("%s: unexpected argument %q (see 'stint %s -h')", fs.Name(), args[0], fs.Name())
	}
	return nil
}

// printJSON writes v indented, for scripts and people alike.
func (c *cli) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err = c.stdout.Write(append(jsonSafe(b), '\n'))
	return err
}
