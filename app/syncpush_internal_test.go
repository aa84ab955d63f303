package app

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// pushedEntryRows are entries as devices push them.
func pushedEntryRows() []json.RawMessage {
	var out []json.RawMessage
	for _, s := range entryJSONs()[:4] {
		out = append(out, json.RawMessage(s))
	}
	return out
}

// TestMarshalEntry: an entry's row in a push and in its answer decodes to what
// encoding/json's text of it decodes to.
func TestMarshalEntry(t *testing.T) {
	for _, row := range pushedEntryRows() {
		var e TimeEntry
		if err := decodeEntry(row, &e); err != nil {
			t.Fatal(err)
		}
		got, err := marshalEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var g, w TimeEntry
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("marshalEntry decodes to\n %+v\nencoding/json's to\n %+v", g, w)
		}
	}
	// A time encoding/json refuses is refused here too.
	bad := TimeEntry{StartedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := marshalEntry(bad); err == nil {
		t.Error("an entry starting in the year 10000 was marshalled")
	}
}

// BenchmarkPushedEntryRow decodes a pushed entry's row and encodes the answer's, as the
// push path does (decodeEntry, marshalEntry) and, in the same run, as encoding/json does.
func BenchmarkPushedEntryRow(b *testing.B) {
	row := json.RawMessage(entryJSONs()[0])
	b.Run("push", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e TimeEntry
			if err := decodeEntry(row, &e); err != nil {
				b.Fatal(err)
			}
			if _, err := marshalEntry(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e TimeEntry
			if err := json.Unmarshal(row, &e); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
