package server

import (
	"net/http"
	"testing"
)

func TestTags(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/tags", status: http.StatusUnauthorized},
		{name: "member lists", method: "GET", path: "/v1/tags", as: "member", status: http.StatusOK,
			want: map[string]any{"items.len": 1, "items.0.color": "#123456"}},
		{name: "manager creates with default colour", method: "POST", path: "/v1/tags", as: "manager", body: `{"name":"urgent"}`,
			status: http.StatusCreated, want: map[string]any{"name": "urgent", "color": "*"}},
		{name: "member may not create", method: "POST", path: "/v1/tags", as: "member", body: `{"name":"mine"}`, status: http.StatusForbidden},
		{name: "colour too long", method: "POST", path: "/v1/tags", as: "owner", body: `{"name":"x","color":"#1234567"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"color"}},
		{name: "duplicate", method: "POST", path: "/v1/tags", as: "owner", body: `{"name":"TAG OF ACME"}`, status: http.StatusConflict},
		{name: "member gets", method: "GET", path: "/v1/tags/$tag", as: "member", status: http.StatusOK},
		{name: "member may not patch", method: "PATCH", path: "/v1/tags/$tag", as: "member", body: `{"color":"#000000"}`, status: http.StatusForbidden},
		{name: "manager recolours", method: "PATCH", path: "/v1/tags/$new", as: "manager", body: `{"color":"#00FF00"}`,
			setup:  []step{create("owner", "/v1/tags", `{"name":"recoloured"}`, "new")},
			status: http.StatusOK, want: map[string]any{"color": "#00ff00", "version": 2}},
		{name: "bad colour", method: "PATCH", path: "/v1/tags/$tag", as: "manager", body: `{"color":"green"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"color"}},
		{name: "stale delete", method: "DELETE", path: "/v1/tags/$new", as: "manager", headers: map[string]string{"If-Match": `"1"`}, status: http.StatusPreconditionFailed,
			setup: []step{create("owner", "/v1/tags", `{"name":"stale"}`, "new"), change("owner", "PATCH", "/v1/tags/$new", `{"color":"#000000"}`)}},
		{name: "delete", method: "DELETE", path: "/v1/tags/$new", as: "manager", headers: map[string]string{"If-Match": `"2"`}, status: http.StatusNoContent,
			setup: []step{create("owner", "/v1/tags", `{"name":"deleted"}`, "new"), change("owner", "PATCH", "/v1/tags/$new", `{"color":"#000000"}`)}},
	})
}
