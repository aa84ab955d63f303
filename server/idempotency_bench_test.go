package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// BenchmarkIdempotentCreate compares, in one run, POST /v1/time-entries without an
// Idempotency-Key (group-committed with its neighbours) and with a fresh key per request
// (the change and its record in one unit of work), from concurrent connections.
// go test -run '^$' -bench BenchmarkIdempotentCreate -benchtime 1x ./server
func BenchmarkIdempotentCreate(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	ts := httptest.NewServer(New(svc, Config{AllowSignup: true}).Handler())
	defer ts.Close()
	sess, err := svc.Signup(context.Background(), app.SignupInput{Email: "bench@example.com", Password: "bench password",
		Name: "Bench", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	post := func(keyed bool) func(int) *http.Request {
		return func(i int) *http.Request {
			if keyed {
				i += 100_000
			}
			start := base.Add(time.Duration(i) * time.Minute)
			r, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/time-entries", bytes.NewReader(fmt.Appendf(nil,
				`{"description":"bench entry %d","started_at":%q,"stopped_at":%q}`, i,
				start.Format(time.RFC3339), start.Add(30*time.Minute).Format(time.RFC3339))))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+sess.Token)
			if keyed {
				r.Header.Set("Idempotency-Key", "bench-"+strconv.Itoa(i))
			}
			return r
		}
	}
	const n, rounds = 2000, 4
	var plain, keyed time.Duration
	b.ResetTimer()
	for round := range rounds {
		plain += drive(b, round*n/rounds, n/rounds, http.StatusCreated, post(false))
		keyed += drive(b, round*n/rounds, n/rounds, http.StatusCreated, post(true))
	}
	b.StopTimer()
	pr, kr := n/plain.Seconds(), n/keyed.Seconds()
	b.ReportMetric(pr, "plain_rps")
	b.ReportMetric(kr, "keyed_rps")
	b.ReportMetric(kr/pr, "keyed_ratio")
}
