package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// errorJSON is what a command run with --json writes on stderr when it fails.
type errorJSON struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	// Code is stable for scripts: usage, invalid, not_found, conflict, version_mismatch,
	// forbidden, unauthorized, unavailable (a server that cannot be reached), unsupported
	// or error.
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Fields  []app.FieldError `json:"fields,omitempty"`
}

// errorCode names err's kind for scripts; the names never change.
func errorCode(err error) string {
	var ue *usageError
	var ve *app.ValidationError
	var unsup *unsupportedError
	switch {
	case errors.As(err, &ue):
		return "usage"
	case errors.As(err, &unsup):
		return "unsupported"
	case errors.As(err, &ve):
		return "invalid"
	case errors.Is(err, app.ErrNotFound):
		return "not_found"
	case errors.Is(err, app.ErrPrecondition):
		return "version_mismatch"
	case errors.Is(err, app.ErrConflict):
		return "conflict"
	case errors.Is(err, app.ErrForbidden):
		return "forbidden"
	case errors.Is(err, app.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, app.ErrUnavailable):
		return "unavailable"
	}
	return "error"
}

// writeErrorJSON writes err as one errorJSON object on stderr.
func (c *cli) writeErrorJSON(err error) {
	body := errorBody{Code: errorCode(err), Message: errorText(err)}
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		body.Fields = ve.Fields
	}
	b, _ := json.Marshal(errorJSON{Error: body})
	fmt.Fprintf(c.stderr, "%s\n", jsonSafe(b))
}

// wantsJSON reports whether the command line asks for JSON (--json, -json or --json=true
// anywhere before a "--"), so even errors from parsing it come out as JSON.
func wantsJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "--json", "-json", "--json=true", "-json=true", "--json=1", "-json=1":
			return true
		}
	}
	return false
}

// note tells a person something on stderr; with --json it stays quiet, so stderr holds
// nothing but an error object.
func (c *cli) note(format string, args ...any) {
	if !c.json {
		fmt.Fprintf(c.stderr, format, args...)
	}
}

// notFoundError is app.ErrNotFound with a message that says what to do.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == app.ErrNotFound }

func notFoundf(format string, args ...any) error {
	return &notFoundError{msg: fmt.Sprintf(format, args...)}
}

// entryJSON is a time entry as the CLI prints it: the stored entry plus the names of its
// project, task and tags, so scripts need no second lookup.
type entryJSON struct {
	app.TimeEntry
	ProjectName *string  `json:"project_name"`
	TaskName    *string  `json:"task_name"`
	TagNames    []string `json:"tag_names"`
}

// catalogNames maps the ids of every project, task and tag, archived ones included, to
// their names.
type catalogNames struct {
	projects, tasks, tags map[uuid.UUID]string
}

// names reads the catalog's names.
func (w *workspace) names(ctx context.Context) (catalogNames, error) {
	n := catalogNames{projects: map[uuid.UUID]string{}, tasks: map[uuid.UUID]string{}, tags: map[uuid.UUID]string{}}
	ps, err := w.allProjects(ctx, true)
	if err != nil {
		return n, err
	}
	for _, p := range ps {
		n.projects[p.ID] = p.Name
	}
	ts, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Task], error) { return w.svc.Tasks(ctx, w.actor, lp, nil, true) })
	if err != nil {
		return n, err
	}
	for _, t := range ts {
		n.tasks[t.ID] = t.Name
	}
	gs, err := app.AllPages(func(lp app.ListParams) (app.Page[app.Tag], error) { return w.svc.Tags(ctx, w.actor, lp, true) })
	if err != nil {
		return n, err
	}
	for _, g := range gs {
		n.tags[g.ID] = g.Name
	}
	return n, nil
}

// entry adds names to e; an id whose row is gone reads "(deleted)".
func (n catalogNames) entry(e app.TimeEntry) entryJSON {
	name := func(m map[uuid.UUID]string, id *uuid.UUID) *string {
		if id == nil {
			return nil
		}
		s, ok := m[*id]
		if !ok {
			s = "(deleted)"
		}
		return &s
	}
	out := entryJSON{TimeEntry: e, ProjectName: name(n.projects, e.ProjectID), TaskName: name(n.tasks, e.TaskID), TagNames: []string{}}
	for _, id := range e.TagIDs {
		out.TagNames = append(out.TagNames, *name(n.tags, &id))
	}
	return out
}

// entriesJSON adds names to every entry of list.
func (n catalogNames) entries(list []app.TimeEntry) []entryJSON {
	out := make([]entryJSON, len(list))
	for i, e := range list {
		out[i] = n.entry(e)
	}
	return out
}

// printEntryJSON prints one entry with its names.
func (c *cli) printEntryJSON(ctx context.Context, w *workspace, e app.TimeEntry) error {
	n, err := w.names(ctx)
	if err != nil {
		return err
	}
	return c.printJSON(n.entry(e))
}

// maxNameWidth is how many characters of a name a text table shows.
const maxNameWidth = 32

// maxLineWidth is the widest line of a text table: the last, free-text column (a
// description, the applications) is cut to what is left of it, so rows stay one line on a
// terminal of 100 columns whatever the names hold.
const maxLineWidth = 100

// fitColumns cuts the cells of rows so the table, its columns two spaces apart, is at
// most maxLineWidth wide: while it is wider, the widest column that may shrink (shrink[i])
// loses a character, down to 8. Cut cells end in "…".
func fitColumns(rows [][]string, shrink []bool) [][]string {
	widths := make([]int, len(shrink))
	for _, r := range rows {
		for i, s := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	total := func() int {
		n := 2 * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for total() > maxLineWidth {
		widest := -1
		for i, w := range widths {
			if shrink[i] && w > 8 && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		widths[widest]--
	}
	out := make([][]string, len(rows))
	for j, r := range rows {
		out[j] = make([]string, len(r))
		for i, s := range r {
			out[j][i] = truncate(s, widths[i])
		}
	}
	return out
}

// cell is a name as a text table or sentence shows it: on one line, with no escape
// sequence of its own (terminalLine), cut to maxNameWidth. Every name the CLI prints in
// text goes through it.
func cell(s string) string {
	return truncate(terminalLine(s), maxNameWidth)
}

// truncate shortens s to at most n characters, ending in "…" when it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}
