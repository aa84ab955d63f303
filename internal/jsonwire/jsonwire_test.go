package jsonwire

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
)

func TestInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{" 42", 42, true},
		{"-7", -7, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"9223372036854775808", 0, false}, // overflows int64, as encoding/json refuses it
		{"1.5", 0, false},
		{"1e3", 0, false},
		{`"1"`, 0, false},
	} {
		got, ok := New([]byte(c.in)).Int()
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Int(%s) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
		var v int64
		if jsonOK := json.Unmarshal([]byte(c.in), &v) == nil; jsonOK != c.ok {
			t.Errorf("Int(%s): encoding/json takes it %v, the table says %v", c.in, jsonOK, c.ok)
		}
	}
}

func TestStr(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{` "plain"`, "plain", true},
		{`"ünïcode"`, "ünïcode", true},
		{`"esc\"aped"`, "", false},   // escapes are left to encoding/json
		{"\"tab\there\"", "", false}, // a control character is invalid JSON
		{"\"\xff\"", "", false},      // invalid UTF-8
		{`"open`, "", false},
		{`5`, "", false},
	} {
		got, ok := New([]byte(c.in)).Str()
		if ok != c.ok || (ok && string(got) != c.want) {
			t.Errorf("Str(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	q, ok := New([]byte(` "2026-11-28T10:00:00Z"`)).Quoted()
	if !ok || string(q) != `"2026-11-28T10:00:00Z"` {
		t.Errorf("Quoted = %s, %v", q, ok)
	}
}

func TestSkipObjectArray(t *testing.T) {
	in := `{"a": [1, {"b": "x]}\"y"}], "id": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "n": null, "list": [1,2,3]}`
	r := New([]byte(in))
	var skipped, id string
	var list []int64
	ok := r.Object(func(key []byte) bool {
		switch string(key) {
		case "id":
			var u uuid.UUID
			ok := r.ID(&u)
			id = u.String()
			return ok
		case "list":
			return r.Array(func() bool {
				v, ok := r.Int()
				list = append(list, v)
				return ok
			})
		}
		v, ok := r.Skip()
		skipped += string(key) + "=" + string(v) + ";"
		return ok
	})
	if !ok || !r.End() {
		t.Fatalf("Object did not read %s", in)
	}
	if want := `a=[1, {"b": "x]}\"y"}];n=null;`; skipped != want {
		t.Errorf("skipped %s, want %s", skipped, want)
	}
	if id != "6ba7b810-9dad-11d1-80b4-00c04fd430c8" || len(list) != 3 || list[2] != 3 {
		t.Errorf("id %s, list %v", id, list)
	}
	for _, bad := range []string{`{"a" 1}`, `{"a":1,}`, `{"a":1`, `[1 2]`, `{"a":[}`} {
		r := New([]byte(bad))
		if r.Object(func([]byte) bool { _, ok := r.Skip(); return ok }) && r.End() {
			t.Errorf("Object took %s", bad)
		}
	}
	if r := New([]byte(`[]`)); !r.Array(func() bool { return false }) || !r.End() {
		t.Error("an empty array was refused")
	}
}
