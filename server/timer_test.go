package server

import (
	"net/http"
	"testing"
)

func TestTimer(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/timer", status: http.StatusUnauthorized},
		{name: "nothing runs", method: "GET", path: "/v1/timer", as: "owner", status: http.StatusOK, want: map[string]any{"entry": nil}},
		{name: "stop when idle is 409", method: "POST", path: "/v1/timer/stop", as: "owner", status: http.StatusConflict,
			want: map[string]any{"detail": "no timer is running"}},
		{name: "start", method: "POST", path: "/v1/timer/start", as: "admin", body: `{"project_id":"$project","description":"deep work"}`,
			status: http.StatusCreated, want: map[string]any{"source": "timer", "stopped_at": nil, "billable": true, "project_id": "$project"}},
		{name: "member's timer is its own", method: "GET", path: "/v1/timer", as: "member", status: http.StatusOK,
			want: map[string]any{"entry.id": "$running_entry"}},
		{name: "start with unknown project", method: "POST", path: "/v1/timer/start", as: "owner",
			body: `{"project_id":"01890000-0000-7000-8000-000000000000"}`, status: http.StatusUnprocessableEntity, fields: []string{"project_id"}},
		{name: "start with unknown field", method: "POST", path: "/v1/timer/start", as: "owner", body: `{"project":"x"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"project"}},
		{name: "start with malformed JSON", method: "POST", path: "/v1/timer/start", as: "owner", body: `{`, status: http.StatusBadRequest},
	})

	// Switching: starting again stops the running entry at the same instant.
	t.Run("switching", func(t *testing.T) { testTimerSwitch(t, e, tn.token("manager")) })
}

func testTimerSwitch(t *testing.T, e *testEnv, owner string) {
	first := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/timer/start", token: owner, body: `{"description":"first"}`}).str("id")
	second := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/timer/start", token: owner, body: `{"description":"switched","billable":false}`})
	if second.str("id") == first || second.header.Get("Location") != "/v1/time-entries/"+second.str("id") || second.header.Get("ETag") != `"1"` {
		t.Fatalf("switch: %v %s", second.header, second.body)
	}
	old := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/time-entries/" + first, token: owner})
	if old.field("stopped_at") == nil || old.header.Get("ETag") != `"2"` {
		t.Fatalf("switching did not stop the first entry: %s", old.body)
	}
	if got := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/timer", token: owner}).str("entry.id"); got != second.str("id") {
		t.Fatalf("running %s, want %s", got, second.str("id"))
	}
	stopped := e.must(t, http.StatusOK, req{method: "POST", path: "/v1/timer/stop", token: owner})
	if stopped.str("id") != second.str("id") || stopped.field("stopped_at") == nil || stopped.header.Get("ETag") != `"2"` {
		t.Fatalf("stop: %v %s", stopped.header, stopped.body)
	}
	e.must(t, http.StatusConflict, req{method: "POST", path: "/v1/timer/stop", token: owner})
	if e.must(t, http.StatusOK, req{method: "GET", path: "/v1/timer", token: owner}).field("entry") != nil {
		t.Fatal("timer still running after stop")
	}
}
