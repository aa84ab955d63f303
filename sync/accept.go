package sync

import (
	"context"
	"net/http"

	"github.com/stinthq/stint/app"
)

// AcceptInvitation accepts a team server's invitation code as a new account (POST
// /v1/invitations/accept with the code, the person's name, password and time zone) and
// returns the account's session, as a login does.
func AcceptInvitation(ctx context.Context, client *http.Client, baseURL, code, name, password, timezone string) (app.Session, error) {
	r, err := NewRemote(baseURL, "", client)
	if err != nil {
		return app.Session{}, err
	}
	body := map[string]string{"code": code, "name": name, "password": password}
	if timezone != "" {
		body["timezone"] = timezone
	}
	var sess app.Session
	err = r.post(ctx, "/v1/invitations/accept", body, &sess)
	return sess, err
}
