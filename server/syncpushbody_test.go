package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stinthq/stint/app"
)

// pushBodiesOf is the push body decoder of the server, as registerSyncPush makes it.
func pushBodiesOf(t testing.TB, s *Server) *pushBodies {
	t.Helper()
	post := s.api.OpenAPI().Paths["/v1/sync/push"].Post
	if _, ok := post.RequestBody.Content["application/octet-stream"]; ok || len(post.RequestBody.Content) != 1 {
		t.Fatalf("the push body is documented as %v, want application/json only", post.RequestBody.Content)
	}
	return &pushBodies{api: s.api, types: new(jsonTypes), schema: post.RequestBody.Content["application/json"].Schema}
}

// samePushDecoding fails unless decode answers raw as checked (huma's own handling)
// does, and reports whether it was decoded directly. A body decode leaves to checked gets
// checked's answer by construction; one it decodes directly must be one checked takes,
// giving the same body.
func samePushDecoding(t testing.TB, p *pushBodies, contentType string, raw []byte) (direct bool) {
	t.Helper()
	got, gerr := p.decode(contentType, raw)
	if contentType != "" && contentType != "application/json" {
		return false
	}
	b, direct := p.direct(raw)
	if !direct {
		return false
	}
	want, werr := p.checked(contentType, raw)
	if werr != nil || !reflect.DeepEqual(b, want) || gerr != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("body %q:\n decoded directly as %+v (decode: %+v, %v)\nhuma: %+v, %#v", raw, b, got, gerr, want, werr)
	}
	return true
}

// pushBodyCases are bodies the direct decoder takes or leaves to huma's handling, as the
// second field says.
func pushBodyCases() []struct {
	name   string
	direct bool
	body   string
} {
	id, eid := "0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b", "0193a5b2-7c1d-7e8f-9a0b-1c2d3e4f5a6c"
	mut := func(extra string) string {
		return `{"id":"` + id + `","device_seq":3,"hlc":"000001732780000000-0000000000-laptop","entity":"time_entry","entity_id":"` + eid + `","op":"upsert"` + extra + `}`
	}
	body := func(ms ...string) string {
		return `{"protocol":2,"device_id":"laptop","mutations":[` + strings.Join(ms, ",") + `]}`
	}
	many := func(n int) string {
		ms := make([]string, n)
		for i := range ms {
			ms[i] = mut("")
		}
		return body(ms...)
	}
	row := `,"row":{"id":"` + eid + `","description":"a \"quoted\" é \u00e9 \ud83d\ude00","tag_ids":[],"stopped_at":null,"billable":true,"n":1.5e3}`
	return []struct {
		name   string
		direct bool
		body   string
	}{
		{"a device's batch", true, body(mut(row+`,"fields":{"description":"000001732780000000-0000000000-laptop"}`), mut(`,"row":{"organization_id":"`+id+`"}`))},
		{"no mutations", true, body()},
		{"white space everywhere", true, " {\n \"protocol\" : 1 ,\t\"mutations\" : [ " + mut(" , \"row\" : [ 1 , { } ] , \"fields\" : { } ") + " ] } \n"},
		{"without device_id", true, `{"protocol":1,"mutations":[]}`},
		{"500 mutations", true, many(500)},
		{"501 mutations", false, many(501)},
		{"mutations null", false, `{"protocol":1,"mutations":null}`},
		{"without mutations", false, `{"protocol":1}`},
		{"without protocol", false, `{"mutations":[]}`},
		{"protocol 0", false, `{"protocol":0,"mutations":[]}`},
		{"protocol 1.0", false, `{"protocol":1.0,"mutations":[]}`},
		{"protocol 1e0", false, `{"protocol":1e0,"mutations":[]}`},
		{"protocol a string", false, `{"protocol":"1","mutations":[]}`},
		{"protocol past int64", false, `{"protocol":9223372036854775808,"mutations":[]}`},
		{"an unknown key", false, `{"protocol":1,"mutations":[],"extra":1}`},
		{"a key in another case", false, `{"Protocol":1,"mutations":[]}`},
		{"a key twice", false, `{"protocol":1,"protocol":2,"mutations":[]}`},
		{"an escaped key", false, `{"proto\u0063ol":1,"mutations":[]}`},
		{"device_id of 64 characters", true, `{"protocol":1,"device_id":"` + strings.Repeat("é", 64) + `","mutations":[]}`},
		{"device_id of 65 characters", false, `{"protocol":1,"device_id":"` + strings.Repeat("a", 65) + `","mutations":[]}`},
		{"device_id escaped", false, `{"protocol":1,"device_id":"lap\ttop","mutations":[]}`},
		{"hlc of 200 characters", true, body(strings.Replace(mut(""), "000001732780000000-0000000000-laptop", strings.Repeat("ü", 200), 1))},
		{"hlc of 201 characters", false, body(strings.Replace(mut(""), "000001732780000000-0000000000-laptop", strings.Repeat("u", 201), 1))},
		{"entity of 33 characters", false, body(strings.Replace(mut(""), "time_entry", strings.Repeat("e", 33), 1))},
		{"op of 17 characters", false, body(strings.Replace(mut(""), "upsert", strings.Repeat("o", 17), 1))},
		{"device_seq -1", false, body(strings.Replace(mut(""), `"device_seq":3`, `"device_seq":-1`, 1))},
		{"device_seq -0", true, body(strings.Replace(mut(""), `"device_seq":3`, `"device_seq":-0`, 1))},
		{"device_seq past int64", false, body(strings.Replace(mut(""), `"device_seq":3`, `"device_seq":99999999999999999999`, 1))},
		{"without device_seq", false, body(strings.Replace(mut(""), `"device_seq":3,`, ``, 1))},
		{"without id", false, body(strings.Replace(mut(""), `"id":"`+id+`",`, ``, 1))},
		{"without op", false, body(strings.Replace(mut(""), `,"op":"upsert"`, ``, 1))},
		{"an id in braces", false, body(strings.Replace(mut(""), `"id":"`+id+`"`, `"id":"{`+id+`}"`, 1))},
		{"an id as a URN", false, body(strings.Replace(mut(""), `"id":"`+id+`"`, `"id":"urn:uuid:`+id+`"`, 1))},
		{"an id without hyphens", false, body(strings.Replace(mut(""), `"id":"`+id+`"`, `"id":"`+strings.ReplaceAll(id, "-", "")+`"`, 1))},
		{"an id that is no UUID", false, body(strings.Replace(mut(""), `"id":"`+id+`"`, `"id":"`+strings.Replace(id, "0", "x", 1)+`"`, 1))},
		{"row null", false, body(mut(`,"row":null`))},
		{"row a string", true, body(mut(`,"row":"x"`))},
		{"row with a key twice", false, body(mut(`,"row":{"a":1,"a":2}`))},
		{"fields null", false, body(mut(`,"fields":null`))},
		{"fields with a number", false, body(mut(`,"fields":{"description":1}`))},
		{"fields escaped", false, body(mut(`,"fields":{"description":"a\nb"}`))},
		{"a mutation null", false, body("null")},
		{"a mutation with an unknown key", false, body(mut(`,"extra":true`))},
		{"a mutation's key in another case", false, body(strings.Replace(mut(""), `"op"`, `"OP"`, 1))},
		{"an unpaired surrogate", false, body(mut(`,"row":{"d":"\ud800"}`))},
		{"invalid UTF-8", false, body(mut(`,"row":{"d":"` + "\xff" + `"}`))},
		{"malformed", false, `{"protocol":1,"mutations":[}`},
		{"trailing data", false, `{"protocol":1,"mutations":[]} {}`},
		{"not an object", false, `[]`},
	}
}

// TestPushBodyDecodedOnce: a push body is answered as huma answered it (decoded into any,
// validated, then decoded into syncPushBody), whether the direct decoder takes it or not;
// and it takes the bodies devices send.
func TestPushBodyDecodedOnce(t *testing.T) {
	p := pushBodiesOf(t, newEnv(t).srv)
	for _, tc := range pushBodyCases() {
		t.Run(tc.name, func(t *testing.T) {
			if got := samePushDecoding(t, p, "application/json", []byte(tc.body)); got != tc.direct {
				t.Errorf("decoded directly: %v, want %v", got, tc.direct)
			}
		})
	}
	for _, ct := range []string{"", "application/json; charset=utf-8", "application/merge-patch+json", "text/plain"} {
		t.Run("content type "+ct, func(t *testing.T) {
			samePushDecoding(t, p, ct, []byte(pushBodyCases()[0].body))
		})
	}
}

// A push body the server's strict decoding refuses is refused as before, with huma's
// statuses: 400 for a body that is not JSON, 415 for another media type, 422 for one that
// does not fit the schema.
func TestSyncPushBodyProblems(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "malformed JSON", method: "POST", path: "/v1/sync/push", as: "member", body: `{"protocol":1,"mutations":[}`,
			status: http.StatusBadRequest},
		{name: "a key twice", method: "POST", path: "/v1/sync/push", as: "member", body: `{"protocol":1,"protocol":1,"mutations":[]}`,
			status: http.StatusBadRequest},
		{name: "text", method: "POST", path: "/v1/sync/push", as: "member", body: pushBody(1),
			headers: map[string]string{"Content-Type": "text/plain"}, status: http.StatusUnsupportedMediaType},
		{name: "an unknown key", method: "POST", path: "/v1/sync/push", as: "member", body: `{"protocol":1,"mutations":[],"more":1}`,
			status: http.StatusUnprocessableEntity, fields: []string{"more"}},
		{name: "protocol 0", method: "POST", path: "/v1/sync/push", as: "member", body: pushBody(0),
			status: http.StatusUnprocessableEntity, fields: []string{"protocol"}},
		{name: "JSON with a charset", method: "POST", path: "/v1/sync/push", as: "member", body: pushBody(1),
			headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}, status: http.StatusOK,
			want: map[string]any{"results.len": 0}},
	})
}

func FuzzSyncPushBody(f *testing.F) {
	for _, tc := range pushBodyCases() {
		if len(tc.body) < 4096 {
			f.Add([]byte(tc.body))
		}
	}
	p := pushBodiesOf(f, newEnv(f).srv)
	f.Fuzz(func(t *testing.T, data []byte) {
		samePushDecoding(t, p, "application/json", data)
	})
}

// The body a device's push sends (package sync encodes app.PushBatch) is decoded directly.
func TestDevicePushBodyDecodedDirectly(t *testing.T) {
	p := pushBodiesOf(t, newEnv(t).srv)
	b := app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "laptop"}
	for i := range 3 {
		b.Mutations = append(b.Mutations, app.Mutation{ID: app.NewID(), DeviceSeq: int64(i + 1), HLC: fmt.Sprintf("%015d-%010d-laptop", 1732780000000+i, i),
			Entity: app.EntityTimeEntry, EntityID: app.NewID(), Op: app.OpUpsert, Row: json.RawMessage(`{"description":"x <&>"}`),
			Fields: app.FieldStamps{"description": "000001732780000-0000000000-laptop"}})
	}
	raw, err := json.Marshal(struct { // as sync.Remote.Push sends it
		Protocol  int            `json:"protocol"`
		DeviceID  string         `json:"device_id,omitempty"`
		Mutations []app.Mutation `json:"mutations"`
	}{b.Protocol, b.DeviceID, b.Mutations})
	if err != nil {
		t.Fatal(err)
	}
	if !samePushDecoding(t, p, "application/json", raw) {
		t.Errorf("a device's push was not decoded directly: %s", raw)
	}
}
