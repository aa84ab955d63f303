package sqlite

import (
	"bytes"
	"database/sql/driver"
	"testing"
)

// TestHLCBytes round-trips stamps through their stored form, checks that byte order is
// stamp order, and that a malformed stamp is refused rather than stored.
func TestHLCBytes(t *testing.T) {
	stamps := []string{ // ascending
		"000000000000000-0000000000-a",
		"001795770090569-0000000000-0123456789ab",
		"001795770090569-0000000001-0123456789ab",
		"001795770090569-4294967295-0123456789ab",
		"001795770090570-0000000000-",
		"001795770090570-0000000000-z",
		"999999999999999-0000000000-node-with-dashes",
	}
	var prev []byte
	for _, s := range stamps {
		v, err := hlcValue(s).Value()
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		b := v.([]byte)
		if len(b) != 12+len(s)-27 {
			t.Errorf("%s: %d bytes", s, len(b))
		}
		var back string
		if err := (hlcScan{&back}).Scan(b); err != nil || back != s {
			t.Errorf("%s read back as %q (%v)", s, back, err)
		}
		if prev != nil && bytes.Compare(prev, b) >= 0 {
			t.Errorf("%s does not sort after the stamp before it", s)
		}
		prev = b
	}
	for _, bad := range []string{"", "not a stamp", "1795770090569-0-node", "00179577009056x-0000000000-n"} {
		if _, err := hlcValue(bad).Value(); err == nil {
			t.Errorf("malformed stamp %q stored", bad)
		}
	}
	var s string
	for _, bad := range []driver.Value{"001795770090569-0000000000-n", []byte{1, 2}, nil} {
		if err := (hlcScan{&s}).Scan(bad); err == nil {
			t.Errorf("stored value %v read as a stamp", bad)
		}
	}
}
