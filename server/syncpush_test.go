package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// pushMutation is one mutation of a push body; row is JSON ("" for none).
func pushMutation(entity, entityID, op, row string) string {
	m := fmt.Sprintf(`{"id":%q,"device_seq":1,"hlc":"%015d-%010d-laptop","entity":%q,"entity_id":%q,"op":%q`,
		app.NewID(), time.Now().UnixMilli(), 0, entity, entityID, op)
	if row != "" {
		m += `,"row":` + row
	}
	return m + "}"
}

// pushBody is a push in protocol version protocol.
func pushBody(protocol int, mutations ...string) string {
	return fmt.Sprintf(`{"protocol":%d,"device_id":"laptop","mutations":[%s]}`, protocol, strings.Join(mutations, ","))
}

func TestSyncPush(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	newTag, newEntry := app.NewID().String(), app.NewID().String()
	started := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	tooMany := make([]string, app.MaxPushBatch+1)
	for i := range tooMany {
		tooMany[i] = pushMutation("tag", app.NewID().String(), "delete", "")
	}
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "POST", path: "/v1/sync/push", body: pushBody(1), status: http.StatusUnauthorized},
		{name: "an empty batch", method: "POST", path: "/v1/sync/push", as: "member", body: pushBody(1), status: http.StatusOK,
			want: map[string]any{"protocol": app.SyncProtocol, "results.len": 0}},
		{name: "an empty batch in the current protocol", method: "POST", path: "/v1/sync/push", as: "member",
			body: pushBody(app.SyncProtocol), status: http.StatusOK, want: map[string]any{"protocol": app.SyncProtocol, "results.len": 0}},
		{name: "a manager's new tag and a member's running entry", method: "POST", path: "/v1/sync/push", as: "manager",
			body: pushBody(1,
				pushMutation("tag", newTag, "upsert", `{"name":"pushed","color":"#00aa00"}`),
				pushMutation("time_entry", newEntry, "upsert", `{"project_id":"$project","started_at":"`+started+`","source":"timer","tag_ids":["`+newTag+`"]}`)),
			status: http.StatusOK, want: map[string]any{"results.len": 2,
				"results.0.status": "applied", "results.0.row.id": newTag, "results.0.row.name": "pushed", "results.0.version": 1,
				"results.1.status": "applied", "results.1.row.id": newEntry, "results.1.row.stopped_at": nil, "results.1.row.source": "timer",
				"results.1.row.user_id": "$manager_id", "results.1.row.billable": false}},
		{name: "rejections are answered, not refused", method: "POST", path: "/v1/sync/push", as: "member",
			body: pushBody(1,
				pushMutation("project", app.NewID().String(), "upsert", `{"name":"mine"}`),
				pushMutation("tag", "$tag", "delete", ""),
				pushMutation("time_entry", app.NewID().String(), "upsert", `{"started_at":"1999-01-01T00:00:00Z","stopped_at":"1999-01-01T01:00:00Z"}`),
				pushMutation("time_entry", "$entry", "upsert", `{"description":"the owner's"}`),
				pushMutation("client", "$client", "upsert", `{"name":"x"}`)),
			status: http.StatusOK, want: map[string]any{"results.len": 5,
				"results.0.status": "rejected", "results.0.reason": "forbidden", "results.0.row": nil,
				"results.1.reason": "forbidden", "results.2.reason": "invalid", "results.3.reason": "not_found", "results.4.reason": "forbidden",
				"results.2.message": "*"}},
		{name: "another protocol is 409 with both versions", method: "POST", path: "/v1/sync/push", as: "member", body: pushBody(3),
			status: http.StatusConflict, want: map[string]any{"type": "sync-protocol", "client_protocol": 3, "server_protocol": app.SyncProtocol,
				"detail": "*", "request_id": "*"}, header: map[string]string{"Content-Type": "application/problem+json"}},
		{name: "more than 500 mutations", method: "POST", path: "/v1/sync/push", as: "owner", body: pushBody(1, tooMany...),
			status: http.StatusUnprocessableEntity, fields: []string{"mutations"}},
		{name: "a mutation without an id", method: "POST", path: "/v1/sync/push", as: "owner",
			body:   `{"protocol":1,"mutations":[{"device_seq":1,"hlc":"x","entity":"tag","entity_id":"` + newTag + `","op":"delete"}]}`,
			status: http.StatusUnprocessableEntity, fields: []string{"mutations[0].id"}},
		{name: "in an organization the caller is not in", method: "POST", path: "/v1/sync/push", as: "member", body: pushBody(1),
			headers: map[string]string{"X-Org-Id": "$org2"}, status: http.StatusNotFound},
	})
}

// TestSyncPushRetry: the same request again is answered from the first outcomes, also with
// an Idempotency-Key, and applies nothing twice.
func TestSyncPushRetry(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	id := app.NewID().String()
	body := pushBody(1, pushMutation("tag", id, "upsert", `{"name":"once"}`), pushMutation("tag", id, "upsert", `{"name":"once, renamed"}`))
	for i, headers := range []map[string]string{nil, nil, {"Idempotency-Key": "push-1"}, {"Idempotency-Key": "push-1"}} {
		res := e.must(t, http.StatusOK, req{method: "POST", path: "/v1/sync/push", token: tn.token("owner"), body: body, headers: headers})
		if got := res.field("results.1.replayed"); (got == true) != (i > 0) {
			t.Errorf("push %d: replayed %v: %s", i, got, res.body)
		}
		if got := res.str("results.1.status"); got != "applied" {
			t.Errorf("push %d: %s", i, res.body)
		}
	}
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/tags/" + id, token: tn.token("owner")})
	if res.str("name") != "once, renamed" || res.field("version") != float64(2) {
		t.Errorf("tag after four pushes: %s", res.body)
	}
}
