package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// TestContract is a property-based API fuzzer driven by the served OpenAPI document, in the
// manner of Schemathesis: for every operation it builds requests from the documented
// parameters and body schemas, valid ones and ones broken in one documented way, sends them
// to a real server on a real store, and checks each answer against the document: the
// status is one the operation declares (and never a 5xx), problems are
// application/problem+json, the body validates against the declared schema (types,
// required and unknown properties, formats, enums), and required response headers are sent.
//
// It is seeded and deterministic. STINT_CONTRACT_CASES sets the requests per operation
// (default 12, a few seconds); STINT_CONTRACT_SEED picks another sequence.
func TestContract(t *testing.T) {
	cases := envInt(t, "STINT_CONTRACT_CASES", 12)
	seed := uint64(envInt(t, "STINT_CONTRACT_SEED", 1))
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)

	var doc oaDoc
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/openapi.json"})
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatal(err)
	}
	g := &generator{doc: &doc, tn: tn, rng: rand.New(rand.NewPCG(seed, 7))}
	ops := doc.operations()
	if len(ops) < 40 {
		t.Fatalf("the document has %d operations", len(ops))
	}
	for _, op := range ops {
		t.Run(op.method+" "+op.path, func(t *testing.T) {
			for i := range cases {
				r, broken := g.request(op, i)
				got := e.send(t, r)
				msg := doc.check(op, got)
				if msg == "" && got.status < 400 && refused(broken, op) {
					msg = "accepted a request the document says is invalid"
				}
				if msg != "" {
					t.Errorf("case %d (%s): %s %s%s\n  %s\n  status %d: %.400s", i, broken, r.method, r.path, headerSummary(r), msg, got.status, got.body)
				}
			}
		})
	}
}

// refused says whether a request broken in this way is invalid by the document, whatever
// else was generated, so the server must refuse it.
func refused(broken string, op *oaOp) bool {
	switch broken {
	case "unknown query parameter", "bad Host", "malformed path id", "malformed JSON", "duplicate key", "invalid UTF-8",
		"wrong content type", "unknown property", "case-folded key":
		return true
	case "no token":
		return op.secured()
	}
	return false
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

func headerSummary(r rawReq) string {
	var b strings.Builder
	for _, k := range sortedKeys((r.headers)) {
		if k != "Authorization" {
			fmt.Fprintf(&b, " [%s: %.60q]", k, r.headers[k])
		}
	}
	if r.body != nil {
		fmt.Fprintf(&b, " body %.200q", r.body)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// The document, as much of it as the fuzzer reads.
type (
	oaDoc struct {
		Paths      map[string]map[string]*oaOp `json:"paths"`
		Components struct {
			Schemas map[string]*oaSchema `json:"schemas"`
		} `json:"components"`
	}
	oaOp struct {
		method, path string
		Parameters   []oaParam `json:"parameters"`
		RequestBody  *struct {
			Required bool                   `json:"required"`
			Content  map[string]oaMediaType `json:"content"`
		} `json:"requestBody"`
		Responses map[string]oaResponse  `json:"responses"`
		Security  *[]map[string][]string `json:"security"`
	}
	oaParam struct {
		Name     string    `json:"name"`
		In       string    `json:"in"`
		Required bool      `json:"required"`
		Schema   *oaSchema `json:"schema"`
	}
	oaMediaType struct {
		Schema *oaSchema `json:"schema"`
	}
	oaResponse struct {
		Content map[string]oaMediaType `json:"content"`
		Headers map[string]struct {
			Required bool `json:"required"`
		} `json:"headers"`
	}
	oaSchema struct {
		Ref                  string               `json:"$ref"`
		Type                 any                  `json:"type"`
		Format               string               `json:"format"`
		Pattern              string               `json:"pattern"`
		Enum                 []any                `json:"enum"`
		MinLength            *int                 `json:"minLength"`
		MaxLength            *int                 `json:"maxLength"`
		Minimum              *float64             `json:"minimum"`
		Maximum              *float64             `json:"maximum"`
		MaxItems             *int                 `json:"maxItems"`
		UniqueItems          bool                 `json:"uniqueItems"`
		Items                *oaSchema            `json:"items"`
		Properties           map[string]*oaSchema `json:"properties"`
		Required             []string             `json:"required"`
		AdditionalProperties any                  `json:"additionalProperties"`
	}
)

// operations lists the document's operations in a fixed order.
func (d *oaDoc) operations() []*oaOp {
	var out []*oaOp
	for path, ops := range d.Paths {
		for method, op := range ops {
			op.method, op.path = strings.ToUpper(method), path
			out = append(out, op)
		}
	}
	// Deletions go last, so they do not take away the rows (and members) the rest use.
	sort.Slice(out, func(i, j int) bool {
		if di, dj := out[i].method == http.MethodDelete, out[j].method == http.MethodDelete; di != dj {
			return dj
		}
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].method < out[j].method
	})
	return out
}

func (d *oaDoc) resolve(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, schemaPrefix)]
	}
	return s
}

// types lists a schema's JSON types ("string", or ["string","null"]).
func (s *oaSchema) types() []string {
	switch t := s.Type.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

func (s *oaSchema) is(typ string) bool { return slices.Contains(s.types(), typ) }

func (op *oaOp) secured() bool { return op.Security != nil && len(*op.Security) > 0 }

// rawReq is a request the fuzzer sends: body bytes as generated, headers as given.
type rawReq struct {
	method, path string
	headers      map[string]string
	body         []byte
}

func (e *testEnv) send(t *testing.T, r rawReq) response {
	t.Helper()
	hr, err := http.NewRequest(r.method, e.ts.URL+r.path, nil)
	if err != nil {
		t.Fatalf("new request %s %s: %v", r.method, r.path, err)
	}
	if r.body != nil {
		hr, _ = http.NewRequest(r.method, e.ts.URL+r.path, strings.NewReader(string(r.body)))
	}
	return e.roundTrip(t, hr, r.headers)
}

// generator builds requests from the document with a seeded random source.
type generator struct {
	doc *oaDoc
	tn  *tenant
	rng *rand.Rand
}

func (g *generator) pick(n int) int { return g.rng.IntN(n) }

// uuid is a random UUID from the seeded source.
func (g *generator) uuid() string {
	var id uuid.UUID
	for i := range id {
		id[i] = byte(g.rng.UintN(256))
	}
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id.String()
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// knownIDs are ids that exist in the tenant, so valid requests reach the handlers.
func (g *generator) knownIDs() []string {
	var out []string
	for _, k := range sortedKeys((g.tn.ids)) {
		out = append(out, g.tn.ids[k])
	}
	return out
}

// request builds case i for op. Every third case is broken in one way; broken says how.
func (g *generator) request(op *oaOp, i int) (rawReq, string) {
	r := rawReq{method: op.method, path: op.path, headers: map[string]string{}}
	if op.secured() {
		r.headers["Authorization"] = "Bearer " + g.tn.token(principals()[g.pick(len(principals()))])
	}
	breakIt := i%3 == 2
	how := ""
	var query []string
	for _, p := range op.Parameters {
		s := g.doc.resolve(p.Schema)
		switch p.In {
		case "path":
			r.path = strings.ReplaceAll(r.path, "{"+p.Name+"}", g.pathID(op))
		case "query":
			if p.Required || g.chance(0.4) {
				query = append(query, p.Name+"="+urlEscape(g.scalar(s, p.Name)))
			}
		case "header":
			if v, ok := g.header(p.Name, s); ok {
				r.headers[p.Name] = v
			}
		}
	}
	var body any
	if op.RequestBody != nil {
		if mt, ok := op.RequestBody.Content["application/json"]; ok && (op.RequestBody.Required || g.chance(0.5)) {
			body = g.value(mt.Schema, "", 0)
		}
	}
	if breakIt {
		how, body, query = g.breakRequest(op, &r, body, query)
	}
	if len(query) > 0 {
		r.path += "?" + strings.Join(query, "&")
	}
	if body != nil {
		if raw, ok := body.(rawBody); ok {
			r.body = []byte(raw)
		} else {
			r.body, _ = json.Marshal(body)
		}
		if _, ok := r.headers["Content-Type"]; !ok {
			r.headers["Content-Type"] = "application/json"
		}
	}
	return r, how
}

// rawBody is a body sent as is, for bodies JSON encoding cannot produce.
type rawBody string

// breakRequest breaks the request in one of the ways the document says how it is refused.
func (g *generator) breakRequest(op *oaOp, r *rawReq, body any, query []string) (string, any, []string) {
	ways := []string{"unknown query parameter", "no token", "bad X-Org-Id", "bad Host"}
	if strings.Contains(op.path, "{") {
		ways = append(ways, "malformed path id")
	}
	if op.RequestBody != nil {
		ways = append(ways, "malformed JSON", "duplicate key", "invalid UTF-8", "wrong content type", "wrong type", "missing required", "unknown property", "string rule", "case-folded key")
	}
	how := ways[g.pick(len(ways))]
	obj, _ := body.(map[string]any)
	sch := g.bodySchema(op)
	switch how {
	case "unknown query parameter":
		query = append(query, "nonsense=1")
	case "no token":
		delete(r.headers, "Authorization")
	case "bad X-Org-Id":
		r.headers[orgHeader] = []string{"acme", g.uuid(), g.tn.ids["org2"]}[g.pick(3)]
	case "bad Host":
		r.headers["Host"] = "evil.example"
	case "malformed path id":
		// The path's id, last or before a sub-resource (/v1/projects/{id}/budget).
		r.path = regexp.MustCompile(`/[0-9a-f-]{36}(/[a-z]+)?$`).ReplaceAllString(r.path, "/not-an-id$1")
	case "malformed JSON":
		body = rawBody(`{"name":`)
	case "duplicate key":
		body = rawBody(`{"name":"a","name":"b"}`)
	case "invalid UTF-8":
		body = rawBody("{\"name\":\"\xff\"}")
	case "wrong content type":
		r.headers["Content-Type"] = "text/plain"
		if body == nil {
			body = map[string]any{}
		}
	case "case-folded key":
		if len(obj) == 0 {
			body = rawBody(`{"NAME":"x"}`)
			break
		}
		for _, k := range sortedKeys((obj)) {
			obj[strings.ToUpper(k)] = obj[k]
			delete(obj, k)
			break
		}
	case "wrong type", "missing required", "unknown property", "string rule":
		if obj == nil || sch == nil {
			body = rawBody(`[]`)
			break
		}
		g.breakObject(how, sch, obj)
	}
	return how, body, query
}

func (g *generator) bodySchema(op *oaOp) *oaSchema {
	if op.RequestBody == nil {
		return nil
	}
	return g.doc.resolve(op.RequestBody.Content["application/json"].Schema)
}

// breakObject breaks one property of a body object.
func (g *generator) breakObject(how string, sch *oaSchema, obj map[string]any) {
	props := sortedKeys((sch.Properties))
	if len(props) == 0 {
		obj["unexpected"] = true
		return
	}
	name := props[g.pick(len(props))]
	p := g.doc.resolve(sch.Properties[name])
	switch how {
	case "wrong type":
		if p.is("string") {
			obj[name] = 42
		} else {
			obj[name] = map[string]any{"x": []any{}}
		}
	case "missing required":
		if len(sch.Required) > 0 {
			delete(obj, sch.Required[g.pick(len(sch.Required))])
		} else {
			obj[name] = nil
		}
	case "unknown property":
		obj["no_such_field"] = "x"
	case "string rule":
		switch {
		case p.MaxLength != nil:
			obj[name] = strings.Repeat("x", *p.MaxLength+1)
		case p.Pattern != "" || p.Format != "":
			obj[name] = "x\x1b[31m"
		case p.is("array"):
			obj[name] = []any{"not-an-id", "not-an-id"}
		default:
			obj[name] = "\x1b"
		}
	}
}

// pathID is an id for the operation's path: one of the tenant's rows of that kind most of
// the time, else another known id or a fresh one.
func (g *generator) pathID(op *oaOp) string {
	kinds := map[string]string{"/v1/clients/": "client", "/v1/projects/": "project", "/v1/tasks/": "task", "/v1/tags/": "tag",
		"/v1/time-entries/": "entry", "/v1/tokens/": "token_id", "/v1/organizations/": "org", "/v1/members/": "member_id"}
	for prefix, kind := range kinds {
		if strings.HasPrefix(op.path, prefix) && g.chance(0.7) {
			return g.tn.ids[kind]
		}
	}
	if g.chance(0.5) {
		ids := g.knownIDs()
		return ids[g.pick(len(ids))]
	}
	return g.uuid()
}

// header is a value for a documented request header, or false to leave it out.
func (g *generator) header(name string, s *oaSchema) (string, bool) {
	switch name {
	case orgHeader:
		if g.chance(0.7) {
			return "", false
		}
		return g.tn.ids["org"], true
	case idempotencyHeader:
		if g.chance(0.5) {
			return "", false
		}
		return fmt.Sprintf("key-%d", g.rng.Uint32()), true
	case "If-Match":
		return []string{``, `"1"`, `"2"`, `"1", "2"`, `W/"1"`, `*`}[g.pick(6)], true
	}
	return g.scalar(s, name), true
}

// candidates are strings tried for string schemas with a pattern or format; the first few
// that fit the schema are used.
func candidates() []string {
	return []string{"Acme", "a", "design review", "#a1b2c3", "#ABCDEF", "Europe/Berlin", "UTC", "America/New_York",
		"owner@acme.example.com", "new@example.com", "correct horse", "2025-11-02", "2025-11-30", "manual", "import",
		"member", "manager", "admin", "owner", "", "Local", "x\ty", "line\nbreak"}
}

// scalar is a query or header value for schema s.
func (g *generator) scalar(s *oaSchema, name string) string {
	v := g.value(s, name, 0)
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// value generates a value that fits s most of the time (the server may still refuse it
// for reasons a schema cannot state, such as an id of a row that does not exist).
func (g *generator) value(s *oaSchema, name string, depth int) any {
	s = g.doc.resolve(s)
	if s == nil {
		return nil
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.pick(len(s.Enum))]
	}
	switch {
	case s.is("object"):
		obj := map[string]any{}
		if depth > 3 {
			return obj
		}
		for _, k := range sortedKeys((s.Properties)) {
			if slices.Contains(s.Required, k) || g.chance(0.5) {
				obj[k] = g.value(s.Properties[k], k, depth+1)
			}
		}
		return obj
	case s.is("array"):
		n := g.pick(3)
		if s.MaxItems != nil && n > *s.MaxItems {
			n = *s.MaxItems
		}
		out := []any{}
		for range n {
			v := g.value(s.Items, name, depth+1)
			if s.UniqueItems && slices.Contains(out, v) {
				continue
			}
			out = append(out, v)
		}
		return out
	case s.is("integer"), s.is("number"):
		lo, hi := 0.0, 100.0
		if s.Minimum != nil {
			lo = *s.Minimum
		}
		if s.Maximum != nil {
			hi = *s.Maximum
		}
		return int(lo) + g.pick(int(hi-lo)+1)
	case s.is("boolean"):
		return g.chance(0.5)
	case s.is("string"):
		return g.str(s, name)
	}
	return nil
}

func (g *generator) str(s *oaSchema, name string) string {
	switch s.Format {
	case "uuid":
		ids := g.knownIDs()
		if g.chance(0.8) {
			return ids[g.pick(len(ids))]
		}
		return g.uuid()
	case "date-time":
		return time.Date(2025, 11, 1+g.pick(28), g.pick(24), 0, 0, 0, time.UTC).Format(time.RFC3339)
	case "date":
		return fmt.Sprintf("2025-11-%02d", 1+g.pick(28))
	case "email":
		return fmt.Sprintf("user%d@example.com", g.rng.Uint32())
	}
	fits := func(c string) bool {
		n := utf8.RuneCountInString(c)
		if s.MinLength != nil && n < *s.MinLength || s.MaxLength != nil && n > *s.MaxLength {
			return false
		}
		return s.Pattern == "" || regexp.MustCompile(s.Pattern).MatchString(c)
	}
	if s.Pattern == "" && g.chance(0.6) {
		c := fmt.Sprintf("%s %d", name, g.rng.Uint32()%1000)
		if fits(c) {
			return c
		}
	}
	var ok []string
	for _, c := range candidates() {
		if fits(c) {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		return "x"
	}
	return ok[g.pick(len(ok))]
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// check compares a response with what the document says of op; "" means they agree.
func (d *oaDoc) check(op *oaOp, res response) string {
	if res.status >= 500 {
		return "a server error"
	}
	decl, ok := op.Responses[strconv.Itoa(res.status)]
	if !ok {
		return fmt.Sprintf("status %d is not declared (declared: %v)", res.status, sortedKeys((op.Responses)))
	}
	for name, h := range decl.Headers {
		if h.Required && res.header.Get(name) == "" {
			return "required header " + name + " is missing"
		}
	}
	ct := res.header.Get("Content-Type")
	if res.status >= 400 && ct != problemContentType {
		return "a problem with Content-Type " + ct
	}
	if len(decl.Content) == 0 {
		if len(res.body) > 0 {
			return "a body where none is declared"
		}
		return ""
	}
	media := strings.TrimSpace(strings.Split(ct, ";")[0])
	mt, ok := decl.Content[media]
	if !ok {
		return "Content-Type " + ct + " is not declared"
	}
	if media == "image/jpeg" { // a screenshot: the bytes of a JPEG, not JSON
		if !bytes.HasPrefix(res.body, []byte{0xff, 0xd8, 0xff}) {
			return "an image/jpeg body that is no JPEG"
		}
		return ""
	}
	var v any
	if err := json.Unmarshal(res.body, &v); err != nil {
		return "the body is not JSON: " + err.Error()
	}
	return d.validate(mt.Schema, v, "body")
}

// validate checks v against s: types, required and unknown properties, formats, enums.
func (d *oaDoc) validate(s *oaSchema, v any, at string) string {
	s = d.resolve(s)
	if s == nil {
		return ""
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		return fmt.Sprintf("%s: %v is not one of %v", at, v, s.Enum)
	}
	typ := jsonType(v)
	if ts := s.types(); len(ts) > 0 && !slices.Contains(ts, typ) && !(typ == "integer" && slices.Contains(ts, "number")) {
		return fmt.Sprintf("%s: %s, want %v", at, typ, ts)
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range s.Required {
			if _, ok := x[k]; !ok {
				return at + "." + k + ": required but absent"
			}
		}
		for k, pv := range x {
			ps, ok := s.Properties[k]
			if !ok {
				if s.AdditionalProperties == false {
					return at + "." + k + ": not in the schema"
				}
				continue
			}
			if msg := d.validate(ps, pv, at+"."+k); msg != "" {
				return msg
			}
		}
	case []any:
		for i, it := range x {
			if msg := d.validate(s.Items, it, fmt.Sprintf("%s[%d]", at, i)); msg != "" {
				return msg
			}
		}
	case string:
		switch s.Format {
		case "uuid":
			if _, err := uuid.Parse(x); err != nil {
				return at + ": not a uuid: " + x
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339, x); err != nil {
				return at + ": not a date-time: " + x
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				return at + ": not a date: " + x
			}
		}
	}
	return ""
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}
