package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

func TestIdlePeriodAnsweredFromAnyFrontEnd(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	other := e.member(owner, app.RoleMember)
	start := e.clock.Now()
	run := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "write"}))
	e.clock.Advance(40 * time.Minute)
	away, back := start.Add(20*time.Minute), start.Add(35*time.Minute)
	if p := must[*app.IdlePeriod](t)(e.svc.PendingIdle(e.ctx, owner)); p != nil {
		t.Fatalf("pending before any idle time: %+v", p)
	}
	must[app.IdlePeriod](t)(e.svc.NoteIdle(e.ctx, owner, run.ID, away, back))
	p := must[*app.IdlePeriod](t)(e.svc.PendingIdle(e.ctx, owner))
	if p == nil || p.EntryID != run.ID || !p.From.Equal(away) || !p.To.Equal(back) {
		t.Fatalf("pending %+v", p)
	}
	// Nobody else sees or answers it, and another user's entry cannot be noted.
	if p := must[*app.IdlePeriod](t)(e.svc.PendingIdle(e.ctx, other)); p != nil {
		t.Fatalf("another user sees %+v", p)
	}
	if _, err := e.svc.ResolveIdle(e.ctx, other, app.IdleDiscard); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("another user answered: %v", err)
	}
	if _, err := e.svc.NoteIdle(e.ctx, other, run.ID, away, back); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("noted on another user's entry: %v", err)
	}
	if _, err := e.svc.ResolveIdle(e.ctx, owner, "later"); err == nil {
		t.Fatal("an unknown choice was taken")
	}
	// Discard: the entry ends at away, a copy runs on from back.
	out := must[app.IdleOutcome](t)(e.svc.ResolveIdle(e.ctx, owner, app.IdleDiscard))
	if !out.Entry.StoppedAt.Equal(away) || out.Resumed == nil || !out.Resumed.Running() || !out.Resumed.StartedAt.Equal(back) {
		t.Fatalf("outcome %+v", out)
	}
	if _, err := e.svc.ResolveIdle(e.ctx, owner, app.IdleKeep); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("answered twice: %v", err)
	}
}

func TestIdleKeptThenDiscardedAfterTheTimerStopped(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	start := e.clock.Now()
	run := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "write"}))
	e.clock.Advance(30 * time.Minute)
	must[app.IdlePeriod](t)(e.svc.NoteIdle(e.ctx, owner, run.ID, start.Add(10*time.Minute), start.Add(25*time.Minute)))
	// No answer: the time is kept and the timer runs on, then stops.
	e.clock.Advance(30 * time.Minute)
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, owner))
	if p := must[*app.IdlePeriod](t)(e.svc.PendingIdle(e.ctx, owner)); p == nil {
		t.Fatal("the idle time can no longer be discarded once the timer stopped")
	}
	// Discarded later: the stopped entry is split around it.
	out := must[app.IdleOutcome](t)(e.svc.ResolveIdle(e.ctx, owner, app.IdleDiscard))
	if !out.Entry.StoppedAt.Equal(start.Add(10*time.Minute)) || out.Resumed == nil || out.Resumed.Running() ||
		!out.Resumed.StartedAt.Equal(start.Add(25*time.Minute)) || !out.Resumed.StoppedAt.Equal(start.Add(60*time.Minute)) {
		t.Fatalf("split %+v / %+v", out.Entry, out.Resumed)
	}
	// Discard and stop on a stopped entry: it ends where the idle time began.
	run2 := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "read"}))
	e.clock.Advance(20 * time.Minute)
	must[app.IdlePeriod](t)(e.svc.NoteIdle(e.ctx, owner, run2.ID, run2.StartedAt.Add(5*time.Minute), run2.StartedAt.Add(8*time.Minute)))
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, owner))
	out = must[app.IdleOutcome](t)(e.svc.ResolveIdle(e.ctx, owner, app.IdleStop))
	if !out.Entry.StoppedAt.Equal(run2.StartedAt.Add(5*time.Minute)) || out.Resumed != nil {
		t.Fatalf("discard and stop %+v / %+v", out.Entry, out.Resumed)
	}
	// Keep simply forgets the question.
	run3 := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "plan"}))
	e.clock.Advance(20 * time.Minute)
	must[app.IdlePeriod](t)(e.svc.NoteIdle(e.ctx, owner, run3.ID, run3.StartedAt.Add(time.Minute), run3.StartedAt.Add(9*time.Minute)))
	out = must[app.IdleOutcome](t)(e.svc.ResolveIdle(e.ctx, owner, app.IdleKeep))
	if out.Entry.StoppedAt != nil || out.Resumed != nil {
		t.Fatalf("keep changed the entry: %+v", out)
	}
	if p := must[*app.IdlePeriod](t)(e.svc.PendingIdle(e.ctx, owner)); p != nil {
		t.Fatalf("still pending after keep: %+v", p)
	}
}
