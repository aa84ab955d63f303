package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/importer"
)

const usageImport = `Usage: stint import FILE [flags]

Brings time entries over from another tracker's export: Toggl Track's detailed CSV,
Clockify's detailed CSV, Kimai's CSV export, solidtime's export (the ZIP), Timewarrior's
JSON (timew export > FILE) or Stint's own detailed CSV (stint report --detailed --format
csv). The format is told from the file; --format names it when that fails.

People are found by e-mail: rows of people the workspace does not have yet become members
(made from the file's name and e-mail; owners and admins only), unless --user sends every
row to one member. Rows without an e-mail go to the member of the same name, else to you.
Clients, projects, tasks and tags are found by name (any case) and created when missing.
Files that name no time zone (Toggl, Clockify, Kimai) need --timezone: the zone their times
were recorded in. Running timers are not imported.

Nothing is written while the file has problems: each is listed with its line. A dry run
shows what an import would do: the counts, what it creates, the problems. Entries are
written in transactions of 5,000; importing the same file again creates nothing, so an
import that stopped half-way is finished by running it again.

Flags:
  --dry-run            show the plan, write nothing
  --format FORMAT      toggl, clockify, kimai, solidtime, timewarrior or stint
  --timezone ZONE      the zone the file's times were recorded in, such as Europe/Berlin;
                       also the zone the entries keep (default: each member's)
  --user EMAIL         every row is this member's time (members may name only themselves)
  --skip-invalid       import the rows without problems and list the others
  --json               print the plan as JSON

Examples:
  stint import toggl_time_entries.csv --timezone Europe/Berlin --dry-run
  stint import clockify.csv --timezone America/New_York --user me@example.com
  timew export > tw.json && stint import tw.json
`

// importProgressMin is how many entries a file needs before a terminal gets a progress bar.
const importProgressMin = 2 * app.ImportBatchSize

// importFile runs "stint import".
func (c *cli) importFile(ctx context.Context, args []string) error {
	fs := newFlagSet("import")
	dryRun := fs.Bool("dry-run", false, "write nothing")
	format := fs.String("format", "", "file format")
	tz := fs.String("timezone", "", "source time zone")
	user := fs.String("user", "", "member e-mail")
	skip := fs.Bool("skip-invalid", false, "import the valid rows")
	asJSON := fs.Bool("json", c.json, "print JSON")
	rest, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("import: name one file to import (see 'stint import -h')")
	}
	path := rest[0]
	var f importer.Format
	if *format != "" {
		if f, err = importer.ParseFormat(*format); err != nil {
			return usagef("import: %v", err)
		}
	}
	jsonOut := *asJSON || c.json
	file, err := readImport(path, f)
	if err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		req := app.ImportRequest{Format: string(file.Format), Rows: file.Rows, Problems: file.Problems, Timezone: *tz,
			UserEmail: *user, DryRun: *dryRun, SkipProblems: *skip}
		if !jsonOut && isTerminal(c.stderr) && len(file.Rows) >= importProgressMin {
			bar := progressBar(c.stderr)
			req.Progress = bar
			defer bar(-1, 0)
		}
		plan, err := w.svc.Import(ctx, w.actor, req)
		if errors.Is(err, app.ErrImportZone) {
			return usagef("import: %s names no time zone for its times; add --timezone ZONE, the zone they were recorded in (such as %s)", path, w.tz)
		}
		if err != nil && !errors.Is(err, app.ErrImportProblems) {
			if plan.Entries > 0 {
				return fmt.Errorf("import stopped after %d new entries (run it again to add the rest): %w", plan.Entries, err)
			}
			return err
		}
		if jsonOut {
			if perr := c.printJSON(plan); perr != nil {
				return perr
			}
		} else {
			printImportPlan(c.stdout, path, plan)
		}
		if err != nil {
			return fmt.Errorf("nothing imported: %d problem(s) in %s%s; fix them, or add --skip-invalid to import the other rows",
				len(plan.Problems), path, map[bool]string{true: "", false: " (listed above)"}[jsonOut])
		}
		return nil
	})
}

// readImport reads and parses the file, saying which formats exist when it cannot tell.
func readImport(path string, f importer.Format) (*importer.File, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer r.Close()
	file, err := importer.Parse(r, f)
	if errors.Is(err, importer.ErrUnknownFormat) {
		return nil, usagef("import: cannot tell the format of %s; name it with --format toggl, clockify, kimai, solidtime, timewarrior or stint", path)
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	return file, nil
}

// printImportPlan writes the summary of an import or of its dry run.
func printImportPlan(w io.Writer, path string, p app.ImportPlan) {
	verb, done := "Imported", "."
	switch {
	case p.DryRun:
		verb, done = "Would import", "; nothing was written (dry run)."
	case !p.Written:
		verb, done = "Would import", "; nothing was written."
	}
	fmt.Fprintf(w, "%s %s from %s (%s, %d rows)", verb, plural(p.Entries, "entry", "entries"), path, p.Format, p.Rows)
	if p.Entries > 0 {
		fmt.Fprintf(w, ", %s h:mm", app.FormatMinuteCount(app.WholeMinutes(p.Seconds)))
	}
	if p.Existing > 0 {
		fmt.Fprintf(w, "; %s already imported", plural(p.Existing, "entry was", "entries were"))
	}
	fmt.Fprintln(w, done)
	created := []struct {
		one, many string
		names     []string
	}{{"member", "members", p.Create.Members}, {"client", "clients", p.Create.Clients}, {"project", "projects", p.Create.Projects},
		{"task", "tasks", p.Create.Tasks}, {"tag", "tags", p.Create.Tags}}
	for _, c := range created {
		if len(c.names) == 0 {
			continue
		}
		what := "Creates"
		if p.Written {
			what = "Created"
		}
		fmt.Fprintf(w, "%s %s: %s\n", what, plural(len(c.names), c.one, c.many), terminalSafe(strings.Join(c.names, ", ")))
	}
	if len(p.Problems) > 0 {
		if p.Written {
			fmt.Fprintf(w, "Skipped %s:\n", plural(len(p.Problems), "row with a problem", "rows with problems"))
		} else {
			fmt.Fprintf(w, "%s:\n", plural(len(p.Problems), "problem", "problems"))
		}
		for _, pr := range p.Problems {
			fmt.Fprintf(w, "  line %d: %s\n", pr.Line, terminalSafe(pr.Message))
		}
	}
}

// plural is "1 entry" or "3 entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// progressBar rewrites one line of w with a bar of the entries written so far; done < 0
// ends the line.
func progressBar(w io.Writer) func(done, total int) {
	shown := false
	return func(done, total int) {
		if done < 0 {
			if shown {
				fmt.Fprintln(w)
			}
			return
		}
		const width = 30
		filled := width
		if total > 0 {
			filled = min(width, width*done/total)
		}
		fmt.Fprintf(w, "\rimporting [%s%s] %d of %d entries", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, total)
		shown = true
	}
}
