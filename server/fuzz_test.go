package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// commonSeeds are bodies every create endpoint is fuzzed from.
func commonSeeds() []string {
	return []string{
		``, `{}`, `[]`, `null`, `"x"`, `0`, `{"name":null}`, `{"name":`, `{"name":"\u0000"}`, `{"name":"` + strings.Repeat("é", 300) + `"}`,
		`{"a":{"b":{"c":{"d":[[[[[[]]]]]]}}}}`, `{"name":1e400}`, `{"name":"x","name":"y"}`, "\xff\xfe{}", `{"NAME":"x"}`,
		`{"tag_ids":[null]}`, `{"started_at":"2025-13-45T99:99:99Z"}`, `{"project_id":"00000000-0000-0000-0000-000000000000"}`,
		`{"user_id":"urn:uuid:01890000-0000-7000-8000-000000000000"}`, `{"limit":-1}`, `{"expires_in_days":1e10}`,
	}
}

// fuzzCreate posts arbitrary bytes as JSON to path through the real handler (middleware
// chain, huma validation, service, SQLite) and checks the server never fails and answers
// every client error with a problem document.
func fuzzCreate(f *testing.F, path string, seeds ...string) {
	e := newEnv(f)
	tn := e.newTenant(f, "fuzz")
	e.seed(f, tn)
	for _, s := range append(seeds, commonSeeds()...) {
		f.Add([]byte(tn.expand(s)))
	}
	h := e.srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Host = "127.0.0.1"
		r.RemoteAddr = "127.0.0.1:1234"
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+tn.token("owner"))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("POST %s %q: %d %s", path, body, w.Code, w.Body.Bytes())
		}
		if w.Code >= 400 {
			if ct := w.Header().Get("Content-Type"); ct != problemContentType {
				t.Fatalf("POST %s %q: %d with Content-Type %q", path, body, w.Code, ct)
			}
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code || p.Errors == nil {
				t.Fatalf("POST %s %q: bad problem %s (%v)", path, body, w.Body.Bytes(), err)
			}
			if bytes.Contains(w.Body.Bytes(), body) && len(body) > 8 {
				t.Fatalf("POST %s: the problem echoes the request body: %s", path, w.Body.Bytes())
			}
		}
	})
}

func FuzzCreateClient(f *testing.F) { fuzzCreate(f, "/v1/clients", `{"name":"Globex"}`) }

func FuzzCreateProject(f *testing.F) {
	fuzzCreate(f, "/v1/projects", `{"name":"Apollo","client_id":"$client","color":"#aabbcc","billable":true}`)
}

func FuzzCreateTask(f *testing.F) {
	fuzzCreate(f, "/v1/tasks", `{"project_id":"$project","name":"Write"}`)
}

func FuzzCreateTag(f *testing.F) { fuzzCreate(f, "/v1/tags", `{"name":"urgent","color":"#ff0000"}`) }

func FuzzCreateTimeEntry(f *testing.F) {
	fuzzCreate(f, "/v1/time-entries",
		`{"project_id":"$project","task_id":"$task","tag_ids":["$tag"],"started_at":"2025-11-05T08:00:00Z","stopped_at":"2025-11-05T09:00:00Z"}`,
		`{"user_id":"$member_id","started_at":"2025-11-05T08:00:00+01:00","stopped_at":"2025-11-05T08:00:01+01:00","timezone":"Asia/Kolkata","source":"import"}`)
}

func FuzzStartTimer(f *testing.F) {
	fuzzCreate(f, "/v1/timer/start", `{"project_id":"$project","description":"x","tag_ids":["$tag"],"billable":false}`)
}

func FuzzCreateMember(f *testing.F) {
	fuzzCreate(f, "/v1/members", `{"email":"new@fuzz.example.com","name":"New","role":"member","password":"long enough"}`)
}

func FuzzCreateOrganization(f *testing.F) {
	fuzzCreate(f, "/v1/organizations", `{"name":"Labs","timezone":"America/New_York"}`)
}

func FuzzCreateToken(f *testing.F) {
	fuzzCreate(f, "/v1/tokens", `{"name":"cli","expires_in_days":30}`)
}

func FuzzSignup(f *testing.F) {
	fuzzCreate(f, "/v1/auth/signup", `{"email":"a@b.example","password":"long enough","name":"A","organization":"B","timezone":"UTC"}`)
}

func FuzzLogin(f *testing.F) {
	fuzzCreate(f, "/v1/auth/login", `{"email":"owner@fuzz.example.com","password":"correct horse"}`)
}

func FuzzParseIfMatch(f *testing.F) {
	for _, s := range []string{"", "*", `"1"`, `W/"2"`, "3", `"x"`, `W/""`, `"`, "-1", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		versions, any := parseIfMatch(s)
		if any && len(versions) > 0 {
			t.Fatalf("parseIfMatch(%q) = %v and any", s, versions)
		}
		for _, v := range versions {
			// Every version the list names is one of our strong tags, quoted as sent.
			if v <= 0 || !strings.Contains(s, etag(v)) {
				t.Fatalf("parseIfMatch(%q) names version %d", s, v)
			}
		}
	})
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"", "Bearer x", "bearer  x ", "Basic x", "Bearer", "Bearer ", "Bearer a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := bearerToken(h)
		if ok && (tok == "" || strings.TrimSpace(tok) != tok) {
			t.Fatalf("bearerToken(%q) = %q", h, tok)
		}
	})
}

// FuzzStrictUnmarshal checks that what the strict decoder accepts is valid UTF-8 JSON that
// encoding/json decodes to the same value.
func FuzzStrictUnmarshal(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":1,"a":2}`, `{"a":1,"A":2}`, `"\ud800"`, `"\ud83d\ude00"`, `[1,{"x":[]}]`, "\"\xff\"", `"\\u0041"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got any
		if err := strictUnmarshal(data, &got); err != nil {
			return
		}
		if !utf8.Valid(data) || !json.Valid(data) {
			t.Fatalf("accepted %q", data)
		}
		var want any
		if err := json.Unmarshal(data, &want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("strict %v, encoding/json %v (%v)", got, want, err)
		}
		if strings.ContainsRune(fmt.Sprint(got), utf8.RuneError) && !strings.Contains(string(data), "\ufffd") && !strings.Contains(strings.ToLower(string(data)), `\ufffd`) {
			t.Fatalf("accepted %q, which decodes with U+FFFD", data)
		}
	})
}
