package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// scanTypes are the types the key check is compared under: none known, a push body (rows
// of unknown type nested in structs in a slice) and a struct with an embedded one, a map
// and a type that decodes itself.
var scanTypes = []reflect.Type{nil, reflect.TypeFor[syncPushBody](), reflect.TypeFor[struct {
	scanEmbedded
	Name   string                   `json:"name"`
	Items  []struct{ ID uuid.UUID } `json:"items"`
	Labels map[string]string        `json:"labels"`
	Ref    app.Nullable[uuid.UUID]  `json:"ref,omitzero"`
	Plain  int
}]()}

type scanEmbedded struct {
	Note string `json:"note"`
}

// tokenCheck is the key check through the decoder's tokens, as for malformed bodies.
func tokenCheck(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := checkJSONValue(dec, t); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("after the value: %v", err)
	}
	return nil
}

func scanCheck(data []byte, t reflect.Type) error {
	s := jsonScan{data: data, types: new(jsonTypes)}
	return s.value(t)
}

func pushBodyJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"protocol":1,"device_id":"laptop","mutations":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"%s","device_seq":%d,"hlc":"0001764233000000-0000000001-laptop","entity":"time_entry","entity_id":"%s","op":"upsert",`+
			`"row":{"id":"%s","organization_id":"%s","user_id":"%s","project_id":null,"task_id":null,"description":"entry \"%d\" \u00e9",`+
			`"started_at":"2026-03-02T09:00:00Z","stopped_at":"2026-03-02T09:00:30Z","timezone":"UTC","billable":false,"source":"manual",`+
			`"tag_ids":[],"version":1,"hlc":"0001764233000000-0000000001-laptop","created_at":"2026-03-02T09:00:00Z","updated_at":"2026-03-02T09:00:00Z"}}`,
			app.NewID(), i+1, app.NewID(), app.NewID(), app.NewID(), app.NewID(), i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

var scanSeeds = []string{
	`{"a":1}`, `{"a":1,"a":2}`, `{"a":1,"A":2}`, `[1,{"x":[]}]`, ` { "a" : [ { "b" : { } } , "c" ] } `,
	`{"name":"a","note":"n","items":[{"ID":"0190a0a0-0000-7000-8000-000000000000"}],"labels":{"a":"b","A":"c"},"Plain":1}`,
	`{"Note":"n"}`, `{"plain":1}`, `{"items":[{"id":"x","ID":"y"}]}`, `{"labels":{"a":"b","a":"c"}}`,
	"{\"name\":\"\u212a\",\"K\":1,\"k\":2}", `{"na\u006de":1,"name":2}`, `{"a\"b":1,"a\"b":2}`, `{"\\":1,"\\\\":2}`,
	`{"mutations":[{"row":{"x":1,"x":2}}]}`, `{"mutations":[{"ROW":{}}]}`, `{"protocol":1,"Protocol":2}`,
	`"str"`, `12.5e3`, `null`, `true`, `[]`, `{}`, `{"ref":null,"ref":null}`,
}

// TestJSONScanMatchesTokens: on well-formed bodies the one-pass key check answers as the
// decoder's tokens do, error for error, whatever the type.
func TestJSONScanMatchesTokens(t *testing.T) {
	for _, in := range append(scanSeeds, string(pushBodyJSON(3))) {
		for _, typ := range scanTypes {
			if !json.Valid([]byte(in)) {
				t.Fatalf("seed %q is not valid JSON", in)
			}
			want, got := fmt.Sprint(tokenCheck([]byte(in), typ)), fmt.Sprint(scanCheck([]byte(in), typ))
			if got != want {
				t.Errorf("%q as %v: scan %s, tokens %s", in, typ, got, want)
			}
		}
	}
}

func FuzzJSONScanMatchesTokens(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		for _, typ := range scanTypes {
			want, got := fmt.Sprint(tokenCheck(data, typ)), fmt.Sprint(scanCheck(data, typ))
			if got != want {
				t.Fatalf("%q as %v: scan %s, tokens %s", data, typ, got, want)
			}
		}
	})
}

// TestStrictUnmarshalWork: the strict decoder checks a well-formed push body's keys in one
// pass over its bytes. Walking the decoder's tokens instead (a string or number and an
// interface value each) cost several times the decoding itself; allocations count that
// work without timing it.
func TestStrictUnmarshalWork(t *testing.T) {
	data := pushBodyJSON(100)
	typ := reflect.TypeFor[syncPushBody]()
	tokens := testing.AllocsPerRun(5, func() {
		var b syncPushBody
		if err := tokenCheck(data, typ); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatal(err)
		}
	})
	strict := testing.AllocsPerRun(5, func() {
		var b syncPushBody
		if err := strictUnmarshal(data, &b); err != nil {
			t.Fatal(err)
		}
	})
	if strict > tokens/2 {
		t.Errorf("strict decoding of a push of 100 made %.0f allocations, with the token walk %.0f: want well under half", strict, tokens)
	}
}

// BenchmarkPushBodyDecode decodes a push of 500 time entries: encoding/json alone, the
// strict decoder, and the strict decoder's key check through decoder tokens (as it was for
// every body, and still is for malformed ones) before the same decoding.
func BenchmarkPushBodyDecode(b *testing.B) {
	data := pushBodyJSON(app.MaxPushBatch)
	typ := reflect.TypeFor[syncPushBody]()
	for _, dec := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"encoding_json", json.Unmarshal}, {"strict", strictUnmarshal}, {"strict_tokens", func(data []byte, v any) error {
		if err := tokenCheck(data, typ); err != nil {
			return err
		}
		return json.Unmarshal(data, v)
	}}} {
		b.Run(dec.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var body syncPushBody
				if err := dec.fn(data, &body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestJSONScanSharedTypes: a decoder that keeps the fields of the types it has met across
// bodies (jsonTypes, one per server) answers every body as a fresh one does.
func TestJSONScanSharedTypes(t *testing.T) {
	shared := new(jsonTypes)
	for round := range 2 {
		for _, in := range append(scanSeeds, string(pushBodyJSON(3))) {
			for _, typ := range scanTypes {
				s := jsonScan{data: []byte(in), types: shared}
				want, got := fmt.Sprint(tokenCheck([]byte(in), typ)), fmt.Sprint(s.value(typ))
				if got != want {
					t.Errorf("round %d, %q as %v: shared scan %s, tokens %s", round, in, typ, got, want)
				}
			}
		}
	}
}

// TestStrictUnmarshalKeepsTypes: a server's decoder works out a body type's fields once,
// not for every body (a create spent more on them than on the rest of the key check).
func TestStrictUnmarshalKeepsTypes(t *testing.T) {
	data := []byte(`{"description":"bench entry 1","started_at":"2025-01-01T00:00:00Z","stopped_at":"2025-01-01T00:30:00Z"}`)
	decode := func(unmarshal func([]byte, any) error) func() {
		return func() {
			var b timeEntryCreateBody
			if err := unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
		}
	}
	shared := new(jsonTypes)
	decode(shared.unmarshal)()
	fresh, kept := testing.AllocsPerRun(20, decode(strictUnmarshal)), testing.AllocsPerRun(20, decode(shared.unmarshal))
	if kept >= fresh-5 {
		t.Errorf("a decode allocates %.0f times with the fields kept, %.0f without: want far fewer", kept, fresh)
	}
}

// TestFoldKey: the ASCII shortcut folds as the rune-by-rune rule does.
func TestFoldKey(t *testing.T) {
	slow := func(s string) string {
		return strings.Map(func(r rune) rune {
			m := r
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				m = min(m, f)
			}
			return m
		}, s)
	}
	keys := []string{"", "started_at", "STARTED_AT", "Started_At", "tag_ids", "ID", "x1_-9", "k", "s", "\u212a", "\u017f", "na\u00efve", "\u00c9t\u00e9"}
	for c := range 128 {
		keys = append(keys, string(rune(c)), "a"+string(rune(c)), string(rune(c))+"Z")
	}
	for _, k := range keys {
		if got, want := foldKey(k), slow(k); got != want {
			t.Errorf("foldKey(%q) = %q, want %q", k, got, want)
		}
	}
}
