package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// BenchmarkListPath is one GET /v1/time-entries?limit=50 through the whole handler chain
// in process, without the network, so a profile or -benchmem shows the list path alone:
// go test -run '^$' -bench BenchmarkListPath -benchmem -cpuprofile /tmp/list.prof ./server
func BenchmarkListPath(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	h := New(svc, Config{AllowSignup: true}).Handler()
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "list@example.com", Password: "bench password",
		Name: "Bench", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		start := base.Add(time.Duration(i) * time.Hour)
		stop := start.Add(30 * time.Minute)
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: fmt.Sprintf("bench entry %d", i),
			StartedAt: start, StoppedAt: &stop}); err != nil {
			b.Fatal(err)
		}
	}
	url := fmt.Sprintf("/v1/time-entries?limit=%d", benchPageSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+url, nil)
		r.Header.Set("Authorization", "Bearer "+sess.Token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
