package server

import (
	"bytes"
	"image/jpeg"
	"net/http"
	"testing"
)

func TestScreenshots(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	const month = "?from=2025-11-01&to=2025-11-30"
	e.run(t, tn, []scenario{
		{name: "anonymous is 401", method: "GET", path: "/v1/screenshots" + month, status: http.StatusUnauthorized},
		{name: "a member lists its own", method: "GET", path: "/v1/screenshots" + month, as: "member", status: http.StatusOK,
			want: map[string]any{"screenshots.len": 1, "screenshots.0.id": "$member_screenshot", "screenshots.0.user_id": "$member_id",
				"screenshots.0.time_entry_id": "$member_entry", "screenshots.0.taken_at": "2025-11-03T09:05:00Z",
				"screenshots.0.slot_start": "2025-11-03T09:00:00Z", "screenshots.0.width": 64, "screenshots.0.height": 40,
				"screenshots.0.sha256": "*", "screenshots.0.bytes": "*"}},
		{name: "a member may not list others'", method: "GET", path: "/v1/screenshots" + month + "&user_id=$owner_id", as: "member",
			status: http.StatusForbidden},
		{name: "a manager lists everyone's", method: "GET", path: "/v1/screenshots" + month, as: "manager", status: http.StatusOK,
			want: map[string]any{"screenshots.len": 2, "screenshots.0.id": "$owner_screenshot", "screenshots.1.id": "$member_screenshot"}},
		{name: "another day has none", method: "GET", path: "/v1/screenshots?from=2025-11-04&to=2025-11-05", as: "manager",
			status: http.StatusOK, want: map[string]any{"screenshots.len": 0}},
		{name: "dates required", method: "GET", path: "/v1/screenshots", as: "owner", status: http.StatusUnprocessableEntity, fields: []string{"from", "to"}},
		{name: "a member fetches its own image", method: "GET", path: "/v1/screenshots/$member_screenshot", as: "member", status: http.StatusOK,
			header: map[string]string{"Content-Type": "image/jpeg"}},
		{name: "a member fetches its own thumbnail", method: "GET", path: "/v1/screenshots/$member_screenshot/thumbnail", as: "member",
			status: http.StatusOK, header: map[string]string{"Content-Type": "image/jpeg"}},
		{name: "a member does not find the owner's", method: "GET", path: "/v1/screenshots/$owner_screenshot", as: "member", status: http.StatusNotFound},
		{name: "nor its thumbnail", method: "GET", path: "/v1/screenshots/$owner_screenshot/thumbnail", as: "member", status: http.StatusNotFound},
		{name: "a manager fetches the member's", method: "GET", path: "/v1/screenshots/$member_screenshot", as: "manager", status: http.StatusOK,
			header: map[string]string{"Content-Type": "image/jpeg"}},
		{name: "a manager may not delete the member's", method: "DELETE", path: "/v1/screenshots/$member_screenshot", as: "manager",
			status: http.StatusForbidden},
		{name: "a member does not find the owner's to delete", method: "DELETE", path: "/v1/screenshots/$owner_screenshot", as: "member",
			status: http.StatusNotFound},
		{name: "a stale version is refused", method: "DELETE", path: "/v1/screenshots/$member_screenshot", as: "member",
			headers: map[string]string{"If-Match": `"7"`}, status: http.StatusPreconditionFailed},
		{name: "a bad id", method: "GET", path: "/v1/screenshots/nope", as: "owner", status: http.StatusUnprocessableEntity},
	})

	// The image is the JPEG the timer stored; its user deletes it, which keeps the entry
	// and its time.
	res := e.must(t, http.StatusOK, req{method: "GET", path: tn.expand("/v1/screenshots/$member_screenshot"), token: tn.token("member")})
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(res.body)); err != nil || cfg.Width != 64 || cfg.Height != 40 {
		t.Fatalf("image: %+v, %v", cfg, err)
	}
	entry := e.must(t, http.StatusOK, req{method: "GET", path: tn.expand("/v1/time-entries/$member_entry"), token: tn.token("member")})
	e.must(t, http.StatusNoContent, req{method: "DELETE", path: tn.expand("/v1/screenshots/$member_screenshot"), token: tn.token("member")})
	e.must(t, http.StatusNotFound, req{method: "GET", path: tn.expand("/v1/screenshots/$member_screenshot/thumbnail"), token: tn.token("member")})
	after := e.must(t, http.StatusOK, req{method: "GET", path: tn.expand("/v1/time-entries/$member_entry"), token: tn.token("member")})
	if string(after.body) != string(entry.body) {
		t.Errorf("the entry changed when its screenshot went:\n%s\n%s", entry.body, after.body)
	}
}

func TestOrganizationActivitySettingsAPI(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.run(t, tn, []scenario{
		{name: "off by default", method: "GET", path: "/v1/organizations/$org", as: "member", status: http.StatusOK,
			want: map[string]any{"activity.screenshots": false, "activity.window_titles": false, "activity.screenshot_minutes": 10,
				"activity.screenshot_random": false}},
		{name: "an admin turns them on", method: "PATCH", path: "/v1/organizations/$org", as: "admin", status: http.StatusOK,
			body: `{"activity":{"screenshots":true,"screenshot_minutes":3,"screenshot_random":true,"window_titles":true}}`,
			want: map[string]any{"activity.screenshots": true, "activity.window_titles": true, "activity.screenshot_minutes": 3,
				"activity.screenshot_random": true, "name": "*"}},
		{name: "one field leaves the others", method: "PATCH", path: "/v1/organizations/$org", as: "owner", status: http.StatusOK,
			setup: []step{change("owner", "PATCH", "/v1/organizations/$org",
				`{"activity":{"screenshots":false,"screenshot_minutes":10,"screenshot_random":false,"window_titles":false}}`)},
			body: `{"activity":{"window_titles":true}}`,
			want: map[string]any{"activity.screenshots": false, "activity.window_titles": true, "activity.screenshot_minutes": 10}},
		{name: "a manager may not", method: "PATCH", path: "/v1/organizations/$org", as: "manager", status: http.StatusForbidden,
			body: `{"activity":{"screenshots":true}}`},
		{name: "a member may not", method: "PATCH", path: "/v1/organizations/$org", as: "member", status: http.StatusForbidden,
			body: `{"activity":{"window_titles":true}}`},
		{name: "an interval outside 1, 3, 5, 10", method: "PATCH", path: "/v1/organizations/$org", as: "owner",
			status: http.StatusUnprocessableEntity, body: `{"activity":{"screenshot_minutes":2}}`, fields: []string{"activity.screenshot_minutes"}},
	})
}
