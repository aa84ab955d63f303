package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestInvitationAcceptRaceOnPostgres accepts one code from several connections at once
// through the app's service, as the application role under READ COMMITTED: exactly one
// accept gets a session; the others wait for its lock, then find the code used, and none of
// them leaves an account or a membership behind.
func TestInvitationAcceptRaceOnPostgres(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "owner@example.com", Password: "correct horse", Name: "Owner", Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		inv, err := svc.CreateInvitation(ctx, owner, app.InvitationInput{Email: fmt.Sprintf("race%d@example.com", round), Role: app.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = svc.AcceptInvitation(ctx, nil, app.AcceptInput{Code: inv.Code, Name: fmt.Sprint("Racer ", i), Password: "correct horse"})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			var ce *app.InvitationClosedError
			switch {
			case err == nil:
				won++
			case errors.As(err, &ce) && ce.Status == app.InvitationAccepted:
			default:
				t.Errorf("round %d: a losing accept: %v, want the invitation used", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d accepts succeeded, want exactly 1: %v", round, won, errs)
		}
	}
	members, err := svc.Members(ctx, owner, app.ListParams{})
	if err != nil || len(members.Items) != 4 {
		t.Errorf("members after three races: %d (%v), want the owner and one per race", len(members.Items), err)
	}
}
