package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"\rx": "'\rx", "plain": "plain", "": "", "a=b": "a=b", "1:30": "1:30"} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVBOMAndRecords: the byte order mark comes first when asked for and only then, the
// file parses as RFC 4180, and no cell of it starts like a formula.
func TestCSVBOMAndRecords(t *testing.T) {
	for _, bom := range []bool{false, true} {
		d := detailedDoc()
		d.BOM = bom
		var buf bytes.Buffer
		if err := WriteCSV(&buf, d); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if got := bytes.HasPrefix(b, []byte("\xef\xbb\xbf")); got != bom {
			t.Errorf("bom %v: file starts %q", bom, b[:min(len(b), 8)])
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 4 {
			t.Errorf("%d records, want a header and 3 entries", len(recs))
		}
		for _, r := range recs {
			for _, c := range r {
				if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
					t.Errorf("cell %q would run as a formula", c)
				}
			}
		}
	}
}

func TestICSText(t *testing.T) {
	for in, want := range map[string]string{
		"a,b;c\\d": `a\,b\;c\\d`, "one\ntwo": `one\ntwo`, "one\r\ntwo": `one\ntwo`, "bell\x07": "bell", "Zoë": "Zoë", "": "",
	} {
		if got := icsText(in); got != want {
			t.Errorf("icsText(%q) = %q, want %q", in, got, want)
		}
	}
}

// unfoldICS undoes RFC 5545 folding.
func unfoldICS(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

// TestICSFolding: every line of the calendar ends in CRLF, is at most 75 octets and valid
// UTF-8 on its own (no character split by a fold), and unfolding gives back each whole line.
func TestICSFolding(t *testing.T) {
	for _, n := range []int{0, 1, 72, 73, 74, 75, 76, 150, 300} {
		for _, unit := range []string{"a", "é", "✓", "😀"} {
			value := strings.Repeat(unit, n)
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			writeFolded(w, "SUMMARY:"+value)
			w.Flush()
			out := buf.String()
			if !strings.HasSuffix(out, "\r\n") {
				t.Fatalf("%d×%q: no CRLF at the end", n, unit)
			}
			for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
				if len(line) > 75 {
					t.Errorf("%d×%q: line %d is %d octets", n, unit, i, len(line))
				}
				if !utf8.ValidString(line) {
					t.Errorf("%d×%q: line %d splits a character: %q", n, unit, i, line)
				}
				if i > 0 && !strings.HasPrefix(line, " ") {
					t.Errorf("%d×%q: continuation %d does not start with a space", n, unit, i)
				}
			}
			if got := strings.TrimSuffix(unfoldICS(out), "\r\n"); got != "SUMMARY:"+value {
				t.Errorf("%d×%q: unfolds to %q", n, unit, got)
			}
		}
	}
}

// TestICSEvents: one event per entry with the entry's id in its UID, and a summary
// report is refused (a calendar holds entries).
func TestICSEvents(t *testing.T) {
	d := detailedDoc()
	var buf bytes.Buffer
	if err := WriteICS(&buf, d); err != nil {
		t.Fatal(err)
	}
	out := unfoldICS(buf.String())
	if got := strings.Count(out, "BEGIN:VEVENT\r\n"); got != len(d.Entries) {
		t.Errorf("%d events for %d entries", got, len(d.Entries))
	}
	for _, e := range d.Entries {
		if !strings.Contains(out, "UID:"+e.ID.String()+"@stint\r\n") {
			t.Errorf("no event with the UID of entry %s", e.ID)
		}
	}
	if err := WriteICS(&buf, summaryDoc()); !errors.Is(err, errICSSummary) {
		t.Errorf("summary as iCalendar: %v", err)
	}
}

// TestFontsMatchUI keeps the export's copies of the fonts identical to the desktop's.
func TestFontsMatchUI(t *testing.T) {
	for _, f := range []struct {
		name string
		data []byte
	}{{"NotoSans-Regular-Latin.ttf", fontRegular}, {"NotoSans-Bold-Latin.ttf", fontBold}} {
		ui, err := os.ReadFile("../ui/fonts/" + f.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ui, f.data) {
			t.Errorf("export/fonts/%s differs from ui/fonts/%s", f.name, f.name)
		}
	}
}

// FuzzICSLine: whatever text an entry holds, its escaped and folded line has no line of
// more than 75 octets, splits no character, and holds no bare line break.
func FuzzICSLine(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d", "one\r\ntwo\nthree\r", strings.Repeat("é✓😀", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		writeFolded(w, "DESCRIPTION:"+icsText(s))
		w.Flush()
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
		for i, line := range lines {
			if len(line) > 75 || !utf8.ValidString(line) || strings.ContainsAny(line, "\r\n") {
				t.Fatalf("line %d of %q: %q", i, s, line)
			}
		}
	})
}
