package server

import (
	"encoding/json"
	"net/http"
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
		OpenAPI    string `json:"openapi"`
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
