package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// feed drives a folder with one sample a second from start for n seconds; input says
// whether the user typed in second i (a key press each), app who is in front.
func feed(f *ActivityFolder, start time.Time, n int, src *ActivitySample, input func(i int) bool, app string) (time.Time, []ActivitySlot) {
	var out []ActivitySlot
	if start.Equal(f.last) && !f.seen {
		f.Baseline(*src)
	}
	t := start
	for i := 0; i < n; i++ {
		t = t.Add(time.Second)
		src.Idle += time.Second
		if input(i) {
			src.Keys++
			src.Idle = 0
		}
		src.App = app
		out = append(out, f.Observe(t, *src)...)
	}
	return t, out
}

func always(int) bool { return true }
func never(int) bool  { return false }

func TestShortEntryIsScoredOnItsOwnMinutes(t *testing.T) {
	// 4 minutes of a timer, all of it typing: 100%, never 0%.
	start := time.Date(2026, 3, 2, 9, 3, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, time.UTC)
	src := &ActivitySample{Counted: true}
	end, done := feed(f, start, 240, src, always, "Editor")
	if len(done) != 0 {
		t.Fatalf("slots finished early: %+v", done)
	}
	slots := f.Stop(end)
	if len(slots) != 1 {
		t.Fatalf("slots %+v", slots)
	}
	s := slots[0]
	if !s.Start.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) || s.Tracked != 4*time.Minute || s.Active != 4*time.Minute || s.Percent() != 100 {
		t.Fatalf("slot %+v (percent %d)", s, s.Percent())
	}
	if s.Keys != 240 || len(s.Apps) != 1 || s.Apps[0] != (AppUsage{Name: "Editor", Time: 4 * time.Minute}) {
		t.Fatalf("counts/apps %+v", s)
	}
}

func TestSlotsFollowTheWallClockAcrossBoundaries(t *testing.T) {
	// 09:07:00 to 09:33:00, typing every other second, reading (no input) from 09:20 on.
	start := time.Date(2026, 3, 2, 9, 7, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, time.UTC)
	src := &ActivitySample{Counted: true}
	t1, done := feed(f, start, 13*60, src, func(i int) bool { return i%2 == 0 }, "Editor")
	_, more := feed(f, t1, 13*60, src, never, "Browser")
	done = append(done, more...)
	done = append(done, f.Stop(start.Add(26*time.Minute))...)
	want := []struct {
		start           string
		tracked, active time.Duration
		keys            uint64
	}{
		{"09:00", 3 * time.Minute, 90 * time.Second, 90},
		{"09:10", 10 * time.Minute, 5 * time.Minute, 300},
		{"09:20", 10 * time.Minute, 0, 0},
		{"09:30", 3 * time.Minute, 0, 0},
	}
	if len(done) != len(want) {
		t.Fatalf("%d slots: %+v", len(done), done)
	}
	for i, w := range want {
		s := done[i]
		if s.Start.Format("15:04") != w.start || s.Tracked != w.tracked || s.Active != w.active || s.Keys != w.keys {
			t.Errorf("slot %d: %s tracked %v active %v keys %d; want %+v", i, s.Start.Format("15:04"), s.Tracked, s.Active, s.Keys, w)
		}
	}
	if p := done[1].Percent(); p != 50 {
		t.Errorf("percent %d, want 50", p)
	}
}

func TestSlotsAlignToTheUsersClock(t *testing.T) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu") // UTC+5:45
	if err != nil {
		t.Skip(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, c := range []struct {
		at   time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC), kathmandu, "2026-03-02T03:55:00Z"}, // 09:45 local
		{time.Date(2026, 3, 2, 4, 5, 0, 0, time.UTC), kathmandu, "2026-03-02T04:05:00Z"}, // 09:50 local
		// Berlin's clocks go back at 03:00 CEST on 25 October 2026: 02:00-03:00 happens twice.
		{time.Date(2026, 10, 25, 0, 25, 0, 0, time.UTC), berlin, "2026-10-25T00:20:00Z"}, // 02:25 CEST
		{time.Date(2026, 10, 25, 1, 25, 0, 0, time.UTC), berlin, "2026-10-25T01:20:00Z"}, // 02:25 CET
		{time.Date(2026, 3, 29, 0, 59, 59, 0, time.UTC), berlin, "2026-03-29T00:50:00Z"}, // 01:59:59 CET
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), berlin, "2026-03-29T01:00:00Z"},   // 03:00 CEST
	} {
		if got := SlotStart(c.at, c.loc).Format(time.RFC3339); got != c.want {
			t.Errorf("SlotStart(%v, %s) = %s, want %s", c.at, c.loc, got, c.want)
		}
	}
}

func TestEntryAcrossMidnightAndDSTKeepsEverySecond(t *testing.T) {
	// 23:55 local to 00:15 on the night Berlin falls back is not involved; use the night
	// of the change: 01:50 CEST (23:50 UTC) to 03:20 CET (02:20 UTC), 2.5 hours of time.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 10, 24, 23, 50, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, berlin)
	src := &ActivitySample{Counted: true}
	end, done := feed(f, start, 150*60, src, func(i int) bool { return i%3 == 0 }, "Editor")
	done = append(done, f.Stop(end)...)
	var tracked, active time.Duration
	starts := map[time.Time]bool{}
	for _, s := range done {
		if starts[s.Start] {
			t.Fatalf("slot %v twice", s.Start)
		}
		starts[s.Start] = true
		if s.Tracked > SlotLength {
			t.Fatalf("slot %v tracks %v", s.Start, s.Tracked)
		}
		tracked += s.Tracked
		active += s.Active
	}
	if len(done) != 15 || tracked != 150*time.Minute || active != 50*time.Minute {
		t.Fatalf("%d slots, tracked %v, active %v", len(done), tracked, active)
	}
}

func TestSuspendAndClockJumpsCountAsIdle(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, time.UTC)
	src := &ActivitySample{Counted: true}
	t1, _ := feed(f, start, 60, src, always, "Editor")
	// The machine sleeps 25 minutes; on waking the user presses a key.
	src.Keys++
	src.Idle = 0
	wake := t1.Add(25 * time.Minute)
	done := f.Observe(wake, *src)
	// The wall clock is set back an hour: nothing is counted for the jump.
	back := wake.Add(-time.Hour)
	done = append(done, f.Observe(back, *src)...)
	t2, more := feed(f, back, 30, src, always, "Editor")
	done = append(done, more...)
	done = append(done, f.Stop(t2)...)
	var tracked, active time.Duration
	for _, s := range done {
		tracked += s.Tracked
		active += s.Active
	}
	// 1 minute typing + 25 minutes asleep (1 second of it active: the key on waking)
	// + 30 s after the jump.
	if tracked != 26*time.Minute+30*time.Second || active != time.Minute+time.Second+30*time.Second {
		t.Fatalf("tracked %v active %v: %+v", tracked, active, done)
	}
}

func TestIdleOnlySourceScoresBySeconds(t *testing.T) {
	// A source without counts: a second is active when the idle time is under a second.
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, time.UTC)
	now := start
	for i := 0; i < 120; i++ {
		now = now.Add(time.Second)
		idle := time.Duration(i%4) * time.Second // input in every 4th second
		if i >= 60 {
			idle = time.Duration(i-59) * time.Second
		}
		f.Observe(now, ActivitySample{Idle: idle, App: "Terminal"})
	}
	s := f.Stop(now)[0]
	if s.Tracked != 2*time.Minute || s.Active != 15*time.Second || s.Keys != 0 {
		t.Fatalf("slot %+v", s)
	}
}

func TestAppsAreRankedByTime(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, time.UTC)
	src := &ActivitySample{Counted: true}
	t1, _ := feed(f, start, 90, src, always, "Browser")
	t2, _ := feed(f, t1, 200, src, always, "Editor")
	t3, _ := feed(f, t2, 10, src, always, "")
	cur, ok := f.Current()
	if !ok || len(cur.Apps) != 2 || cur.Apps[0].Name != "Editor" || cur.Apps[0].Time != 200*time.Second || cur.Apps[1].Time != 90*time.Second {
		t.Fatalf("current %+v", cur)
	}
	if cur.Tracked != t3.Sub(start) {
		t.Fatalf("tracked %v", cur.Tracked)
	}
}

func TestStopBetweenSamplesTakesTheRestBack(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := NewActivityFolder(uuid.New(), start, time.UTC)
	src := &ActivitySample{Counted: true}
	end, _ := feed(f, start, 60, src, always, "Editor")
	s := f.Stop(end.Add(-400 * time.Millisecond))
	if len(s) != 1 || s[0].Tracked != 59600*time.Millisecond || s[0].Active != s[0].Tracked || s[0].Apps[0].Time != s[0].Tracked {
		t.Fatalf("slots %+v", s)
	}
}
