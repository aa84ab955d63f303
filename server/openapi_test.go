package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPI checks the generated document: OpenAPI 3.1, a bearer scheme, every route
// described, and authenticated operations marked as such.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t)
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/openapi.json"})
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "json") {
		t.Fatalf("Content-Type %q", ct)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Tags    []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tags"`
		Components struct {
			Schemas         map[string]json.RawMessage `json:"schemas"`
			SecuritySchemes map[string]struct {
				Type   string `json:"type"`
				Scheme string `json:"scheme"`
			} `json:"securitySchemes"`
		} `json:"components"`
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
			Responses   map[string]any        `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %q has no description (tagDescriptions)", tag.Name)
		}
	}
	if s := doc.Components.SecuritySchemes[bearerScheme]; s.Type != "http" || s.Scheme != "bearer" {
		t.Fatalf("bearer scheme: %+v", s)
	}
	ids := map[string]bool{}
	for _, r := range e.srv.Routes() {
		if r.Pattern == "/v1/openapi.json" {
			continue
		}
		op, ok := doc.Paths[r.Pattern][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is not in the OpenAPI document", r.Method, r.Pattern)
			continue
		}
		if op.OperationID == "" || ids[op.OperationID] {
			t.Errorf("%s %s: operation id %q missing or repeated", r.Method, r.Pattern, op.OperationID)
		}
		ids[op.OperationID] = true
		public := isPublic(httptestRequest(r.Method, r.Pattern))
		secured := len(op.Security) > 0 && op.Security[0][bearerScheme] != nil
		if public == secured {
			t.Errorf("%s %s: public %v but security %v", r.Method, r.Pattern, public, op.Security)
		}
		if !public {
			if _, ok := op.Responses["401"]; !ok {
				t.Errorf("%s %s does not document 401", r.Method, r.Pattern)
			}
		}
	}
	// PATCH fields that may be null say so, and keep their uuid format.
	var patch struct {
		Properties map[string]struct {
			Type   any    `json:"type"`
			Format string `json:"format"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["TimeEntryPatchBody"], &patch); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"project_id", "task_id"} {
		p := patch.Properties[f]
		types, _ := p.Type.([]any)
		if p.Format != "uuid" || !slices.Contains(types, any("null")) || !slices.Contains(types, any("string")) {
			t.Errorf("TimeEntryPatchBody.%s: %+v, want a nullable uuid string", f, p)
		}
	}
	// Responses: ids that may be null are nullable; others are not.
	for schema, fields := range map[string]map[string]bool{
		"TimeEntry": {"project_id": true, "task_id": true, "id": false, "user_id": false},
		"Project":   {"client_id": true, "id": false},
	} {
		var sch struct {
			Properties map[string]struct {
				Type any `json:"type"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(doc.Components.Schemas[schema], &sch); err != nil {
			t.Fatal(err)
		}
		for f, nullable := range fields {
			types, _ := sch.Properties[f].Type.([]any)
			if got := slices.Contains(types, any("null")); got != nullable {
				t.Errorf("%s.%s nullable %v, want %v", schema, f, got, nullable)
			}
		}
	}
	var problem struct {
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["Problem"], &problem); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"type", "title", "status", "errors"} {
		if !slices.Contains(problem.Required, f) {
			t.Errorf("Problem schema does not require %s", f)
		}
	}
}

func httptestRequest(method, path string) *http.Request {
	r, _ := http.NewRequest(method, path, nil)
	return r
}

// update rewrites golden files: go test ./server -run TestOpenAPIGolden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestOpenAPIGolden compares the served document with testdata/openapi.json, so every
// change to the API contract shows in review as a change to that file.
func TestOpenAPIGolden(t *testing.T) {
	e := newEnv(t)
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/openapi.json"})
	var got bytes.Buffer
	if err := json.Indent(&got, res.body, "", "  "); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	golden := filepath.Join("testdata", "openapi.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./server -run TestOpenAPIGolden -update)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("the OpenAPI document differs from %s:\n%s\nIf the change is intended, run: go test ./server -run TestOpenAPIGolden -update",
			golden, firstDiff(string(want), got.String()))
	}
}

// firstDiff shows the first differing line of two texts with a little context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  golden: %s\n  served: %s", i+1, w, g)
		}
	}
	return "(no line differs)"
}
