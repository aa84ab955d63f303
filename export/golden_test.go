package export

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export/ -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./export/ -update rewrites it after review):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestGolden writes each text format of both kinds of report and compares the bytes with
// the reviewed files under testdata/.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   Document
		write func(io.Writer, Document) error
	}{
		{"summary.csv", summaryDoc(), WriteCSV},
		{"detailed.csv", detailedDoc(), WriteCSV},
		{"summary.json", summaryDoc(), WriteJSON},
		{"detailed.json", detailedDoc(), WriteJSON},
		{"detailed.ics", detailedDoc(), WriteICS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf, tc.doc); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, buf.Bytes())
		})
	}
}
