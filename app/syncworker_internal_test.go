package app

import (
	"testing"
	"time"
)

func TestBackoffCeiling(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {6, 32 * time.Second},
		{7, time.Minute}, {8, time.Minute}, {1000, time.Minute},
	} {
		if got := backoffCeiling(tc.n, time.Second, time.Minute); got != tc.want {
			t.Errorf("backoffCeiling(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestJitterStaysWithinHalfAndAll(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		d := jitter(time.Minute)
		if d < 30*time.Second || d > time.Minute {
			t.Fatalf("jitter(1m) = %v, want between 30s and 1m", d)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Fatalf("jitter(1m) gave %d distinct waits in 200 draws: devices would retry in step", len(seen))
	}
}
