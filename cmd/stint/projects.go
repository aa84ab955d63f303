package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

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
	asJSON := fs.Bool("json", c.json, "print JSON")
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
		// Budgets show to those who may read them (managers and above); a member's list
		// has no BUDGET column.
		budgets, err := w.svc.Budgets(ctx, w.actor)
		showBudget := err == nil
		if err != nil && !errors.Is(err, app.ErrForbidden) {
			return err
		}
		byProject := map[uuid.UUID]app.BudgetProgress{}
		for _, b := range budgets {
			byProject[b.ProjectID] = b
		}
		header := pad("NAME", width) + "  COLOR    BILLABLE"
		if showBudget {
			header += "  BUDGET"
		}
		fmt.Fprintln(c.stdout, header)
		for _, p := range list {
			billable := "no "
			if p.Billable {
				billable = "yes"
			}
			line := fmt.Sprintf("%s  %-7s  %s", pad(cell(p.Name), width), terminalSafe(p.Color), billable)
			if b, ok := byProject[p.ID]; ok && showBudget {
				line += "       " + budgetCell(b)
			}
			if p.Archived {
				line += "  (archived)"
			}
			fmt.Fprintln(c.stdout, strings.TrimRight(line, " "))
		}
		return nil
	})
}

// budgetCell is a budget's progress as the project list shows it: "12.5 / 40 h (31%)" or
// "900.00 / 1800.00 EUR (50%)".
func budgetCell(b app.BudgetProgress) string {
	if b.Kind == app.BudgetMoney {
		limit := app.Money{Minor: b.Limit, Currency: b.Currency}.String()
		spent := app.Money{Minor: b.SpentAmount.Minor, Currency: b.Currency}.String()
		return fmt.Sprintf("%s / %s (%d%%)", strings.TrimSuffix(spent, " "+b.Currency), limit, b.UsedPercent)
	}
	hours := func(secs int64) string { return strconv.FormatFloat(float64(secs)/3600, 'f', -1, 64) }
	return fmt.Sprintf("%s / %s h (%d%%)", hours(b.SpentSeconds/360*360), hours(b.Limit), b.UsedPercent)
}

func (c *cli) projectsAdd(ctx context.Context, args []string) error {
	fs := newFlagSet("projects add")
	color := fs.String("color", "", "#rrggbb")
	billable := fs.Bool("billable", false, "billable by default")
	asJSON := fs.Bool("json", c.json, "print JSON")
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
