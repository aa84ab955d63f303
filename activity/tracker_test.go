//go:build linux

package activity

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// TestTrackerStoresExactCountsFromX11 runs the app's tracker on the real X11 source under
// Xvfb: the input xdotool generates while the timer runs is what the stored slot counts,
// with the window in front as its application.
func TestTrackerStoresExactCountsFromX11(t *testing.T) {
	x := startX(t)
	openWindow(t, x, "StintProbe", "probe")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{NodeID: "test"})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartTimer(ctx, a, app.TimerStart{Description: "probe"}); err != nil {
		t.Fatal(err)
	}
	tr := app.NewActivityTracker(svc, func() (app.ActivitySource, error) { return open(x.env, true) }, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	defer tr.Close(ctx)
	tr.Tick(ctx, &a) // opens the source: counting starts here
	if err := tr.Err(); err != nil {
		t.Fatal(err)
	}
	x.xdotool(t, "key", "h", "e", "l", "l", "o")
	x.xdotool(t, "click", "1")
	x.xdotool(t, "click", "1")
	x.xdotool(t, "mousemove", "300", "300")
	x.xdotool(t, "mousemove", "310", "320")
	x.xdotool(t, "mousemove", "600", "500")
	// Give the X server's recording stream a moment, tick, and stop the timer: entries
	// keep whole seconds, so the timer runs past one.
	time.Sleep(1200 * time.Millisecond)
	tr.Tick(ctx, &a)
	if _, err := svc.StopTimer(ctx, a); err != nil {
		t.Fatal(err)
	}
	tr.Tick(ctx, &a)
	today := time.Now().UTC().Format(app.DateLayout)
	slots, err := svc.Activity(ctx, a, app.ActivityQuery{From: today, To: today, Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	var keys, clicks, moves uint64
	apps := map[string]bool{}
	for _, s := range slots {
		keys, clicks, moves = keys+s.Keys, clicks+s.Clicks, moves+s.Moves
		for _, u := range s.Apps {
			apps[u.Name] = true
		}
	}
	if keys != 5 || clicks != 2 || moves != 3 {
		t.Fatalf("stored keys %d, clicks %d, moves %d; want 5, 2, 3 (%d slots)", keys, clicks, moves, len(slots))
	}
	if !apps["StintProbe"] {
		t.Fatalf("applications %v, want StintProbe", apps)
	}
}

// testWriter sends the tracker's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
