package server

import (
	"net/http"
	"testing"
)

func TestHealth(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.run(t, tn, []scenario{
		{name: "healthz", method: "GET", path: "/healthz", status: http.StatusOK, want: map[string]any{"status": "ok"}},
		{name: "readyz", method: "GET", path: "/readyz", status: http.StatusOK, want: map[string]any{"status": "ok"}},
		{name: "healthz ignores tokens", method: "GET", path: "/healthz", as: "member", status: http.StatusOK},
	})
}
