package app_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// localEnv is an env with the local workspace set up and a token file in a temp data dir.
func localEnv(t *testing.T) (*env, app.Actor, app.TokenFile) {
	t.Helper()
	e := newEnv(t)
	a, created, err := e.svc.EnsureLocal(e.ctx, app.LocalSetup{Name: "Me", Organization: "Personal", Timezone: "Europe/Berlin"})
	if err != nil || !created {
		t.Fatal(err)
	}
	return e, a, app.LocalTokenFile(t.TempDir())
}

// databaseHolds says whether secret appears anywhere in the database's files.
func (e *env) databaseHolds(secret string) bool {
	e.t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(e.st.Path() + suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			e.t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			return true
		}
	}
	return false
}

// fileSecret is what the token file holds.
func fileSecret(t *testing.T, f app.TokenFile) string {
	t.Helper()
	b, err := os.ReadFile(string(f))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestLocalAPITokenIsKeptInAPrivateFile(t *testing.T) {
	e, a, f := localEnv(t)
	tok := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f))
	if got := fileSecret(t, f); got != tok {
		t.Fatalf("file holds %q, want the token", got)
	}
	if runtime.GOOS != "windows" {
		fi := must[os.FileInfo](t)(os.Stat(string(f)))
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("token file mode %v, want 0600", fi.Mode().Perm())
		}
	}
	if e.databaseHolds(tok) {
		t.Fatal("the database holds the token's secret")
	}
	if again := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f)); again != tok {
		t.Fatal("token not kept")
	}
	if runtime.GOOS != "windows" {
		// A file left readable by others is made private again.
		if err := os.Chmod(string(f), 0o644); err != nil {
			t.Fatal(err)
		}
		if again := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f)); again != tok {
			t.Fatal("token not kept")
		}
		if fi := must[os.FileInfo](t)(os.Stat(string(f))); fi.Mode().Perm() != 0o600 {
			t.Fatalf("token file mode %v after use, want 0600", fi.Mode().Perm())
		}
	}
	got := must[app.Actor](t)(e.svc.Authenticate(e.ctx, tok, nil))
	if got.UserID != a.UserID || got.OrgID != a.OrgID {
		t.Fatalf("token authenticates as %+v", got)
	}
	if entries := must[[]os.DirEntry](t)(os.ReadDir(filepath.Dir(string(f)))); len(entries) != 1 {
		t.Fatalf("data dir holds %v, want the token file alone", entries)
	}
}

func TestLocalAPITokenIsReissued(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, e *env, a app.Actor, f app.TokenFile)
	}{
		{"revoked", func(t *testing.T, e *env, a app.Actor, _ app.TokenFile) {
			toks := must[[]app.APIToken](t)(e.svc.Tokens(e.ctx, a))
			if len(toks) != 1 || toks[0].Name != app.LocalAPITokenName {
				t.Fatalf("tokens: %+v", toks)
			}
			if err := e.svc.RevokeToken(e.ctx, a, toks[0].ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"file deleted", func(t *testing.T, _ *env, _ app.Actor, f app.TokenFile) {
			if err := os.Remove(string(f)); err != nil {
				t.Fatal(err)
			}
		}},
		{"file garbled", func(t *testing.T, _ *env, _ app.Actor, f app.TokenFile) {
			if err := os.WriteFile(string(f), []byte("stint_nonsense\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, a, f := localEnv(t)
			tok := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f))
			tc.spoil(t, e, a, f)
			fresh := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f))
			if fresh == tok || fileSecret(t, f) != fresh {
				t.Fatal("no new token written")
			}
			if _, err := e.svc.Authenticate(e.ctx, fresh, nil); err != nil {
				t.Fatal(err)
			}
			// The lost token is revoked, not left behind.
			wantErr(t, must1Err(e.svc.Authenticate(e.ctx, tok, nil)), app.ErrUnauthorized)
			if toks := must[[]app.APIToken](t)(e.svc.Tokens(e.ctx, a)); len(toks) != 1 {
				t.Fatalf("%d tokens, want the new one alone", len(toks))
			}
		})
	}
}

func must1Err[T any](_ T, err error) error { return err }

func TestRotateLocalAPIToken(t *testing.T) {
	e, a, f := localEnv(t)
	other := must[app.CreatedToken](t)(e.svc.CreateToken(e.ctx, a, app.TokenInput{Name: "backup script"}))
	old := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f))
	fresh := must[string](t)(e.svc.RotateLocalAPIToken(e.ctx, a, f))
	if fresh == old || fileSecret(t, f) != fresh {
		t.Fatal("rotation wrote no new token")
	}
	wantErr(t, must1Err(e.svc.Authenticate(e.ctx, old, nil)), app.ErrUnauthorized)
	if _, err := e.svc.Authenticate(e.ctx, fresh, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(e.ctx, other.Token, nil); err != nil {
		t.Fatalf("rotation revoked another token: %v", err)
	}
	if again := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f)); again != fresh {
		t.Fatal("rotated token not kept")
	}
}

// TestUpgradeLocalToken opens a data directory as earlier versions left it: the local token's
// secret in plain text in the device settings.
func TestUpgradeLocalToken(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fileHeld string // the token file before the upgrade: "" none, "other" another token
	}{
		{"no file", ""},
		{"file holds another token", "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, a, f := localEnv(t)
			legacy := must[app.CreatedToken](t)(e.svc.CreateToken(e.ctx, a, app.TokenInput{Name: app.LocalAPITokenName}))
			err := e.st.Write(e.ctx, func(tx app.Tx) error {
				return tx.Device().Put(e.ctx, "local.api_token", legacy.Token)
			})
			if err != nil {
				t.Fatal(err)
			}
			var other string
			if tc.fileHeld == "other" {
				other = must[string](t)(e.svc.RotateLocalAPIToken(e.ctx, a, f))
			}

			if err := e.svc.UpgradeLocalToken(e.ctx, f); err != nil {
				t.Fatal(err)
			}
			err = e.st.Read(e.ctx, func(tx app.Tx) error {
				_, err := tx.Device().Get(e.ctx, "local.api_token")
				return err
			})
			wantErr(t, err, app.ErrNotFound)

			want := legacy.Token
			if other != "" {
				want = other
				wantErr(t, must1Err(e.svc.Authenticate(e.ctx, legacy.Token, nil)), app.ErrUnauthorized)
			}
			if got := fileSecret(t, f); got != want {
				t.Fatalf("file holds %q, want %q", got, want)
			}
			if got := must[string](t)(e.svc.LocalAPIToken(e.ctx, a, f)); got != want {
				t.Fatal("the upgraded token is not the one handed out")
			}
			// Rotating revokes the upgraded token, found by id.
			must[string](t)(e.svc.RotateLocalAPIToken(e.ctx, a, f))
			wantErr(t, must1Err(e.svc.Authenticate(e.ctx, want, nil)), app.ErrUnauthorized)
			// Opening again finds nothing to do.
			if err := e.svc.UpgradeLocalToken(e.ctx, f); err != nil {
				t.Fatal(err)
			}
			// Deleted means gone from the files too, not left in free space: once the store is
			// closed (and so checkpointed) no byte of the old secret remains.
			if err := e.st.Close(); err != nil {
				t.Fatal(err)
			}
			if e.databaseHolds(legacy.Token) {
				t.Fatal("the database files still hold the old plain token")
			}
		})
	}
}

// TestLocalAPITokenAcrossProcesses: the desktop and the CLI, each with its own store over one
// data directory, asking for the token at the same time get the same, working token.
func TestLocalAPITokenAcrossProcesses(t *testing.T) {
	e, a, f := localEnv(t)
	other, err := sqlite.Open(e.ctx, e.st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	svcs := []*app.Service{e.svc, app.New(other, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "other"})}
	const n = 8
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = svcs[i%2].LocalAPIToken(e.ctx, a, f)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("call %d got another token than call 0", i)
		}
	}
	if _, err := e.svc.Authenticate(e.ctx, got[0], nil); err != nil {
		t.Fatalf("the token handed out does not work: %v", err)
	}
}
