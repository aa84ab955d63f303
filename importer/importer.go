// Package importer reads the time-entry exports of other trackers (Toggl Track, Clockify,
// Kimai, solidtime, Timewarrior) and Stint's own detailed CSV into app.ImportRow values, one
// file per format. It only reads: mapping rows onto a workspace and writing them is
// app.Service.Import's work. A row the parser cannot read becomes an app.ImportProblem with
// its line number instead of stopping the file.
package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/stinthq/stint/app"
)

// Format names a file format.
type Format string

// The formats Parse reads.
const (
	Toggl       Format = "toggl"
	Clockify    Format = "clockify"
	Kimai       Format = "kimai"
	Solidtime   Format = "solidtime"
	Timewarrior Format = "timewarrior"
	Stint       Format = "stint"
)

// Formats lists every format, in the order detection tries them.
var Formats = []Format{Stint, Clockify, Toggl, Kimai, Solidtime, Timewarrior}

// ParseFormat checks a format's name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want toggl, clockify, kimai, solidtime, timewarrior or stint)", s)
}

// File is what a parse read: the rows, the problems with rows it could not read, and
// whether every row's times are instants (else the source zone must be given).
type File struct {
	Format   Format
	Rows     []app.ImportRow
	Problems []app.ImportProblem
}

// Floating reports whether any row holds wall-clock times without a zone.
func (f *File) Floating() bool {
	for _, r := range f.Rows {
		if r.Floating {
			return true
		}
	}
	return false
}

// ErrUnknownFormat is returned when no format's headers or content match the file.
var ErrUnknownFormat = errors.New("the file's format is not recognised")

// maxFile bounds what Parse reads into memory (a million rows of a detailed export fit).
const maxFile = 1 << 30

// Parse reads a whole file in format f, or in the format Detect finds when f is "".
func Parse(r io.Reader, f Format) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("the file is larger than %d MiB", maxFile>>20)
	}
	return ParseBytes(data, f)
}

// ParseBytes is Parse over a file already in memory.
func ParseBytes(data []byte, f Format) (*File, error) {
	data = stripBOM(data)
	if f == "" {
		var err error
		if f, err = Detect(data); err != nil {
			return nil, err
		}
	}
	var out *File
	var err error
	switch f {
	case Solidtime:
		out, err = parseSolidtime(data)
	case Timewarrior:
		out, err = parseTimewarrior(data)
	default:
		spec, ok := csvFormats[f]
		if !ok {
			return nil, fmt.Errorf("unknown format %q", f)
		}
		out, err = parseCSV(data, spec)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	out.Format = f
	return out, nil
}

// Detect names the format of a file from its first bytes: a ZIP is solidtime's export, a
// JSON array Timewarrior's, and a CSV is told by its header row.
func Detect(data []byte) (Format, error) {
	data = stripBOM(data)
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return Solidtime, nil
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return Timewarrior, nil
	}
	header, _, err := readHeader(data)
	if err != nil {
		return "", ErrUnknownFormat
	}
	for _, f := range Formats {
		spec, ok := csvFormats[f]
		if ok && spec.matches(header) {
			return f, nil
		}
	}
	return "", ErrUnknownFormat
}

// stripBOM drops a UTF-8 byte-order mark, which Excel writes and Toggl's exports carry.
func stripBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// delimiter guesses the separator of a CSV from its first line: spreadsheets in locales that
// write decimal commas save with semicolons, some tools with tabs.
func delimiter(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	best, n := ',', bytes.Count(line, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(line, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

func newCSVReader(data []byte) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return r
}

// readHeader reads a CSV's header row, names trimmed and lower-cased.
func readHeader(data []byte) (header, *csv.Reader, error) {
	r := newCSVReader(data)
	rec, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	h := header{}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		if _, dup := h[name]; !dup {
			h[name] = i
		}
	}
	return h, r, nil
}

// header maps a lower-cased column name to its index.
type header map[string]int

// col returns the index of the first of names present, or -1.
func (h header) col(names ...string) int {
	for _, n := range names {
		if i, ok := h[n]; ok {
			return i
		}
	}
	return -1
}

// record is one CSV record with its header.
type record struct {
	h    header
	rec  []string
	line int
}

// get returns the trimmed cell of the first named column present, "" if none.
func (r record) get(names ...string) string {
	i := r.h.col(names...)
	if i < 0 || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// csvFormat describes one CSV export: the columns that identify it and how a record becomes
// a row.
type csvFormat struct {
	// required are the columns a header must have to be this format (each entry lists
	// alternative names).
	required [][]string
	// dateCols are the columns holding calendar dates, whose day/month order parseCSV
	// settles over the whole file before reading rows.
	dateCols []string
	row      func(r record, dates dateOrder) (app.ImportRow, error)
}

func (f csvFormat) matches(h header) bool {
	for _, alts := range f.required {
		if h.col(alts...) < 0 {
			return false
		}
	}
	return true
}

var csvFormats = map[Format]csvFormat{
	Toggl:    togglFormat,
	Clockify: clockifyFormat,
	Kimai:    kimaiFormat,
	Stint:    stintFormat,
}

// parseCSV reads every record of a CSV export. The header must match spec; each record
// becomes a row or a problem.
func parseCSV(data []byte, spec csvFormat) (*File, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("the file is not UTF-8 text; save it as CSV UTF-8")
	}
	h, r, err := readHeader(data)
	if err != nil {
		return nil, err
	}
	if !spec.matches(h) {
		var missing []string
		for _, alts := range spec.required {
			if h.col(alts...) < 0 {
				missing = append(missing, alts[0])
			}
		}
		return nil, fmt.Errorf("the header lacks the column(s) %s", strings.Join(missing, ", "))
	}
	var records [][]string
	var lines []int
	out := &File{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				out.Problems = append(out.Problems, app.ImportProblem{Line: pe.StartLine, Message: pe.Err.Error()})
				continue
			}
			return nil, err
		}
		if blank(rec) {
			continue
		}
		records = append(records, append([]string(nil), rec...))
		lines = append(lines, line)
	}
	order := settleDateOrder(h, records, spec.dateCols)
	// Records become rows independently of each other, so a long file's two halves are
	// read side by side (an import's parse on a second core) and joined in file order.
	parts := 1
	if len(records) >= parallelRecords {
		parts = 2
	}
	type part struct {
		rows     []app.ImportRow
		problems []app.ImportProblem
	}
	done := make([]part, parts)
	var wg sync.WaitGroup
	for p := range parts {
		from, to := p*len(records)/parts, (p+1)*len(records)/parts
		wg.Go(func() {
			out := part{rows: make([]app.ImportRow, 0, to-from)}
			for i := from; i < to; i++ {
				row, err := spec.row(record{h: h, rec: records[i], line: lines[i]}, order)
				if err != nil {
					out.problems = append(out.problems, app.ImportProblem{Line: lines[i], Message: err.Error()})
					continue
				}
				row.Line = lines[i]
				out.rows = append(out.rows, row)
			}
			done[p] = out
		})
	}
	wg.Wait()
	if parts == 1 {
		out.Rows = done[0].rows
	} else {
		out.Rows = make([]app.ImportRow, 0, len(records))
	}
	for _, d := range done {
		if parts > 1 {
			out.Rows = append(out.Rows, d.rows...)
		}
		out.Problems = append(out.Problems, d.problems...)
	}
	return out, nil
}

// parallelRecords is how many records a file needs before parseCSV reads it in two halves.
const parallelRecords = 4096

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// splitTags splits a list of tag names written with commas (Toggl, Clockify, Kimai and Stint
// all do), dropping blanks and repeats.
func splitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// parseBool reads a billable cell: Yes/No, true/false, 1/0 (any case); "" is unknown.
func parseBool(s string) (*bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return nil, nil
	case "yes", "true", "1", "y", "billable":
		v := true
		return &v, nil
	case "no", "false", "0", "n", "not billable", "non-billable":
		v := false
		return &v, nil
	}
	return nil, fmt.Errorf("billable %q: want yes or no", s)
}

// unformula undoes a spreadsheet-safety apostrophe (Stint's CSV writes one before a cell
// starting with = + - @, a tab or a carriage return).
func unformula(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
