package main

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

const usageRate = `Usage: stint rate set AMOUNT CURRENCY [--member NAME|EMAIL] [--client NAME] [--project NAME] [--from DAY] [--json]
       stint rate list [--member NAME|EMAIL] [--json]

Hourly rates price billable time in reports. A rate is set for the organization (no flag),
a member (--member), a client (--client), a project (--project) or a member on a project
(--member and --project); the most specific rate in effect when an entry started prices it.
AMOUNT is per hour in the currency's units (120.50); every rate of an organization is in one
currency. A rate applies from now on, so time already tracked keeps its amount; --from DAY
starts it at a day's midnight, also a past one, repricing the time since.

` + dayHelp + `

Examples:
  stint rate set 90 EUR
  stint rate set 120 EUR --project "Client work" --from 2026-12-01
  stint rate list
`

// rate runs "stint rate set|list".
func (c *cli) rate(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("rate: say set or list (see 'stint rate -h')")
	}
	switch args[0] {
	case "set":
		return c.rateSet(ctx, args[1:])
	case "list":
		return c.rateList(ctx, args[1:])
	case "-h", "-help", "--help":
		c.printUsage(usageRate)
		return nil
	}
	return usagef("rate: unknown subcommand %q (say set or list; see 'stint rate -h')", args[0])
}

func (c *cli) rateSet(ctx context.Context, args []string) error {
	fs := newFlagSet("rate set")
	member := fs.String("member", "", "member name or e-mail")
	client := fs.String("client", "", "client name")
	project := fs.String("project", "", "project name")
	from := fs.String("from", "", "first day it applies (default: now)")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 2 {
		return usagef("rate set: unexpected argument %q after the amount and the currency; name what the rate is for with --member, --client or --project (see 'stint rate -h')", rest[2])
	}
	if len(rest) != 2 {
		return usagef("rate set: give an amount and a currency, e.g. stint rate set 120.50 EUR")
	}
	currency := strings.ToUpper(rest[1])
	minor, err := app.ParseMoney(rest[0], currency)
	if err != nil {
		return usagef("rate set: %v", err)
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		in := app.RateInput{HourlyMinor: minor, Currency: currency}
		if *from != "" {
			day, err := parseDay(*from, w.svc.Now(), w.loc)
			if err != nil {
				return usagef("rate set: --from: %v", err)
			}
			in.EffectiveFrom = day.Format(app.DateLayout)
		}
		if *member != "" {
			id, err := w.memberByName(ctx, *member)
			if err != nil {
				return err
			}
			in.UserID = &id
		}
		if *client != "" {
			k, _ := catalogKinds("clients")
			cl, err := findCatalogItem(ctx, w, k, *client, nil)
			if err != nil {
				return err
			}
			in.ClientID = &cl.ID
		}
		if *project != "" {
			p, err := w.projectByName(ctx, *project)
			if err != nil {
				return err
			}
			in.ProjectID = &p.ID
		}
		r, err := w.svc.SetRate(ctx, w.actor, in)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(r)
		}
		fmt.Fprintf(c.stdout, "Rate %s an hour for %s from %s.\n", r.Hourly, w.rateSubject(ctx, r), r.EffectiveFrom.In(w.loc).Format("2006-01-02 15:04"))
		return nil
	})
}

func (c *cli) rateList(ctx context.Context, args []string) error {
	fs := newFlagSet("rate list")
	member := fs.String("member", "", "only this member's rates (name or e-mail)")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("rate list: unexpected %q", rest[0])
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		var f app.RateFilter
		if *member != "" {
			id, err := w.memberByName(ctx, *member)
			if err != nil {
				return err
			}
			f.UserID = &id
		}
		rs, err := w.svc.ListRates(ctx, w.actor, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if rs == nil {
				rs = []app.Rate{}
			}
			return c.printJSON(rs)
		}
		if len(rs) == 0 {
			fmt.Fprintln(c.stdout, "No rates yet. Set one with: stint rate set 90 EUR")
			return nil
		}
		subjects := make([]string, len(rs))
		width := len("FOR")
		for i, r := range rs {
			subjects[i] = cell(w.rateSubject(ctx, r))
			width = max(width, utf8.RuneCountInString(subjects[i]))
		}
		fmt.Fprintf(c.stdout, "%-14s  %s  %16s  FROM\n", "LEVEL", pad("FOR", width), "HOURLY")
		for i, r := range rs {
			fmt.Fprintf(c.stdout, "%-14s  %s  %16s  %s\n", r.Level, pad(subjects[i], width), r.Hourly, r.EffectiveFrom.In(w.loc).Format("2006-01-02 15:04"))
		}
		return nil
	})
}

// memberByName finds a member by name or e-mail, case-insensitively; when none has it,
// the error names the members there are (the first few), since no command lists them.
func (w *workspace) memberByName(ctx context.Context, name string) (uuid.UUID, error) {
	members, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Member], error) { return w.svc.Members(ctx, w.actor, lp) })
	if err != nil {
		return uuid.Nil, err
	}
	var known []string
	for _, m := range members {
		if strings.EqualFold(m.Name, name) || strings.EqualFold(m.Email, name) {
			return m.UserID, nil
		}
		if len(known) < 5 {
			known = append(known, fmt.Sprintf("%q", terminalLine(m.Name)))
		}
	}
	more := ""
	if len(members) > len(known) {
		more = fmt.Sprintf(" and %d more", len(members)-len(known))
	}
	return uuid.Nil, notFoundf("no member with the name or e-mail %q; the members are %s%s", name, strings.Join(known, ", "), more)
}

// rateSubject names what a rate is set for: "the organization", a member, a client, a
// project, or a member on a project.
func (w *workspace) rateSubject(ctx context.Context, r app.Rate) string {
	name := func(kind string, id *uuid.UUID) string {
		switch kind {
		case "members":
			if m, err := w.svc.Member(ctx, w.actor, *id); err == nil {
				return m.Name
			}
		case "clients":
			if cl, err := w.svc.Client(ctx, w.actor, *id); err == nil {
				return cl.Name
			}
		case "projects":
			if p, err := w.svc.Project(ctx, w.actor, *id); err == nil {
				return p.Name
			}
		}
		return id.String()
	}
	switch r.Level {
	case app.RateMember:
		return name("members", r.UserID)
	case app.RateClient:
		return name("clients", r.ClientID)
	case app.RateProject:
		return name("projects", r.ProjectID)
	case app.RateMemberProject:
		return name("members", r.UserID) + " on " + name("projects", r.ProjectID)
	}
	return "the organization"
}
