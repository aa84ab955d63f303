package export

import (
	"bytes"
	"testing"
)

// TestPDFSameBytes: the same report gives the same file, so exports can be compared and
// cached: the catalog is written in order, and the file's dates are the report's AsOf.
func TestPDFSameBytes(t *testing.T) {
	// The order of two images was once left to map iteration: about one pair in six
	// differed, so a few pairs are compared.
	for range 12 {
		samePDF(t)
	}
}

func samePDF(t *testing.T) {
	t.Helper()
	var a, b bytes.Buffer
	if err := WritePDF(&a, summaryDoc()); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, summaryDoc()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two PDFs of one report differ (%d and %d bytes)", a.Len(), b.Len())
	}
	if stamp := "D:" + asOf.Format("20060102150405"); bytes.Count(a.Bytes(), []byte(stamp)) != 2 {
		t.Errorf("the PDF's creation and modification dates are not both the report's %s", stamp)
	}
}
