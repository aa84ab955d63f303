package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// TestLogsHoldNoSecrets runs sign-up, login, a failed login, token use (session, personal and
// local API tokens, and a bogus one) and throttling with every log at debug level, then greps
// the captured log for each secret.
func TestLogsHoldNoSecrets(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}, Logger: log})
	ts := httptest.NewServer(New(svc, Config{AllowSignup: true, Logger: log, TrustedProxies: loopbackProxy}).Handler())
	t.Cleanup(ts.Close)
	e := &testEnv{store: st, svc: svc, ts: ts, client: ts.Client(), logs: logs}

	const (
		email     = "private.person@example.com"
		password  = "correct-horse-battery"
		wrongPass = "tr0ub4dor-guess"
		bogus     = "stint_notarealtokenbutlookslikeone0000000000000000000"
	)
	secrets := []string{email, password, wrongPass, bogus, "Bearer", "Authorization", "authorization"}

	res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/auth/signup",
		body: fmt.Sprintf(`{"email":%q,"password":%q,"name":"Private Person","organization":"Private Co"}`, email, password)})
	secrets = append(secrets, res.str("token"))
	res = e.must(t, http.StatusOK, loginReq(email, password, ""))
	session := res.str("token")
	secrets = append(secrets, session)
	e.must(t, http.StatusUnauthorized, loginReq(email, wrongPass, ""))
	e.must(t, http.StatusOK, req{method: "GET", path: "/v1/me", token: session})
	res = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/tokens", token: session, body: `{"name":"script"}`})
	personal := res.str("token")
	secrets = append(secrets, personal)
	e.must(t, http.StatusOK, req{method: "GET", path: "/v1/tokens", token: personal})
	e.must(t, http.StatusUnauthorized, req{method: "GET", path: "/v1/me", token: bogus})
	e.must(t, http.StatusUnauthorized, req{method: "GET", path: "/v1/me", headers: map[string]string{"Authorization": "Basic " + password}})
	for range DefaultLoginBurst {
		e.do(t, loginReq(email, wrongPass, ""))
	}

	// The local API token, as the desktop issues it, and the file it is kept in.
	local, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Me", Organization: "Personal", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	file := app.LocalTokenFile(t.TempDir())
	if _, err := svc.LocalAPIToken(ctx, local, file); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(string(file))
	if err != nil {
		t.Fatal(err)
	}
	localToken := strings.TrimSpace(string(b))
	secrets = append(secrets, localToken)
	e.must(t, http.StatusOK, req{method: "GET", path: "/v1/me", token: localToken})

	out := logs.String()
	for _, want := range []string{`"path":"/v1/auth/login"`, `"status":401`, `"status":429`, `"path":"/v1/me"`} {
		if !strings.Contains(out, want) {
			t.Fatalf("the log lacks %s, so it did not capture the requests:\n%s", want, out)
		}
	}
	for _, s := range secrets {
		if s == "" {
			t.Fatal("a secret under test is empty")
		}
		if strings.Contains(out, s) {
			t.Errorf("the log holds %q:\n%s", s, out)
		}
	}
}
