package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

func TestActivity(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	// The owner's entry has a slot too, which a member must never see.
	owner, err := e.svc.Authenticate(context.Background(), tn.token("owner"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordActivity(context.Background(), owner, app.ActivitySlot{EntryID: uuid.MustParse(tn.ids["entry"]),
		Start: time.Date(2025, 11, 2, 9, 0, 0, 0, time.UTC), Tracked: 10 * time.Minute, Active: time.Minute}); err != nil {
		t.Fatal(err)
	}
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30", status: http.StatusUnauthorized},
		{name: "member sees its slots with their counters", method: "GET", path: "/v1/activity?from=2025-11-03&to=2025-11-03", as: "member",
			status: http.StatusOK, want: map[string]any{"slots.len": 1, "slots.0.id": "$slot", "slots.0.entry_id": "$member_entry",
				"slots.0.user_id": "$member_id", "slots.0.start": "2025-11-03T09:00:00Z", "slots.0.tracked_seconds": 600,
				"slots.0.active_seconds": 360, "slots.0.keys": 420, "slots.0.clicks": 12, "slots.0.moves": 900, "slots.0.activity_percent": 60,
				"slots.0.apps.len": 2, "slots.0.apps.0.name": "Editor of acme", "slots.0.apps.0.seconds": 420}},
		{name: "another day has none", method: "GET", path: "/v1/activity?from=2025-11-04&to=2025-11-05", as: "member",
			status: http.StatusOK, want: map[string]any{"slots.len": 0}},
		{name: "owner sees the member's", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30&user_id=$member_id", as: "owner",
			status: http.StatusOK, want: map[string]any{"slots.len": 1}},
		{name: "a manager sees everyone's", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30", as: "manager",
			status: http.StatusOK, want: map[string]any{"slots.len": 2}},
		{name: "a member sees only its own", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30", as: "member",
			status: http.StatusOK, want: map[string]any{"slots.len": 1, "slots.0.user_id": "$member_id"}},
		{name: "a member may not read others'", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30&user_id=$owner_id", as: "member",
			status: http.StatusForbidden},
		{name: "the owner's own", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30&user_id=$owner_id", as: "owner",
			status: http.StatusOK, want: map[string]any{"slots.len": 1, "slots.0.entry_id": "$entry"}},
		{name: "dates required", method: "GET", path: "/v1/activity", as: "owner", status: http.StatusUnprocessableEntity, fields: []string{"from", "to"}},
		{name: "at most 31 days", method: "GET", path: "/v1/activity?from=2025-01-01&to=2025-11-30", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"to"}},
		{name: "bad user id", method: "GET", path: "/v1/activity?from=2025-11-01&to=2025-11-30&user_id=nope", as: "owner",
			status: http.StatusUnprocessableEntity, fields: []string{"user_id"}},
	})
}
