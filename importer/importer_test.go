package importer_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/importer"
)

// The files under testdata are written from each format's documented columns (named in the
// format's file: toggl.go, clockify.go, kimai.go, timewarrior.go, stint.go; solidtime's ZIP
// is built below from the columns its own importer reads). Each carries what real exports
// do to importers: a BOM (toggl.csv), quoted newlines and doubled quotes, rows crossing
// midnight, a DST-ambiguous local time (2026-10-25 02:30 in Europe/Berlin), dates Excel
// re-wrote day-first with semicolons and serial numbers (toggl_excel.csv), 12-hour clocks
// and thousands separators in amounts (clockify.csv), and one bad row each.

// want is what a test checks of a row: times as wall clocks (floating) or RFC 3339.
type want struct {
	line                                     int
	user, email, client, project, task, desc string
	tags                                     string
	billable                                 string // "", "yes", "no"
	start, end                               string
	floating                                 bool
	dur                                      time.Duration
}

func wantOf(r app.ImportRow) want {
	b := ""
	if r.Billable != nil {
		b = map[bool]string{true: "yes", false: "no"}[*r.Billable]
	}
	layout := "2006-01-02 15:04:05"
	if !r.Floating {
		layout = time.RFC3339
	}
	end := ""
	if !r.End.IsZero() {
		end = r.End.Format(layout)
	}
	return want{line: r.Line, user: r.UserName, email: r.Email, client: r.Client, project: r.Project, task: r.Task,
		desc: r.Description, tags: strings.Join(r.Tags, "|"), billable: b, start: r.Start.Format(layout), end: end,
		floating: r.Floating, dur: r.Duration}
}

func TestParseFiles(t *testing.T) {
	tests := []struct {
		file     string
		format   importer.Format
		rows     []want
		problems []int // lines
	}{
		{"toggl.csv", importer.Toggl, []want{
			{2, "Ada Lovelace", "ada@example.com", "Acme", "Website", "Design", "Header\nand footer", "design|web", "yes",
				"2026-03-02 09:00:00", "2026-03-02 10:30:00", true, 90 * time.Minute},
			{4, "Ada Lovelace", "ada@example.com", "", "Internal", "", "Standup", "", "no",
				"2026-10-25 02:30:00", "2026-10-25 02:45:00", true, 15 * time.Minute},
			{5, "Bob Byte", "bob@example.com", "Acme", "Website", "", "Night shift", "web", "yes",
				"2026-03-02 23:30:00", "2026-03-03 00:30:00", true, time.Hour},
		}, []int{6}},
		{"toggl_excel.csv", importer.Toggl, []want{
			{2, "Ada Lovelace", "ada@example.com", "Acme", "Website", "Design", "Header", "design", "yes",
				"2026-03-02 09:00:00", "2026-03-02 10:30:00", true, 90 * time.Minute},
			{3, "Ada Lovelace", "ada@example.com", "Acme", "Website", "Design", "Footer", "design", "yes",
				"2026-03-13 14:00:00", "2026-03-13 15:15:00", true, 75 * time.Minute},
			{4, "Ada Lovelace", "ada@example.com", "Acme", "Website", "Design", "Serial", "", "yes",
				"2026-03-02 09:00:00", "2026-03-02 12:00:00", true, 3 * time.Hour},
		}, nil},
		{"clockify.csv", importer.Clockify, []want{
			{2, "Ada Lovelace", "ada@example.com", "Acme", "Website", "Design", "Homepage", "design|web", "yes",
				"2026-03-02 09:00:00", "2026-03-02 10:30:00", true, 90 * time.Minute},
			{3, "Ada Lovelace", "ada@example.com", "Acme", "Website", "", "Quote \"this\"\nsecond line", "", "no",
				"2026-03-13 12:15:00", "2026-03-13 13:00:00", true, 45 * time.Minute},
			{5, "Bob Byte", "bob@example.com", "Acme", "Website", "", "Late", "", "yes",
				"2026-03-13 23:30:00", "2026-03-14 00:30:00", true, time.Hour},
		}, []int{6}},
		{"kimai.csv", importer.Kimai, []want{
			{2, "Ada Lovelace", "", "Acme", "Website", "Design", "Header", "design|web", "",
				"2026-03-02 09:00:00", "2026-03-02 10:30:00", true, 90 * time.Minute},
			{3, "Bob Byte", "", "Acme", "Website", "Support", "Night\ncall", "", "",
				"2026-03-02 23:30:00", "2026-03-03 00:30:00", true, time.Hour},
		}, nil},
		{"timewarrior.json", importer.Timewarrior, []want{
			{2, "", "", "", "", "", "Header", "Website|design", "", "2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z", false, 0},
			{3, "", "", "", "", "", "", "running", "", "2026-03-02T22:00:00Z", "", false, 0},
		}, []int{4}},
		{"stint.csv", importer.Stint, []want{
			{2, "Ada Lovelace", "", "Acme", "Website", "Design", "=SUM(A1)", "design|web", "yes",
				"2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z", false, 90 * time.Minute},
			{3, "Ada Lovelace", "", "", "Internal", "", "Standup", "", "no",
				"2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z", false, 15 * time.Minute},
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := importer.Detect(data)
			if err != nil || got != tc.format {
				t.Fatalf("Detect = %q, %v; want %q", got, err, tc.format)
			}
			f, err := importer.Parse(bytes.NewReader(data), "")
			if err != nil {
				t.Fatal(err)
			}
			checkFile(t, f, tc.rows, tc.problems)
		})
	}
}

func checkFile(t *testing.T, f *importer.File, rows []want, problems []int) {
	t.Helper()
	if len(f.Rows) != len(rows) {
		t.Errorf("%d rows, want %d: %+v (problems %+v)", len(f.Rows), len(rows), f.Rows, f.Problems)
	}
	for i := range min(len(rows), len(f.Rows)) {
		if g := wantOf(f.Rows[i]); g != rows[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, rows[i])
		}
	}
	var lines []int
	for _, p := range f.Problems {
		lines = append(lines, p.Line)
		if p.Message == "" {
			t.Errorf("problem on line %d has no message", p.Line)
		}
	}
	if len(lines) != len(problems) || (len(lines) > 0 && !equalInts(lines, problems)) {
		t.Errorf("problems on lines %v (%+v), want %v", lines, f.Problems, problems)
	}
}

func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// solidtimeZip builds an export as solidtime writes it: CSV files and meta.json in a ZIP.
func solidtimeZip(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var solidtimeFiles = map[string]string{
	"meta.json":   `{"version":"1.0","exported_at":"2026-11-01T10:00:00Z"}`,
	"clients.csv": "id,name,archived_at\nc1,Acme,\n",
	"members.csv": "id,user_id,name,email,role,billable_rate\nm1,u1,Ada Lovelace,ada@example.com,owner,\n",
	"projects.csv": "id,name,color,billable_rate,is_public,client_id,is_billable,archived_at\n" +
		"p1,Website,#ef5350,,true,c1,true,\n",
	"tasks.csv": "id,name,project_id,done_at\nt1,Design,p1,\n",
	"tags.csv":  "id,name\ng1,design\ng2,web\n",
	"time_entries.csv": "id,description,start,end,billable,user_id,member_id,project_id,task_id,client_id,tags,still_active_email_sent_at\n" +
		"e1,\"Header\nand footer\",2026-03-02T08:00:00Z,2026-03-02T09:30:00Z,true,u1,m1,p1,t1,c1,\"[\"\"g1\"\",\"\"g2\"\"]\",\n" +
		"e2,Unknown tag,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z,false,u1,m1,p1,,,\"[\"\"g9\"\"]\",\n" +
		"e3,No project,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z,false,u1,m1,,,,[],\n",
}

func TestParseSolidtime(t *testing.T) {
	data := solidtimeZip(t, solidtimeFiles)
	if f, err := importer.Detect(data); err != nil || f != importer.Solidtime {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	f, err := importer.ParseBytes(data, "")
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, []want{
		{2, "Ada Lovelace", "ada@example.com", "Acme", "Website", "Design", "Header\nand footer", "design|web", "yes",
			"2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z", false, 0},
		{5, "Ada Lovelace", "ada@example.com", "", "", "", "No project", "", "no",
			"2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z", false, 0},
	}, []int{4})
}

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		format importer.Format
		want   string
	}{
		{"unknown header", "a,b,c\n1,2,3\n", "", "not recognised"},
		{"missing column", "Date,Start\n", importer.Stint, "lacks the column(s) end, seconds, billable"},
		{"not UTF-8", "Start date,Start time,Duration,Description\n\xff\xfe,1,2,3\n", importer.Toggl, "not UTF-8"},
		{"not an array", `{"start":"20260302T080000Z"}`, importer.Timewarrior, "JSON array"},
		{"not a zip", "PK\x03\x04nonsense", "", "ZIP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.ParseBytes([]byte(tc.data), tc.format)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

// TestSolidtimeZipBound: an archive whose files unpack past the bound is refused with a
// clear error, not read whole (a ZIP bomb sent to the API) nor cut short in silence.
func TestSolidtimeZipBound(t *testing.T) {
	files := map[string]string{}
	for k, v := range solidtimeFiles {
		files[k] = v
	}
	files["tags.csv"] = "id,name\n" + strings.Repeat("g0,design\n", 300)
	data := solidtimeZip(t, files)
	old := importer.SetMaxZipBytes(2 << 10)
	defer importer.SetMaxZipBytes(old)
	_, err := importer.ParseBytes(data, "")
	if err == nil || !strings.Contains(err.Error(), "once unpacked") {
		t.Fatalf("err = %v, want the unpacked bound", err)
	}
	importer.SetMaxZipBytes(8 << 10)
	if _, err := importer.ParseBytes(data, ""); err != nil {
		t.Fatalf("within the bound: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range importer.Formats {
		if got, err := importer.ParseFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := importer.ParseFormat("harvest"); err == nil {
		t.Error("ParseFormat(harvest) did not fail")
	}
}

// TestParseLongFile: a file long enough to be read in two halves side by side gives its rows
// and problems in file order, as a short one does, with each row's own line.
func TestParseLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("User,Email,Project,Description,Start date,Start time,End date,End time,Duration\n")
	const n = 9000
	bad := map[int]bool{10: true, 4000: true, 4600: true, 8999: true}
	for i := range n {
		date := "2026-01-05"
		if bad[i] {
			date = "2026-02-30"
		}
		// Line i+2 (the header is line 1), the row's number in its description.
		b.WriteString("Ada,ada@example.com,P,row " + strconv.Itoa(i) + "," + date + ",09:00:00," + date + ",10:00:00,01:00:00\n")
	}
	f, err := importer.ParseBytes([]byte(b.String()), importer.Toggl)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != n-len(bad) || len(f.Problems) != len(bad) {
		t.Fatalf("%d rows and %d problems, want %d and %d", len(f.Rows), len(f.Problems), n-len(bad), len(bad))
	}
	i := 0
	for _, r := range f.Rows {
		for bad[i] {
			i++
		}
		if r.Line != i+2 || r.Description != "row "+strconv.Itoa(i) {
			t.Fatalf("row %d: line %d, %q; want line %d, %q", i, r.Line, r.Description, i+2, "row "+strconv.Itoa(i))
		}
		i++
	}
	var lines []int
	for _, p := range f.Problems {
		lines = append(lines, p.Line)
	}
	if want := []int{12, 4002, 4602, 9001}; !slices.Equal(lines, want) {
		t.Errorf("problems on lines %v, want %v", lines, want)
	}
}
