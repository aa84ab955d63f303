package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/importer"
)

// importsPath is the import route; its bodies may be larger than others (Config.MaxImportBytes).
const importsPath = "/v1/imports"

// DefaultMaxImportBytes bounds an import's file (64 MiB: about 400,000 rows of a Toggl Track
// detailed export). The file is read whole before it is parsed, as `stint import` reads it.
const DefaultMaxImportBytes int64 = 64 << 20

// maxImportProblems is how many of a refused file's problems a 422 lists; the detail counts
// them all.
const maxImportProblems = 1000

// importInput is a file to import and how to read it. The body is the file itself, sent as
// it is (any content type: text/csv, application/json, application/zip…).
type importInput struct {
	Format      string `query:"format" enum:"toggl,clockify,kimai,solidtime,timewarrior,stint" doc:"The file's format; default: told from the file."`
	Timezone    string `query:"timezone" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA zone the file's times were recorded in, required when the file names none (Toggl, Clockify, Kimai); also the zone the entries keep (default: each member's)."`
	User        string `query:"user" maxLength:"254" doc:"E-mail of the member every row goes to, instead of matching people by e-mail (members and managers may name only themselves; owners and admins anyone)."`
	DryRun      bool   `query:"dry_run" doc:"Answer the plan and write nothing."`
	SkipInvalid bool   `query:"skip_invalid" doc:"Import the rows without problems and list the others; by default a file with problems is refused (422) and nothing is written."`
	RawBody     []byte `contentType:"application/octet-stream"`
}

type importOutput struct {
	Body app.ImportPlan
}

func (s *Server) registerImports() {
	op := s.operation(http.MethodPost, importsPath, "import-entries", "imports",
		"Import time entries from another tracker's export (Toggl Track, Clockify, Kimai, solidtime, Timewarrior, Stint CSV)")
	op.Description = "The request body is the exported file as it is. People are matched by e-mail: rows of people " +
		"the organization lacks become members made from the file's name and e-mail (owners and admins only), unless " +
		"`user` gives every row to one member. Clients, projects, tasks and tags are matched by name and created when " +
		"missing. Importing the same file again creates nothing (`existing` counts those rows). A file with problems " +
		"is refused with a 422 whose errors name each problem's line, unless `skip_invalid` is set. The file may be " +
		"up to the server's import limit (default 64 MiB); entries are written 5,000 to a transaction."
	op.DefaultStatus = http.StatusOK
	op.MaxBodyBytes = s.cfg.MaxImportBytes + 1
	huma.Register(s.api, op, func(ctx context.Context, in *importInput) (*importOutput, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		var f importer.Format
		if in.Format != "" {
			if f, err = importer.ParseFormat(in.Format); err != nil {
				return nil, app.Invalid("format", "%v", err)
			}
		}
		file, err := importer.ParseBytes(in.RawBody, f)
		switch {
		case errors.Is(err, importer.ErrUnknownFormat):
			return nil, app.Invalid("format", "the file's format is not recognised: name it (toggl, clockify, kimai, solidtime, timewarrior or stint)")
		case err != nil:
			return nil, app.Invalid("body", "the file cannot be read: %v", err)
		}
		// An import can take longer than one request's store bound: each batch is its own
		// transaction, and the client going away stops it between batches.
		ctx, cancel := unboundedContext(ctx)
		defer cancel()
		plan, err := s.svc.Import(ctx, a, app.ImportRequest{Format: string(file.Format), Rows: file.Rows, Problems: file.Problems,
			Timezone: in.Timezone, UserEmail: in.User, DryRun: in.DryRun, SkipProblems: in.SkipInvalid})
		switch {
		case errors.Is(err, app.ErrImportProblems):
			return nil, importProblems(plan)
		case err != nil && plan.Entries > 0:
			s.log.ErrorContext(ctx, "import stopped", "entries", plan.Entries, "err", err)
			return nil, internalProblem(fmt.Errorf("import stopped after %d entries: %w", plan.Entries, err))
		case err != nil:
			return nil, err
		}
		return &importOutput{Body: plan}, nil
	})
}

// importProblems is the 422 for a file with problems: each problem a field error named by
// its line ("line 12"), nothing written.
func importProblems(plan app.ImportPlan) *Problem {
	fields := make([]app.FieldError, 0, min(len(plan.Problems), maxImportProblems))
	for _, p := range plan.Problems[:min(len(plan.Problems), maxImportProblems)] {
		fields = append(fields, app.FieldError{Field: fmt.Sprintf("line %d", p.Line), Message: p.Message})
	}
	detail := fmt.Sprintf("the file has %d problem(s) and nothing was imported; fix them, or import the other rows with skip_invalid=true", len(plan.Problems))
	if len(plan.Problems) > maxImportProblems {
		detail += fmt.Sprintf(" (the first %d are listed)", maxImportProblems)
	}
	return newProblem(http.StatusUnprocessableEntity, detail, fields...)
}

// bodyLimit is how large r's body may be: the import limit for an import, MaxBodyBytes
// for everything else.
func (s *Server) bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && strings.TrimSuffix(r.URL.Path, "/") == importsPath {
		return s.cfg.MaxImportBytes
	}
	if isScreenshotUpload(r) {
		return app.MaxScreenshotBytes
	}
	return s.cfg.MaxBodyBytes
}
