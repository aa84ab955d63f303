package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestStrictJSON checks that bodies a reader could take two ways are refused with a 400
// that says why, on public and authenticated routes, at the top level and nested.
func TestStrictJSON(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	bad := func(name, method, path, as, body, detail string) scenario {
		return scenario{name: name, method: method, path: path, as: as, body: body, status: http.StatusBadRequest,
			want: map[string]any{"detail": detail}, fields: []string{"body"}}
	}
	e.run(t, tn, []scenario{
		bad("invalid UTF-8", "POST", "/v1/projects", "owner", "{\"name\":\"caf\xe9\"}", "request body: is not valid UTF-8"),
		bad("invalid UTF-8 in a key", "POST", "/v1/projects", "owner", "{\"name\":\"x\",\"\xff\":1}", "request body: is not valid UTF-8"),
		bad("unpaired high surrogate", "POST", "/v1/projects", "owner", `{"name":"a\ud800"}`, "request body: has an unpaired UTF-16 surrogate escape"),
		bad("unpaired low surrogate", "POST", "/v1/projects", "owner", `{"name":"a\udc00b"}`, "request body: has an unpaired UTF-16 surrogate escape"),
		bad("duplicate key", "POST", "/v1/projects", "owner", `{"name":"a","name":"b"}`, `request body: key "name" appears twice`),
		bad("keys differing in case", "POST", "/v1/projects", "owner", `{"name":"a","NAME":"b"}`, `request body: keys "name" and "NAME" differ only in case`),
		bad("key in another case", "POST", "/v1/projects", "owner", `{"Name":"a"}`, `request body: key "Name" must be spelled "name"`),
		bad("key in another case on a patch", "PATCH", "/v1/projects/$project", "owner", `{"Billable":true}`, `request body: key "Billable" must be spelled "billable"`),
		bad("duplicate key on a public route", "POST", "/v1/auth/login", "", `{"email":"owner@acme.example.com","password":"x","password":"correct horse"}`,
			`request body: key "password" appears twice`),
		bad("duplicate key on the timer", "POST", "/v1/timer/start", "member", `{"description":"x","tag_ids":[],"billable":true,"billable":false}`,
			`request body: key "billable" appears twice`),
		{name: "paired surrogates are a character", method: "POST", path: "/v1/tags", as: "owner", body: `{"name":"\ud83d\ude00 fun"}`,
			status: http.StatusCreated, want: map[string]any{"name": "😀 fun"}},
		{name: "escaped backslash before u is not an escape", method: "POST", path: "/v1/tags", as: "owner", body: `{"name":"back\\ud800slash"}`,
			status: http.StatusCreated, want: map[string]any{"name": `back\ud800slash`}},
		{name: "a control character in a name is a field error", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"a\u001b[31m"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"name"}},
		{name: "a newline in a description is kept", method: "POST", path: "/v1/timer/start", as: "owner", body: `{"description":"a\r\nb"}`,
			status: http.StatusCreated, want: map[string]any{"description": "a\nb"}},
		{name: "syntax errors stay plain 400", method: "POST", path: "/v1/projects", as: "owner", body: `{"name":"a",}`,
			status: http.StatusBadRequest, want: map[string]any{"detail": "the request body is not valid JSON"}},
	})
}

func TestStrictUnmarshal(t *testing.T) {
	type inner struct {
		ID uuid.UUID `json:"id"`
	}
	type embedded struct {
		Note string `json:"note"`
	}
	type body struct {
		embedded
		Name   string                  `json:"name"`
		Items  []inner                 `json:"items"`
		Labels map[string]string       `json:"labels"`
		Ref    app.Nullable[uuid.UUID] `json:"ref,omitzero"`
		Hidden string                  `json:"-"`
		Plain  int
	}
	for _, tc := range []struct {
		in, err string // err: "" accepted, else a fragment of the error
	}{
		{in: `{"name":"a","note":"n","items":[{"id":"0190a0a0-0000-7000-8000-000000000000"}],"labels":{"a":"b","A":"c"},"Plain":1}`},
		{in: `{"ref":null}`},
		{in: `{"Note":"n"}`, err: `key "Note" must be spelled "note"`},
		{in: `{"plain":1}`, err: `key "plain" must be spelled "Plain"`},
		{in: `{"items":[{"ID":"0190a0a0-0000-7000-8000-000000000000"}]}`, err: `key "ID" must be spelled "id"`},
		{in: `{"items":[{"id":"x","id":"y"}]}`, err: `key "id" appears twice`},
		{in: `{"labels":{"a":"b","a":"c"}}`, err: `key "a" appears twice`},
		{in: `{"name":"a","nAme":"b"}`, err: `differ only in case`},
		{in: "{\"name\":\"\u212a\",\"K\":1,\"k\":2}", err: `differ only in case`},
		{in: `{"unknown":1,"UNKNOWN":2}`, err: `differ only in case`},
		{in: `{"labels":{"a":1,"a":2}}`, err: `key "a" appears twice`},
		{in: `{"name":"a"} {}`, err: "after top-level value"},
		{in: `[`, err: "EOF"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var b body
			err := strictUnmarshal([]byte(tc.in), &b)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				var want body
				if err := json.Unmarshal([]byte(tc.in), &want); err != nil || !reflect.DeepEqual(b, want) {
					t.Fatalf("decoded %+v, encoding/json %+v (%v)", b, want, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			// Into any, as huma decodes to validate, exact duplicates are refused too.
			if strings.Contains(tc.err, "appears twice") {
				var v any
				if err := strictUnmarshal([]byte(tc.in), &v); err == nil {
					t.Fatalf("accepted into any")
				}
			}
		})
	}
}

// BenchmarkBodyDecode compares the strict decoder with encoding/json on a time entry body,
// decoded twice as huma does (into any to validate, then into the body type).
func BenchmarkBodyDecode(b *testing.B) {
	body := []byte(`{"project_id":"0190a0a0-0000-7000-8000-000000000001","task_id":"0190a0a0-0000-7000-8000-000000000002",` +
		`"description":"design review with the team","started_at":"2025-11-02T09:00:00Z","stopped_at":"2025-11-02T10:30:00Z",` +
		`"tag_ids":["0190a0a0-0000-7000-8000-000000000003","0190a0a0-0000-7000-8000-000000000004"],"billable":true}`)
	for _, dec := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"encoding_json", json.Unmarshal}, {"strict", strictUnmarshal}} {
		b.Run(dec.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var v any
				var into timeEntryCreateBody
				if err := dec.fn(body, &v); err != nil {
					b.Fatal(err)
				}
				if err := dec.fn(body, &into); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
