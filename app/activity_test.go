package app_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// fakeActivity is an activity source the test drives: a key press a second while typing.
type fakeActivity struct {
	mu      sync.Mutex
	s       app.ActivitySample
	opened  int
	closed  int
	failNow error
}

func (f *fakeActivity) open() (app.ActivitySource, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened++
	return f, nil
}

func (f *fakeActivity) Sample(bool) (app.ActivitySample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.s, f.failNow
}

func (f *fakeActivity) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed++
	return nil
}

// run ticks the tracker once a second for d; the user types (a key a second) when typing.
func (e *env) run(tr *app.ActivityTracker, a *app.Actor, f *fakeActivity, d time.Duration, typing bool) {
	for i := time.Duration(0); i < d; i += time.Second {
		e.clock.Advance(time.Second)
		f.mu.Lock()
		f.s.Counted = true
		f.s.App = "Editor"
		if typing {
			f.s.Keys++
			f.s.Idle = 0
		} else {
			f.s.Idle += time.Second
		}
		f.mu.Unlock()
		tr.Tick(e.ctx, a)
	}
}

func TestTrackerRecordsSlotsOfTheRunningTimer(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	// The user's zone is Europe/Berlin; 09:03 UTC is 10:03 there. The first second's
	// keys have no baseline (the source opens with the timer) and are not counted; the
	// second itself counts as active by the idle time.
	e.clock.Set(time.Date(2026, 11, 23, 9, 3, 0, 0, time.UTC))
	f := &fakeActivity{}
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	e.run(tr, &a, f, time.Minute, true)
	if f.opened != 0 {
		t.Fatal("the source was opened while no timer ran")
	}
	entry := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	e.run(tr, &a, f, 8*time.Minute, true)  // 09:04–09:12: 6 minutes in the first slot, 2 in the next
	e.run(tr, &a, f, 4*time.Minute, false) // 09:12–09:16 away
	if cur, ok := tr.Current(); !ok || cur.Tracked != 6*time.Minute || cur.Active != 2*time.Minute {
		t.Fatalf("current slot %+v", cur)
	}
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, a))
	e.run(tr, &a, f, 2*time.Second, true)
	if f.opened != 1 || f.closed != 1 {
		t.Fatalf("source opened %d, closed %d times; want once each", f.opened, f.closed)
	}
	slots := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(slots) != 2 {
		t.Fatalf("%d slots: %+v", len(slots), slots)
	}
	first, second := slots[0], slots[1]
	if first.EntryID != entry.ID || !first.Start.Equal(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) ||
		first.Tracked != 6*time.Minute || first.Active != 6*time.Minute || first.Keys != 359 || first.Percent() != 100 {
		t.Errorf("first slot %+v", first)
	}
	if !second.Start.Equal(time.Date(2026, 11, 23, 9, 10, 0, 0, time.UTC)) || second.Tracked != 6*time.Minute ||
		second.Active != 2*time.Minute || second.Percent() != 33 || len(second.Apps) != 1 || second.Apps[0].Name != "Editor" {
		t.Errorf("second slot %+v", second)
	}
}

func TestTrackerLosesAtMostAMinuteInACrash(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	e.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	f := &fakeActivity{}
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	e.run(tr, &a, f, 13*time.Minute+50*time.Second, true)
	// The process dies here: no Close, nothing flushed. What is on disk?
	slots := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(slots) != 2 || slots[0].Tracked != 10*time.Minute {
		t.Fatalf("slots after the crash: %+v", slots)
	}
	if lost := 3*time.Minute + 50*time.Second - slots[1].Tracked; lost < 0 || lost > time.Minute {
		t.Fatalf("the crash lost %v of the slot in progress (stored %v)", lost, slots[1].Tracked)
	}
	// The app comes back 2 minutes later, the timer still running: the slot goes on from
	// what was stored instead of starting over.
	stored := slots[1].Tracked
	e.clock.Advance(2 * time.Minute)
	tr2 := app.NewActivityTracker(e.svc, f.open, nil)
	e.run(tr2, &a, f, 3*time.Minute, true) // to 09:18:50, measured from its first tick
	tr2.Close(e.ctx)
	slots = must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if want := stored + 3*time.Minute - time.Second; len(slots) != 2 || slots[1].Tracked != want {
		t.Fatalf("after the restart the slot tracks %v, want %v: %+v", slots[1].Tracked, want, slots)
	}
}

func TestTrackerWithoutASource(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	opened := 0
	tr := app.NewActivityTracker(e.svc, func() (app.ActivitySource, error) {
		opened++
		return nil, errors.Join(app.ErrActivityUnavailable, errors.New("this is a Wayland session"))
	}, nil)
	for i := 0; i < 5; i++ {
		e.clock.Advance(time.Second)
		tr.Tick(e.ctx, &a)
	}
	if opened != 1 || !errors.Is(tr.Err(), app.ErrActivityUnavailable) {
		t.Fatalf("opened %d times, err %v", opened, tr.Err())
	}
	if _, ok := tr.Current(); ok {
		t.Fatal("a slot without a source")
	}
	// The next timer tries again (the session may have changed), once.
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, a))
	tr.Tick(e.ctx, &a)
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "next"}))
	for i := 0; i < 3; i++ {
		e.clock.Advance(time.Second)
		tr.Tick(e.ctx, &a)
	}
	if opened != 2 || !errors.Is(tr.Err(), app.ErrActivityUnavailable) {
		t.Fatalf("the next timer: opened %d times in all, want 2; err %v", opened, tr.Err())
	}
}

func TestActivityRules(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	other := e.member(owner, app.RoleMember)
	e.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	entry := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, member, app.TimerStart{Description: "mine"}))
	e.clock.Advance(15 * time.Minute)
	slot := app.ActivitySlot{EntryID: entry.ID, Start: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), Tracked: 10 * time.Minute, Active: 5 * time.Minute, Keys: 10}
	must[app.ActivitySlot](t)(e.svc.RecordActivity(e.ctx, member, slot))
	// Someone else's entry is not found; a slot outside the entry or with impossible
	// figures is invalid.
	_, err := e.svc.RecordActivity(e.ctx, other, slot)
	wantErr(t, err, app.ErrNotFound)
	var invalid *app.ValidationError
	for _, bad := range []app.ActivitySlot{
		{EntryID: entry.ID, Start: slot.Start.Add(-time.Hour), Tracked: time.Minute},
		{EntryID: entry.ID, Start: slot.Start.Add(time.Hour), Tracked: time.Minute},
		{EntryID: entry.ID, Start: slot.Start, Tracked: 11 * time.Minute},
		{EntryID: entry.ID, Start: slot.Start, Tracked: time.Minute, Active: 2 * time.Minute},
		{EntryID: entry.ID, Start: slot.Start.Add(time.Second), Tracked: time.Minute},
	} {
		if _, err := e.svc.RecordActivity(e.ctx, member, bad); !errors.As(err, &invalid) {
			t.Errorf("slot %+v: %v, want a validation error", bad, err)
		}
	}
	q := app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}
	if got := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, member, q)); len(got) != 1 {
		t.Errorf("member sees %d of its slots", len(got))
	}
	if got := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, other, q)); len(got) != 0 {
		t.Errorf("another member sees %d slots", len(got))
	}
	_, err = e.svc.Activity(e.ctx, other, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23", UserID: &member.UserID})
	wantErr(t, err, app.ErrForbidden)
	if got := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, owner, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23", UserID: &member.UserID})); len(got) != 1 {
		t.Errorf("the owner sees %d of the member's slots", len(got))
	}
	_, err = e.svc.Activity(e.ctx, owner, app.ActivityQuery{From: "2026-01-01", To: "2026-11-23"})
	if !errors.As(err, &invalid) {
		t.Errorf("a 327-day range: %v", err)
	}
}

func TestTrackerTurnedOff(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	e.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	f := &fakeActivity{}
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	e.run(tr, &a, f, 2*time.Minute, true)
	if err := e.svc.SetActivityEnabled(e.ctx, false); err != nil {
		t.Fatal(err)
	}
	e.run(tr, &a, f, 3*time.Minute, true)
	if f.closed != 1 || tr.Err() == nil {
		t.Fatalf("source closed %d times, err %v", f.closed, tr.Err())
	}
	slots := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	// Measured up to the tick that noticed, a second after the switch.
	if len(slots) != 1 || slots[0].Tracked != 2*time.Minute+time.Second {
		t.Fatalf("slots while off: %+v", slots)
	}
	// On again: measuring goes on (the slot resumes from what was stored).
	if err := e.svc.SetActivityEnabled(e.ctx, true); err != nil {
		t.Fatal(err)
	}
	e.run(tr, &a, f, time.Minute, true)
	tr.Close(e.ctx)
	slots = must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(slots) != 1 || slots[0].Tracked != 3*time.Minute || tr.Err() != nil {
		t.Fatalf("slots after turning it on again: %+v (err %v)", slots, tr.Err())
	}
	if on, _ := e.svc.ActivityEnabled(e.ctx); !on {
		t.Fatal("setting not saved")
	}
}

// TestTrackerOffSaysNothingWithoutATimer: "turned off" is why a running timer is not
// measured; with no timer running the tracker has nothing to explain, also after being
// turned on again before the next timer starts.
func TestTrackerOffSaysNothingWithoutATimer(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	e.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	f := &fakeActivity{}
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	if err := e.svc.SetActivityEnabled(e.ctx, false); err != nil {
		t.Fatal(err)
	}
	e.run(tr, &a, f, 5*time.Second, true)
	if tr.Err() == nil {
		t.Fatal("turned off with a timer running: no reason given")
	}
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, a))
	if err := e.svc.SetActivityEnabled(e.ctx, true); err != nil {
		t.Fatal(err)
	}
	e.run(tr, &a, f, 2*time.Second, true)
	if err := tr.Err(); err != nil {
		t.Fatalf("turned on again, no timer: Err = %v", err)
	}
	tr.Close(e.ctx)
}

// BenchmarkTrackerTick is one second of the activity tracker with a running timer on a
// real SQLite store: the running entry and the setting read, a sample folded, and every
// 60th tick the slot in progress written. core_%_at_1Hz is its cost as a share of one
// core, since the desktop ticks it once a second.
func BenchmarkTrackerTick(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	svc := app.New(st, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "bench"})
	ctx := context.Background()
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: "Europe/Berlin"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.StartTimer(ctx, a, app.TimerStart{Description: "bench"}); err != nil {
		b.Fatal(err)
	}
	f := &fakeActivity{}
	tr := app.NewActivityTracker(svc, f.open, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clock.Advance(time.Second)
		f.s.Keys++
		f.s.Counted = true
		f.s.App = "Editor"
		tr.Tick(ctx, &a)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "core_%_at_1Hz")
}

func TestSlotsFollowTheirEntryWhenItIsCutOrEdited(t *testing.T) {
	e := newEnv(t)
	a, _ := e.signup()
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	stop := start.Add(time.Hour)
	entry := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, a, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "write"}))
	for i := 0; i < 6; i++ {
		must[app.ActivitySlot](t)(e.svc.RecordActivity(e.ctx, a, app.ActivitySlot{EntryID: entry.ID, Start: start.Add(time.Duration(i) * app.SlotLength),
			Tracked: 10 * time.Minute, Active: time.Duration(i+1) * time.Minute}))
	}
	q := app.ActivityQuery{From: "2026-11-23", To: "2026-11-23", Timezone: "UTC"}
	// Away from 08:15 to 08:30, discarded after the fact: the entry is cut at 08:15 and a copy
	// runs 08:30–09:00 with the slots measured from 08:30.
	must[app.IdlePeriod](t)(e.svc.NoteIdle(e.ctx, a, entry.ID, start.Add(15*time.Minute), start.Add(30*time.Minute)))
	out := must[app.IdleOutcome](t)(e.svc.ResolveIdle(e.ctx, a, app.IdleDiscard))
	slots := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, q))
	var owners []string
	for _, s := range slots {
		switch s.EntryID {
		case entry.ID:
			owners = append(owners, s.Start.Format("15:04")+" first")
		case out.Resumed.ID:
			owners = append(owners, s.Start.Format("15:04")+" second")
		}
	}
	want := []string{"08:00 first", "08:10 first", "08:30 second", "08:40 second", "08:50 second"}
	if fmt.Sprint(owners) != fmt.Sprint(want) {
		t.Fatalf("slots after the cut: %v, want %v (08:20 lay in the time away)", owners, want)
	}
	// The second part is shortened to end at 08:45: the 08:50 slot no longer shows.
	end := start.Add(45 * time.Minute)
	res := *out.Resumed
	must[app.TimeEntry](t)(e.svc.UpdateTimeEntry(e.ctx, a, res.ID, app.TimeEntryPatch{StoppedAt: &end}, 0))
	if got := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, q)); len(got) != 4 {
		t.Fatalf("after shortening: %d slots", len(got))
	}
}
