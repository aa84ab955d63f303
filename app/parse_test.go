package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func TestParseDuration(t *testing.T) {
	ok := map[string]time.Duration{
		"1h30m": 90 * time.Minute, "90m": 90 * time.Minute, "1.5h": 90 * time.Minute, "1:30": 90 * time.Minute,
		"1:30:15": 90*time.Minute + 15*time.Second, "45": 45 * time.Minute, " 2H ": 2 * time.Hour, "0:05": 5 * time.Minute, "0": 0,
	}
	for in, want := range ok {
		got, err := app.ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1h", "1:5", "1:60", "abc", "1:30:15:00", "99999h", "NaN", "-5", "1e9"} {
		if d, err := app.ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want error", bad, d)
		}
	}
}

func TestParseTimeArg(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 3, 29, 10, 0, 0, 0, time.UTC) // 12:00 in Berlin, the day clocks spring forward
	cases := map[string]time.Time{
		"now":                  now,
		"today":                time.Date(2026, 3, 29, 0, 0, 0, 0, berlin),
		"yesterday":            time.Date(2026, 3, 28, 0, 0, 0, 0, berlin),
		"tomorrow":             time.Date(2026, 3, 30, 0, 0, 0, 0, berlin),
		"2026-11-23":           time.Date(2026, 11, 23, 0, 0, 0, 0, berlin),
		"2026-11-23 14:05":     time.Date(2026, 11, 23, 14, 5, 0, 0, berlin),
		"14:05":                time.Date(2026, 3, 29, 14, 5, 0, 0, berlin),
		"2026-11-23T14:05:00Z": time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := app.ParseTimeArg(in, now, berlin)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTimeArg(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "someday", "2026-02-30", "25:00"} {
		if _, err := app.ParseTimeArg(bad, now, berlin); err == nil {
			t.Errorf("ParseTimeArg(%q): want error", bad)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0:00:00", 90 * time.Minute: "1:30:00", 26*time.Hour + 5*time.Second: "26:00:05", -time.Second: "0:00:00"} {
		if got := app.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFormatMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0:00", 59 * time.Second: "0:00", 90*time.Minute + 59*time.Second: "1:30", 26*time.Hour + 5*time.Minute: "26:05", -time.Minute: "0:00"} {
		if got := app.FormatMinutes(d); got != want {
			t.Errorf("FormatMinutes(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := app.Cursor{Time: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), ID: app.NewID()}
	got, err := app.DecodeCursor(c.Encode())
	if err != nil || !got.Time.Equal(c.Time) || got.ID != c.ID {
		t.Fatalf("cursor round trip: %+v %v", got, err)
	}
	if got, err := app.DecodeCursor(""); got != nil || err != nil {
		t.Fatalf("empty cursor: %v %v", got, err)
	}
}

func TestNullable(t *testing.T) {
	var v struct {
		A app.Nullable[uuid.UUID] `json:"a"`
		B app.Nullable[uuid.UUID] `json:"b"`
		C app.Nullable[uuid.UUID] `json:"c"`
	}
	id := app.NewID()
	if err := json.Unmarshal([]byte(`{"a": null, "b": "`+id.String()+`"}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Set || v.A.Value != nil || !v.B.Set || *v.B.Value != id || v.C.Set {
		t.Fatalf("nullable: %+v", v)
	}
}

func TestHLC(t *testing.T) {
	clock := app.NewFixedClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	h := app.NewHLC(clock, "a")
	s1, s2 := h.Now(), h.Now()
	if s2 <= s1 {
		t.Fatalf("same wall time: %s then %s", s1, s2)
	}
	// A remote stamp from the future pulls later local stamps after it, even with a slow clock.
	remote := app.NewHLC(app.NewFixedClock(clock.Now().Add(time.Hour)), "b").Now()
	if err := h.Observe(remote); err != nil {
		t.Fatal(err)
	}
	if s3 := h.Now(); s3 <= remote {
		t.Fatalf("after observing %s got %s", remote, s3)
	}
	if err := h.Observe("garbage"); err == nil {
		t.Fatal("garbage stamp accepted")
	}
}
