package main

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stinthq/stint/app"
)

// projects runs "stint projects" (list) and "stint projects add".
func (c *cli) projects(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return c.projectsAdd(ctx, args[1:])
		case "list":
			args = args[1:]
		case "rename", "archive", "unarchive", "delete":
			k, _ := catalogKinds("projects")
			return c.catalog(ctx, k, args)
		}
	}
	fs := newFlagSet("projects")
	asJSON := fs.Bool("json", false, "print JSON")
	archived := fs.Bool("archived", false, "include archived projects")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("projects: unknown subcommand %q (say list, add, rename, archive, unarchive or delete; see 'stint projects -h')", rest[0])
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		list, err := w.allProjects(ctx, *archived)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(list)
		}
		if len(list) == 0 {
			fmt.Fprintln(c.stdout, "No projects yet. Add one with: stint projects add NAME")
			return nil
		}
		width := len("NAME")
		for _, p := range list {
			width = max(width, utf8.RuneCountInString(cell(p.Name)))
		}
		fmt.Fprintf(c.stdout, "%s  COLOR    BILLABLE\n", pad("NAME", width))
		for _, p := range list {
			billable := "no"
			if p.Billable {
				billable = "yes"
			}
			if p.Archived {
				billable += "  (archived)"
			}
			fmt.Fprintf(c.stdout, "%s  %-7s  %s\n", pad(cell(p.Name), width), terminalSafe(p.Color), billable)
		}
		return nil
	})
}

func (c *cli) projectsAdd(ctx context.Context, args []string) error {
	fs := newFlagSet("projects add")
	color := fs.String("color", "", "#rrggbb")
	billable := fs.Bool("billable", false, "billable by default")
	asJSON := fs.Bool("json", false, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(strings.Join(words, " "))
	if name == "" {
		return usagef("projects add: give the project a name, e.g. stint projects add Acme")
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		p, err := w.svc.CreateProject(ctx, w.actor, app.ProjectInput{Name: name, Color: *color, Billable: *billable})
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(p)
		}
		kind := "project"
		if p.Billable {
			kind = "billable project"
		}
		fmt.Fprintf(c.stdout, "Added %s %q (%s).\n", kind, p.Name, terminalSafe(p.Color))
		return nil
	})
}
