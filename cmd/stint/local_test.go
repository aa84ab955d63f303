package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestOpeningMovesThePlainLocalToken opens a data directory as earlier versions left it, with
// the local API token in plain text among the device settings.
func TestOpeningMovesThePlainLocalToken(t *testing.T) {
	h := newHarness(t)
	var secret string
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		tok, err := svc.CreateToken(ctx, a, app.TokenInput{Name: app.LocalAPITokenName})
		if err != nil {
			t.Fatal(err)
		}
		secret = tok.Token
		err = svc.Store().Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "local.api_token", secret) })
		if err != nil {
			t.Fatal(err)
		}
	})

	h.ok("timer", "status")

	file := filepath.Join(h.data, app.LocalTokenFileName)
	b, err := os.ReadFile(file)
	if err != nil || strings.TrimSpace(string(b)) != secret {
		t.Fatalf("token file: %v %q", err, b)
	}
	if fi, err := os.Stat(file); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		err := svc.Store().Read(ctx, func(tx app.Tx) error {
			_, err := tx.Device().Get(ctx, "local.api_token")
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "not found") {
			t.Errorf("the plain token is still in the database (err %v)", err)
		}
		if got, err := svc.LocalAPIToken(ctx, a, app.LocalTokenFile(h.data)); err != nil || got != secret {
			t.Errorf("local API token after the move: %v (same as before: %v)", err, got == secret)
		}
	})
}

func TestAPIToken(t *testing.T) {
	h := newHarness(t)
	tok := strings.TrimSpace(h.ok("api-token"))
	b, err := os.ReadFile(filepath.Join(h.data, app.LocalTokenFileName))
	if err != nil || strings.TrimSpace(string(b)) != tok || !strings.HasPrefix(tok, "stint_") {
		t.Fatalf("printed %q, file %q (%v)", tok, b, err)
	}
	if again := strings.TrimSpace(h.ok("api-token")); again != tok {
		t.Fatal("the token changed without --rotate")
	}
	r := h.run("api-token", "--rotate")
	fresh := strings.TrimSpace(r.stdout)
	if r.code != 0 || fresh == tok || !strings.Contains(r.stderr, "no longer works") {
		t.Fatalf("rotate: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	h.seed(func(ctx context.Context, svc *app.Service, _ app.Actor) {
		if _, err := svc.Authenticate(ctx, tok, nil); err == nil {
			t.Error("the old token still works")
		}
		if _, err := svc.Authenticate(ctx, fresh, nil); err != nil {
			t.Errorf("the new token: %v", err)
		}
	})
}
