package main

import (
	"context"
	"flag"
	"strings"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// refFlags are the flags that say what an entry is on: --project, --task, --tag (repeatable)
// and --billable, shared by timer start, entries add and entries edit.
type refFlags struct {
	fs       *flag.FlagSet
	project  *string
	task     *string
	tags     *listFlag
	billable *bool
}

func addRefFlags(fs *flag.FlagSet) *refFlags {
	r := &refFlags{fs: fs, tags: &listFlag{}}
	r.project = fs.String("project", "", "project name")
	r.task = fs.String("task", "", "task name")
	fs.Var(r.tags, "tag", "tag name; repeatable")
	r.billable = fs.Bool("billable", false, "billable")
	return r
}

// set reports whether the flag name was given.
func (r *refFlags) set(name string) bool {
	found := false
	r.fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// refs is what the flags name, resolved to ids; nil fields were not given.
type refs struct {
	projectID, taskID *uuid.UUID
	clearProject      bool // --project "" on edit
	tagIDs            *[]uuid.UUID
	billable          *bool
}

// resolve looks the names up. A task without --project brings its own project; a task name
// that several projects use asks for --project.
func (r *refFlags) resolve(ctx context.Context, w *workspace) (refs, error) {
	var out refs
	if r.set("project") {
		if strings.TrimSpace(*r.project) == "" {
			out.clearProject = true
		} else {
			p, err := w.projectByName(ctx, *r.project)
			if err != nil {
				return out, err
			}
			out.projectID = &p.ID
		}
	}
	if *r.task != "" {
		k, _ := catalogKinds("tasks")
		t, err := findCatalogItem(ctx, w, k, *r.task, out.projectID)
		if err != nil {
			return out, err
		}
		task := t.Row.(app.Task)
		out.taskID = &task.ID
		if out.projectID == nil {
			out.projectID = &task.ProjectID
		}
	}
	if r.set("tag") {
		k, _ := catalogKinds("tags")
		ids := []uuid.UUID{}
		for _, name := range r.tags.items {
			t, err := findCatalogItem(ctx, w, k, name, nil)
			if err != nil {
				return out, notFoundf("no tag named %q; create it with: stint tags add %q", name, name)
			}
			ids = append(ids, t.ID)
		}
		out.tagIDs = &ids
	}
	if r.set("billable") {
		b := *r.billable
		out.billable = &b
	}
	return out, nil
}

// parseID reads an entry id as printed by --json.
func parseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return id, usagef("%q is not an entry id; say 'last' or an id from: stint entries --json", s)
	}
	return id, nil
}
