package server

import (
	"net/http"
	"testing"
)

func TestIdle(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/timer/idle", status: http.StatusUnauthorized},
		{name: "the member sees its waiting idle time", method: "GET", path: "/v1/timer/idle", as: "member",
			status: http.StatusOK, want: map[string]any{"idle.entry_id": "$member_entry", "idle.user_id": "$member_id", "idle.from": "2025-11-03T09:10:00Z", "idle.to": "2025-11-03T09:20:00Z"}},
		{name: "nobody else sees it", method: "GET", path: "/v1/timer/idle", as: "owner",
			status: http.StatusOK, want: map[string]any{"idle": nil}},
		{name: "nobody else answers it", method: "POST", path: "/v1/timer/idle", as: "owner", body: `{"choice":"discard"}`,
			status: http.StatusNotFound},
		{name: "an unknown answer", method: "POST", path: "/v1/timer/idle", as: "member", body: `{"choice":"later"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"choice"}},
		{name: "discard after the fact: the entry is split around the time away", method: "POST", path: "/v1/timer/idle", as: "member",
			body: `{"choice":"discard"}`, status: http.StatusOK,
			want: map[string]any{"choice": "discard", "entry.id": "$member_entry", "entry.stopped_at": "2025-11-03T09:10:00Z",
				"resumed.started_at": "2025-11-03T09:20:00Z", "resumed.stopped_at": "2025-11-03T09:45:00Z"}},
		{name: "answered once", method: "POST", path: "/v1/timer/idle", as: "member", body: `{"choice":"keep"}`,
			status: http.StatusNotFound},
		{name: "nothing waits any more", method: "GET", path: "/v1/timer/idle", as: "member",
			status: http.StatusOK, want: map[string]any{"idle": nil}},
	})
}
