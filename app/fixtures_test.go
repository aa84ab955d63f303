package app_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// fastHasher keeps argon2id real but cheap in tests.
var fastHasher = app.Argon2id{Memory: 64, Time: 1, Threads: 1}

type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *app.Service
	st    *sqlite.Store
	clock *app.FixedClock
	n     atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	return &env{t: t, ctx: context.Background(), st: st, clock: clock,
		svc: app.New(st, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "test"})}
}

// signup creates a fresh tenant and returns its owner.
func (e *env) signup() (app.Actor, app.Session) {
	e.t.Helper()
	n := e.n.Add(1)
	s, err := e.svc.Signup(e.ctx, app.SignupInput{Email: fmt.Sprintf("owner%d@example.com", n), Password: "correct horse",
		Name: "Owner", Organization: fmt.Sprintf("Org %d", n), Timezone: "Europe/Berlin"})
	if err != nil {
		e.t.Fatalf("signup: %v", err)
	}
	a, err := e.svc.Authenticate(e.ctx, s.Token, nil)
	if err != nil {
		e.t.Fatalf("authenticate: %v", err)
	}
	return a, s
}

// member adds a user with role to the owner's organization and returns it as an actor.
func (e *env) member(owner app.Actor, role app.Role) app.Actor {
	e.t.Helper()
	n := e.n.Add(1)
	m, err := e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: fmt.Sprintf("user%d@example.com", n), Name: "User", Role: role, Password: "correct horse"})
	if err != nil {
		e.t.Fatalf("add member: %v", err)
	}
	return app.Actor{TenantID: owner.TenantID, OrgID: owner.OrgID, UserID: m.UserID, Role: role}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want %v", err, target)
	}
}

// fields returns the names of a ValidationError's fields.
func fields(err error) []string {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}
