package importer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stinthq/stint/importer"
)

// Each parser is fuzzed on its own, seeded with its test file; go test runs the seeds, make
// fuzz explores. Whatever the input, a parse returns rows or problems (never panics), every
// row and problem points at a line of the file, and no row with instants ends before it
// starts (a wall-clock row may, across a DST change: the service settles it in its zone).

func fuzzFormat(f *testing.F, format importer.Format, seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := importer.ParseBytes(data, format)
		if err != nil {
			return
		}
		for _, r := range file.Rows {
			if r.Line < 1 {
				t.Fatalf("row without a line: %+v", r)
			}
			if !r.Floating && !r.End.IsZero() && r.End.Before(r.Start) {
				t.Fatalf("line %d ends before it starts: %v..%v", r.Line, r.Start, r.End)
			}
		}
		for _, p := range file.Problems {
			if p.Line < 1 || p.Message == "" {
				t.Fatalf("problem without a line or message: %+v", p)
			}
		}
	})
}

func FuzzToggl(f *testing.F)       { fuzzFormat(f, importer.Toggl, "toggl.csv", "toggl_excel.csv") }
func FuzzClockify(f *testing.F)    { fuzzFormat(f, importer.Clockify, "clockify.csv") }
func FuzzKimai(f *testing.F)       { fuzzFormat(f, importer.Kimai, "kimai.csv") }
func FuzzStint(f *testing.F)       { fuzzFormat(f, importer.Stint, "stint.csv") }
func FuzzTimewarrior(f *testing.F) { fuzzFormat(f, importer.Timewarrior, "timewarrior.json") }

func FuzzSolidtime(f *testing.F) {
	f.Add(solidtimeZip(f, solidtimeFiles))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := importer.ParseBytes(data, importer.Solidtime)
		if err != nil {
			return
		}
		for _, r := range file.Rows {
			if r.Line < 1 || (!r.End.IsZero() && r.End.Before(r.Start)) {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}

// FuzzDetect feeds any bytes to detection and, when it names a format, to that parser.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"toggl.csv", "clockify.csv", "kimai.csv", "stint.csv", "timewarrior.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := importer.Detect(data)
		if err != nil {
			return
		}
		_, _ = importer.ParseBytes(data, format)
	})
}
