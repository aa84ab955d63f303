package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// catalogItem is one row of a client, project, task or tag list, whatever its kind.
type catalogItem struct {
	ID       uuid.UUID
	Name     string
	Archived bool
	Version  int64
	Detail   string // the extra column: a task's project, a tag's colour
	Row      any    // the app value, printed with --json
}

// catalogKind is what the list|add|rename|archive|unarchive|delete commands need to know of
// one kind of catalog row.
type catalogKind struct {
	plural, singular string
	detail           string // heading of the extra column, "" for none
	// list reads every row; project narrows tasks to one project.
	list    func(ctx context.Context, w *workspace, project *uuid.UUID) ([]catalogItem, error)
	add     func(ctx context.Context, w *workspace, name string, o catalogOptions) (any, error)
	rename  func(ctx context.Context, w *workspace, it catalogItem, name string) (any, error)
	archive func(ctx context.Context, w *workspace, it catalogItem, archived bool) (any, error)
	remove  func(ctx context.Context, w *workspace, it catalogItem) error
	// deleted says what deleting does to the time tracked on a row.
	deleted string
}

// catalogOptions are the flags add takes.
type catalogOptions struct {
	project *uuid.UUID
	color   string
}

func catalogKinds(kind string) (catalogKind, bool) {
	switch kind {
	case "clients":
		return catalogKind{plural: "clients", singular: "client",
			list: func(ctx context.Context, w *workspace, _ *uuid.UUID) ([]catalogItem, error) {
				rows, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Client], error) { return w.svc.Clients(ctx, w.actor, lp, true) })
				out := make([]catalogItem, len(rows))
				for i, r := range rows {
					out[i] = catalogItem{ID: r.ID, Name: r.Name, Archived: r.Archived, Version: r.Version, Row: r}
				}
				return out, err
			},
			add: func(ctx context.Context, w *workspace, name string, _ catalogOptions) (any, error) {
				return w.svc.CreateClient(ctx, w.actor, app.ClientInput{Name: name})
			},
			rename: func(ctx context.Context, w *workspace, it catalogItem, name string) (any, error) {
				return w.svc.UpdateClient(ctx, w.actor, it.ID, app.ClientPatch{Name: &name}, it.Version)
			},
			archive: func(ctx context.Context, w *workspace, it catalogItem, archived bool) (any, error) {
				return w.svc.UpdateClient(ctx, w.actor, it.ID, app.ClientPatch{Archived: &archived}, it.Version)
			},
			remove: func(ctx context.Context, w *workspace, it catalogItem) error {
				return w.svc.DeleteClient(ctx, w.actor, it.ID, it.Version)
			},
			deleted: "its projects and their time stay",
		}, true
	case "projects":
		return catalogKind{plural: "projects", singular: "project",
			list: func(ctx context.Context, w *workspace, _ *uuid.UUID) ([]catalogItem, error) {
				rows, err := w.allProjects(ctx, true)
				out := make([]catalogItem, len(rows))
				for i, r := range rows {
					out[i] = catalogItem{ID: r.ID, Name: r.Name, Archived: r.Archived, Version: r.Version, Row: r}
				}
				return out, err
			},
			rename: func(ctx context.Context, w *workspace, it catalogItem, name string) (any, error) {
				return w.svc.UpdateProject(ctx, w.actor, it.ID, app.ProjectPatch{Name: &name}, it.Version)
			},
			archive: func(ctx context.Context, w *workspace, it catalogItem, archived bool) (any, error) {
				return w.svc.UpdateProject(ctx, w.actor, it.ID, app.ProjectPatch{Archived: &archived}, it.Version)
			},
			remove: func(ctx context.Context, w *workspace, it catalogItem) error {
				return w.svc.DeleteProject(ctx, w.actor, it.ID, it.Version)
			},
			deleted: "its entries keep their time, without a project",
		}, true
	case "tasks":
		return catalogKind{plural: "tasks", singular: "task", detail: "PROJECT",
			list: func(ctx context.Context, w *workspace, project *uuid.UUID) ([]catalogItem, error) {
				rows, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Task], error) {
					return w.svc.Tasks(ctx, w.actor, lp, project, true)
				})
				if err != nil {
					return nil, err
				}
				names, err := w.names(ctx)
				if err != nil {
					return nil, err
				}
				out := make([]catalogItem, len(rows))
				for i, r := range rows {
					out[i] = catalogItem{ID: r.ID, Name: r.Name, Archived: r.Archived, Version: r.Version, Detail: names.projects[r.ProjectID], Row: r}
				}
				return out, nil
			},
			add: func(ctx context.Context, w *workspace, name string, o catalogOptions) (any, error) {
				if o.project == nil {
					return nil, usagef("tasks add: say which project with --project NAME")
				}
				return w.svc.CreateTask(ctx, w.actor, app.TaskInput{ProjectID: *o.project, Name: name})
			},
			rename: func(ctx context.Context, w *workspace, it catalogItem, name string) (any, error) {
				return w.svc.UpdateTask(ctx, w.actor, it.ID, app.TaskPatch{Name: &name}, it.Version)
			},
			archive: func(ctx context.Context, w *workspace, it catalogItem, archived bool) (any, error) {
				return w.svc.UpdateTask(ctx, w.actor, it.ID, app.TaskPatch{Archived: &archived}, it.Version)
			},
			remove: func(ctx context.Context, w *workspace, it catalogItem) error {
				return w.svc.DeleteTask(ctx, w.actor, it.ID, it.Version)
			},
			deleted: "its entries keep their time, without a task",
		}, true
	case "tags":
		return catalogKind{plural: "tags", singular: "tag", detail: "COLOR",
			list: func(ctx context.Context, w *workspace, _ *uuid.UUID) ([]catalogItem, error) {
				rows, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Tag], error) { return w.svc.Tags(ctx, w.actor, lp, true) })
				out := make([]catalogItem, len(rows))
				for i, r := range rows {
					out[i] = catalogItem{ID: r.ID, Name: r.Name, Archived: r.Archived, Version: r.Version, Detail: r.Color, Row: r}
				}
				return out, err
			},
			add: func(ctx context.Context, w *workspace, name string, o catalogOptions) (any, error) {
				return w.svc.CreateTag(ctx, w.actor, app.TagInput{Name: name, Color: o.color})
			},
			rename: func(ctx context.Context, w *workspace, it catalogItem, name string) (any, error) {
				return w.svc.UpdateTag(ctx, w.actor, it.ID, app.TagPatch{Name: &name}, it.Version)
			},
			archive: func(ctx context.Context, w *workspace, it catalogItem, archived bool) (any, error) {
				return w.svc.UpdateTag(ctx, w.actor, it.ID, app.TagPatch{Archived: &archived}, it.Version)
			},
			remove: func(ctx context.Context, w *workspace, it catalogItem) error {
				return w.svc.DeleteTag(ctx, w.actor, it.ID, it.Version)
			},
			deleted: "its entries keep their time, without this tag",
		}, true
	}
	return catalogKind{}, false
}

// catalog runs "stint clients|tasks|tags [list|add|rename|archive|unarchive|delete]" and
// "stint projects rename|archive|unarchive|delete".
func (c *cli) catalog(ctx context.Context, k catalogKind, args []string) error {
	sub := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	name := k.plural + " " + sub
	fs := newFlagSet(name)
	asJSON := fs.Bool("json", c.json, "print JSON")
	// Each command defines only the flags it takes, so completion (which is checked
	// against these flag sets) offers no flag that would be refused.
	archived, project, color := new(bool), new(string), new(string)
	if sub == "list" {
		archived = fs.Bool("archived", false, "include archived rows")
	}
	if k.plural == "tasks" {
		project = fs.String("project", "", "project name")
	}
	if sub == "add" && k.plural == "tags" {
		color = fs.String("color", "", "#rrggbb")
	}
	var want int // positional arguments: -1 a name of any words, 2 old and new name
	switch sub {
	case "list":
		want = 0
	case "add":
		if k.add == nil {
			return usagef("%s add: see 'stint %s -h'", k.plural, k.plural)
		}
		want = -1
	case "rename":
		want = 2
	case "archive", "unarchive", "delete":
		want = -1
	default:
		return usagef("%s: unknown subcommand %q (say list, add, rename, archive, unarchive or delete)", k.plural, sub)
	}
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return inapplicableFlag(fs, k, args, err)
	}
	switch {
	case want == 0 && len(words) > 0:
		return noArgs(fs, words)
	case want == 2 && len(words) != 2:
		return usagef("%s: give the old and the new name, e.g. stint %s rename \"Old name\" \"New name\"", name, k.plural)
	case want == -1 && strings.TrimSpace(strings.Join(words, " ")) == "":
		return usagef("%s: give the %s's name, e.g. stint %s %s Acme", name, k.singular, k.plural, sub)
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		var projectID *uuid.UUID
		if *project != "" {
			p, err := w.projectByName(ctx, *project)
			if err != nil {
				return err
			}
			projectID = &p.ID
		}
		if sub == "list" {
			return c.catalogList(ctx, w, k, projectID, *archived, *asJSON)
		}
		if sub == "add" {
			row, err := k.add(ctx, w, strings.TrimSpace(strings.Join(words, " ")), catalogOptions{project: projectID, color: *color})
			if err != nil {
				return err
			}
			return c.catalogDone(row, *asJSON, "Added %s %q.\n", k.singular, catalogName(row))
		}
		target := strings.TrimSpace(strings.Join(words, " "))
		if sub == "rename" {
			target = words[0]
		}
		it, err := findCatalogItem(ctx, w, k, target, projectID)
		if err != nil {
			return err
		}
		switch sub {
		case "rename":
			row, err := k.rename(ctx, w, it, strings.TrimSpace(words[1]))
			if err != nil {
				return err
			}
			return c.catalogDone(row, *asJSON, "Renamed %s %q to %q.\n", k.singular, it.Name, catalogName(row))
		case "archive", "unarchive":
			row, err := k.archive(ctx, w, it, sub == "archive")
			if err != nil {
				return err
			}
			if sub == "archive" {
				return c.catalogDone(row, *asJSON, "Archived %s %q (undo with: stint %s unarchive %q).\n", k.singular, it.Name, k.plural, it.Name)
			}
			return c.catalogDone(row, *asJSON, "Restored %s %q.\n", k.singular, it.Name)
		default: // delete
			if err := k.remove(ctx, w, it); err != nil {
				return err
			}
			if *asJSON {
				return c.printJSON(map[string]any{"deleted": true, "id": it.ID, "name": it.Name})
			}
			fmt.Fprintf(c.stdout, "Deleted %s %q; %s.\n", k.singular, it.Name, k.deleted)
			return nil
		}
	})
}

// inapplicableFlag turns parseFlags' "flag provided but not defined" for a catalog flag
// that exists elsewhere (--project of tasks, --color of tags add, --archived of list) into
// a message that says it does not apply to this command; any other error stays.
func inapplicableFlag(fs *flag.FlagSet, k catalogKind, args []string, err error) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case !strings.HasPrefix(a, "-"), fs.Lookup(name) != nil:
		case name == "project", name == "color", name == "archived":
			return usagef("%s: --%s does not apply here (see 'stint %s -h')", fs.Name(), name, k.plural)
		}
	}
	return err
}

// catalogDone prints a changed row as JSON, or the sentence.
func (c *cli) catalogDone(row any, asJSON bool, format string, args ...any) error {
	if asJSON {
		return c.printJSON(row)
	}
	fmt.Fprintf(c.stdout, format, args...)
	return nil
}

// catalogName is the name of a row an add or update returned.
func catalogName(row any) string {
	switch r := row.(type) {
	case app.Client:
		return r.Name
	case app.Project:
		return r.Name
	case app.Task:
		return r.Name
	case app.Tag:
		return r.Name
	}
	return ""
}

// findCatalogItem finds a row by name, ignoring case, archived ones included; a task name
// used in several projects needs --project.
func findCatalogItem(ctx context.Context, w *workspace, k catalogKind, name string, project *uuid.UUID) (catalogItem, error) {
	rows, err := k.list(ctx, w, project)
	if err != nil {
		return catalogItem{}, err
	}
	var found []catalogItem
	for _, r := range rows {
		if strings.EqualFold(r.Name, name) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return catalogItem{}, notFoundf("no %s named %q (list them with: stint %s --archived)", k.singular, name, k.plural)
	case 1:
		return found[0], nil
	}
	return catalogItem{}, usagef("%d %s are named %q; say which project with --project NAME", len(found), k.plural, name)
}

// catalogList prints the rows, active ones unless archived is set.
func (c *cli) catalogList(ctx context.Context, w *workspace, k catalogKind, project *uuid.UUID, archived, asJSON bool) error {
	rows, err := k.list(ctx, w, project)
	if err != nil {
		return err
	}
	shown := rows[:0]
	for _, r := range rows {
		if archived || !r.Archived {
			shown = append(shown, r)
		}
	}
	if asJSON {
		out := make([]any, len(shown))
		for i, r := range shown {
			out[i] = r.Row
		}
		return c.printJSON(out)
	}
	if len(shown) == 0 {
		fmt.Fprintf(c.stdout, "No %s yet. Add one with: stint %s add NAME\n", k.plural, k.plural)
		return nil
	}
	width := len("NAME")
	for _, r := range shown {
		width = max(width, utf8.RuneCountInString(cell(r.Name)))
	}
	head := pad("NAME", width)
	if k.detail != "" {
		head += "  " + k.detail
	}
	fmt.Fprintln(c.stdout, strings.TrimRight(head, " "))
	for _, r := range shown {
		line := pad(cell(r.Name), width)
		if k.detail != "" {
			line += "  " + cell(r.Detail)
		}
		if r.Archived {
			line += "  (archived)"
		}
		fmt.Fprintln(c.stdout, strings.TrimRight(line, " "))
	}
	return nil
}
