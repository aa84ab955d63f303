package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// watchedStore is the real SQLite store that also tells whether one of its write
// transactions is running a function right now.
type watchedStore struct {
	*sqlite.Store
	writing atomic.Int32
}

func (w *watchedStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	return w.Store.Write(ctx, func(tx app.Tx) error {
		w.writing.Add(1)
		defer w.writing.Add(-1)
		return fn(tx)
	})
}

// countingHasher is the real (cheap) argon2id hasher that counts its work and notes any hash
// made while a write transaction is open.
type countingHasher struct {
	st                      *watchedStore
	hashes, verifies, inTxn atomic.Int32
}

func (h *countingHasher) Hash(pw string) (string, error) {
	h.hashes.Add(1)
	if h.st != nil && h.st.writing.Load() > 0 {
		h.inTxn.Add(1)
	}
	return fastHasher.Hash(pw)
}

func (h *countingHasher) Verify(pw, encoded string) (bool, error) {
	h.verifies.Add(1)
	if h.st != nil && h.st.writing.Load() > 0 {
		h.inTxn.Add(1)
	}
	return fastHasher.Verify(pw, encoded)
}

func (h *countingHasher) reset() { h.hashes.Store(0); h.verifies.Store(0); h.inTxn.Store(0) }

func newCountingEnv(t *testing.T) (*app.Service, *countingHasher) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ws := &watchedStore{Store: st}
	h := &countingHasher{st: ws}
	return app.New(ws, app.Options{Hasher: h}), h
}

// TestPasswordsAreHashedOutsideWrites: every operation that hashes a password does so before
// its write transaction, which holds every tenant's writes.
func TestPasswordsAreHashedOutsideWrites(t *testing.T) {
	svc, h := newCountingEnv(t)
	ctx := context.Background()
	s := must[app.Session](t)(svc.Signup(ctx, app.SignupInput{Email: "o@example.com", Password: "correct horse", Name: "O", Organization: "Org"}))
	owner := must[app.Actor](t)(svc.Authenticate(ctx, s.Token, nil))
	must[app.Member](t)(svc.AddMember(ctx, owner, app.MemberInput{Email: "m@example.com", Name: "M", Role: app.RoleMember, Password: "correct horse"}))
	must[app.Session](t)(svc.Login(ctx, app.LoginInput{Email: "m@example.com", Password: "correct horse"}))
	if h.hashes.Load() < 2 || h.verifies.Load() < 1 {
		t.Fatalf("hashes %d, verifies %d: the operations did not hash", h.hashes.Load(), h.verifies.Load())
	}
	if n := h.inTxn.Load(); n != 0 {
		t.Fatalf("%d password hash operations ran inside a write transaction", n)
	}
}

// TestLoginDoesTheSameWorkForUnknownEmailAndWrongPassword counts hash operations: both
// failures verify exactly one hash, from the very first login of a service on.
func TestLoginDoesTheSameWorkForUnknownEmailAndWrongPassword(t *testing.T) {
	ctx := context.Background()
	type work struct{ hashes, verifies int32 }
	attempt := func(t *testing.T, svc *app.Service, h *countingHasher, in app.LoginInput) work {
		h.reset()
		_, err := svc.Login(ctx, in)
		wantErr(t, err, app.ErrUnauthorized)
		return work{h.hashes.Load(), h.verifies.Load()}
	}
	unknown := app.LoginInput{Email: "nobody@example.com", Password: "correct horse"}
	wrong := app.LoginInput{Email: "o@example.com", Password: "wrong horse"}
	signup := func(t *testing.T, svc *app.Service) {
		must[app.Session](t)(svc.Signup(ctx, app.SignupInput{Email: "o@example.com", Password: "correct horse", Name: "O", Organization: "Org"}))
	}
	// The first login of each of two fresh services, one per path.
	svc1, h1 := newCountingEnv(t)
	signup(t, svc1)
	svc2, h2 := newCountingEnv(t)
	signup(t, svc2)
	if u, w := attempt(t, svc1, h1, unknown), attempt(t, svc2, h2, wrong); u != w {
		t.Errorf("first login: unknown e-mail did %+v, wrong password %+v", u, w)
	}
	// Every later login.
	for range 3 {
		u, w := attempt(t, svc1, h1, unknown), attempt(t, svc1, h1, wrong)
		if u != w || u != (work{hashes: 0, verifies: 1}) {
			t.Fatalf("unknown e-mail did %+v, wrong password %+v; want one verification each", u, w)
		}
	}
}

// BenchmarkLoginFailure measures both failed-login paths with the production hasher; their
// ratio should be close to 1.
func BenchmarkLoginFailure(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{})
	if _, err := svc.Signup(ctx, app.SignupInput{Email: "o@example.com", Password: "correct horse", Name: "O", Organization: "Org"}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   app.LoginInput
	}{
		{"unknown_email", app.LoginInput{Email: "nobody@example.com", Password: "correct horse"}},
		{"wrong_password", app.LoginInput{Email: "o@example.com", Password: "wrong horse"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Login(ctx, c.in); !errors.Is(err, app.ErrUnauthorized) {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestAddMemberSaysNothingAboutOtherTenants: an address with an account in another tenant
// gets the same answer as one nobody uses, whether name and password are missing (the same
// field errors) or given (a new, separate user of this tenant).
func TestAddMemberSaysNothingAboutOtherTenants(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	_, other := e.signup()
	add := func(email string, full bool) (app.Member, error) {
		in := app.MemberInput{Email: email, Role: app.RoleMember}
		if full {
			in.Name, in.Password = "Someone", "new password"
		}
		return e.svc.AddMember(e.ctx, owner, in)
	}
	taken, free := other.User.Email, "free@example.com"
	_, errTaken := add(taken, false)
	_, errFree := add(free, false)
	if errTaken == nil || errFree == nil || errTaken.Error() != errFree.Error() ||
		!slices.Equal(fields(errTaken), fields(errFree)) {
		t.Fatalf("without name and password: taken elsewhere %v, free %v", errTaken, errFree)
	}
	mTaken := must[app.Member](t)(add(taken, true))
	mFree := must[app.Member](t)(add(free, true))
	if mTaken.UserID == other.User.ID || mTaken.TenantID != owner.TenantID || mTaken.Name != mFree.Name || mTaken.Role != mFree.Role ||
		mTaken.Version != mFree.Version {
		t.Fatalf("address of another tenant added as %+v; unused address as %+v", mTaken, mFree)
	}
	// The other tenant's account is untouched: its password still opens it, and the new
	// one opens only the new account.
	s := must[app.Session](t)(e.svc.Login(e.ctx, app.LoginInput{Email: taken, Password: "correct horse"}))
	if s.User.ID != other.User.ID {
		t.Fatalf("login without a tenant: user %s, want the first account %s", s.User.ID, other.User.ID)
	}
	s = must[app.Session](t)(e.svc.Login(e.ctx, app.LoginInput{Email: taken, Password: "new password", TenantID: owner.TenantID}))
	if s.User.ID != mTaken.UserID {
		t.Fatalf("login to this tenant: user %s, want %s", s.User.ID, mTaken.UserID)
	}
	_, err := e.svc.Login(e.ctx, app.LoginInput{Email: taken, Password: "new password", TenantID: other.Tenant.ID})
	wantErr(t, err, app.ErrUnauthorized)
}
