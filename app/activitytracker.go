package app

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"
)

// errActivityOff says the user turned the activity timer off on this device.
var errActivityOff = errors.New("activity tracking is turned off in Settings")

// slotCheckpoint is how often the slot in progress is written, so a crash (kill -9, power
// loss) loses at most this much of it.
const slotCheckpoint = time.Minute

// ActivityTracker measures the activity of a user's running timer. Ticked once a second,
// it samples its source while the user's entry runs, folds the samples into slots and
// records them at each slot's end, once a minute for the slot in progress, and when the
// timer stops or switches to another entry. It opens the source when a timer starts and
// closes it when none runs: nothing is measured, and the X server sends nothing, while no
// timer runs.
type ActivityTracker struct {
	svc  *Service
	open func() (ActivitySource, error)
	log  *slog.Logger

	mu       sync.Mutex
	src      ActivitySource
	fold     *ActivityFolder
	actor    Actor
	entry    uuid.UUID
	saved    time.Time // when the slot in progress was last written
	failed   uuid.UUID // the entry for which the source could not be opened
	lastErr  error
	sampleOK bool

	// settings are the organization's activity settings, read again every
	// settingsRefresh while a timer runs.
	settings   ActivitySettings
	settingsAt time.Time
	shot       shotPlan
	shotErr    error
	lastShot   time.Time
}

// settingsRefresh is how often a running tracker reads its organization's activity
// settings again: a change made by an admin (here, or pulled from the server) applies
// within this long.
const settingsRefresh = 10 * time.Second

// shotPlan is the screenshot schedule of the running entry: one screenshot in each
// interval of the organization's length, counted from when measuring began, taken at the
// interval's start or at a random moment within it.
type shotPlan struct {
	from   time.Time // start of the interval in progress; zero: no plan
	at     time.Time // when this interval's screenshot is due
	taken  bool
	every  time.Duration
	random bool
}

// NewActivityTracker makes a tracker that opens its source with open.
func NewActivityTracker(svc *Service, open func() (ActivitySource, error), log *slog.Logger) *ActivityTracker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ActivityTracker{svc: svc, open: open, log: log}
}

// Tick takes one step for the actor (nil: nobody signed in) at the service's time.
func (t *ActivityTracker) Tick(ctx context.Context, a *Actor) {
	// A screenshot due in this tick is captured under the lock and encoded and stored
	// after it: the window, which asks Current and Screenshots every second, waits for
	// the capture (tens of ms) but never for the encoding (about a tenth of a second).
	if keep := t.tick(ctx, a); keep != nil {
		keep()
	}
}

func (t *ActivityTracker) tick(ctx context.Context, a *Actor) (keep func()) {
	now := t.svc.Now()
	var running *TimeEntry
	if a != nil {
		r, err := t.svc.RunningEntry(ctx, *a)
		if err != nil {
			t.log.Warn("activity: read the running entry", "err", err)
			return nil
		}
		running = r
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fold != nil && (running == nil || running.ID != t.entry || a.UserID != t.actor.UserID) {
		t.stop(ctx, now)
	}
	if running == nil {
		t.closeSource()
		if errors.Is(t.lastErr, errActivityOff) {
			t.lastErr = nil // no timer, nothing unmeasured to explain
		}
		return nil
	}
	// Turned off in Settings: what was measured is kept, nothing more is; turned on
	// again, measuring goes on within a second.
	if on, err := t.svc.ActivityEnabled(ctx); err != nil || !on {
		if t.fold != nil {
			t.stop(ctx, now)
		}
		t.closeSource()
		t.lastErr = errActivityOff
		return nil
	}
	if errors.Is(t.lastErr, errActivityOff) {
		t.lastErr = nil
	}
	if t.fold == nil || now.Sub(t.settingsAt) >= settingsRefresh || now.Before(t.settingsAt) {
		set, err := t.svc.OrganizationActivity(ctx, *a)
		if err != nil {
			t.log.Warn("activity: read the organization's settings", "err", err)
			set = ActivitySettings{} // nothing beyond counts and applications when unsure
		}
		t.settings, t.settingsAt = set, now
	}
	if t.fold == nil {
		if !t.begin(ctx, *a, *running, now) {
			return nil
		}
	}
	// Window titles are read only when the organization records them.
	s, err := t.src.Sample(t.settings.WindowTitles)
	if err != nil {
		// The session went away (X server gone): stop measuring this entry, and say so.
		t.log.Warn("activity: sample", "err", err)
		t.lastErr = err
		t.fold = nil
		t.failed = t.entry
		t.closeSource()
		return nil
	}
	t.sampleOK = true
	for _, slot := range t.fold.Observe(now, s) {
		t.save(ctx, slot)
	}
	if cur, ok := t.fold.Current(); ok && now.Sub(t.saved) >= slotCheckpoint {
		t.save(ctx, cur)
	}
	return t.screenshot(ctx, now)
}

// screenshot captures the screenshot of the interval in progress when it is due and the
// organization takes screenshots (the source must be able to capture the screen), and
// returns what keeps it, to run once t.mu is released.
func (t *ActivityTracker) screenshot(ctx context.Context, now time.Time) func() {
	set := t.settings
	if !set.Screenshots {
		t.shot, t.shotErr = shotPlan{}, nil
		return nil
	}
	capt, ok := t.src.(ScreenCapturer)
	if !ok {
		t.shotErr = errScreenshotsUnavailable
		return nil
	}
	every := set.ScreenshotInterval()
	if t.shot.from.IsZero() || t.shot.every != every || t.shot.random != set.ScreenshotRandom || now.Before(t.shot.from) {
		t.plan(now, every, set.ScreenshotRandom)
	}
	if end := t.shot.from.Add(every); !now.Before(end) {
		// The next interval, or the one holding now after a pause (the machine slept).
		t.plan(end.Add(now.Sub(end)/every*every), every, set.ScreenshotRandom)
	}
	if t.shot.taken || now.Before(t.shot.at) {
		return nil
	}
	t.shot.taken = true
	img, err := capt.CaptureScreen()
	if err != nil {
		t.log.Warn("screenshots: capture the screen", "err", err)
		t.shotErr = err
		return nil
	}
	actor, entry := t.actor, t.entry
	return func() {
		_, err := t.svc.SaveScreenshot(ctx, actor, entry, now, img)
		if err != nil {
			// The entry went, or the organization turned screenshots off a moment ago.
			t.log.Info("screenshots: not kept", "err", err)
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.shotErr = err
		if err == nil {
			t.lastShot = now
		}
	}
}

// plan starts a screenshot interval at from.
func (t *ActivityTracker) plan(from time.Time, every time.Duration, random bool) {
	at := from
	if random {
		// A whole second no later than maxTick before the interval ends, so a tick a
		// second reaches it inside the interval.
		at = from.Add(time.Duration(rand.Int64N(int64((every-maxTick)/time.Second)+1)) * time.Second)
	}
	t.shot = shotPlan{from: from, at: at, every: every, random: random}
}

// begin starts measuring the running entry from now (an app that starts while a timer
// runs measures from its own start; the time before was not observed).
func (t *ActivityTracker) begin(ctx context.Context, a Actor, e TimeEntry, now time.Time) bool {
	if t.failed == e.ID {
		return false // tried for this entry already; the next timer tries again
	}

	if t.src == nil {
		src, err := t.open()
		if err != nil {
			if errors.Is(err, ErrActivityUnavailable) {
				t.log.Info("activity tracking off", "reason", err)
			} else {
				t.log.Warn("activity: open the source", "err", err)
			}
			t.lastErr, t.failed = err, e.ID
			return false
		}
		t.src = src
	}
	loc := time.UTC
	_ = t.svc.store.Read(ctx, func(tx Tx) error {
		if l, err := time.LoadLocation(actorZone(ctx, tx, a)); err == nil {
			loc = l
		}
		return nil
	})
	from := e.StartedAt
	if from.Before(now.Add(-maxTick)) {
		from = now
	}
	t.fold = NewActivityFolder(e.ID, from, loc)
	// A slot written before (the app quit or crashed while this timer ran) goes on from
	// its stored figures instead of being replaced by the rest of the slot alone.
	var stored ActivitySlot
	if err := t.svc.store.Read(ctx, func(tx Tx) error {
		var err error
		stored, err = tx.ActivitySlots().Get(ctx, a.Scope(), e.ID, SlotStart(from, loc))
		return err
	}); err == nil {
		t.fold.Resume(stored)
	}
	// The counts of an interval are measured from a baseline. A timer that just started
	// has none from its start: its first interval is judged by the idle time alone.
	if from.Equal(now) {
		if s, err := t.src.Sample(false); err == nil {
			t.fold.Baseline(s)
		}
	}
	t.actor, t.entry, t.saved, t.lastErr = a, e.ID, now, nil
	t.shot, t.shotErr, t.lastShot = shotPlan{}, nil, time.Time{}
	return true
}

// stop writes the stopped entry's last slot, up to the entry's stop time when it has one.
func (t *ActivityTracker) stop(ctx context.Context, now time.Time) {
	at := now
	_ = t.svc.store.Read(ctx, func(tx Tx) error {
		if e, err := tx.TimeEntries().Get(ctx, t.actor.Scope(), t.entry); err == nil && e.StoppedAt != nil && e.StoppedAt.Before(now) {
			at = *e.StoppedAt
		}
		return nil
	})
	for _, slot := range t.fold.Stop(at) {
		t.save(ctx, slot)
	}
	t.fold = nil
	t.shot = shotPlan{}
}

func (t *ActivityTracker) save(ctx context.Context, slot ActivitySlot) {
	t.saved = t.svc.Now()
	if slot.Tracked <= 0 {
		return
	}
	// Figures resumed from an earlier run and this run's can overrun the slot by the
	// rounding of a second; never by more.
	slot.Tracked = min(slot.Tracked, SlotLength)
	slot.Active = min(slot.Active, slot.Tracked)
	if _, err := t.svc.RecordActivity(ctx, t.actor, slot); err != nil {
		// The entry was deleted or edited so that the slot lies outside it: its activity
		// went with it. Anything else is worth a line in the log.
		var invalid *ValidationError
		switch {
		case errors.Is(err, ErrNotFound):
		case errors.As(err, &invalid):
			t.log.Info("activity: slot left out", "start", slot.Start, "err", err)
		default:
			t.log.Warn("activity: record a slot", "err", err)
		}
	}
}

func (t *ActivityTracker) closeSource() {
	if t.src != nil {
		_ = t.src.Close()
		t.src = nil
	}
}

// Current returns the running entry's slot in progress, for the timer screen.
func (t *ActivityTracker) Current() (ActivitySlot, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fold == nil {
		return ActivitySlot{}, false
	}
	return t.fold.Current()
}

// Err says why the running timer's activity is not measured (nil when it is, or when no
// timer runs).
func (t *ActivityTracker) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastErr
}

// Screenshots reports whether the running timer is taking screenshots (its organization
// takes them), with the time of the last one kept, and why none can be taken (nil when
// they can, or when none are due).
func (t *ActivityTracker) Screenshots() (on bool, last time.Time, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fold == nil {
		return false, time.Time{}, nil
	}
	return t.settings.Screenshots, t.lastShot, t.shotErr
}

// Close writes the slot in progress and closes the source (the app is quitting).
func (t *ActivityTracker) Close(ctx context.Context) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fold != nil {
		if cur, ok := t.fold.Current(); ok {
			t.save(ctx, cur)
		}
		t.fold = nil
	}
	t.closeSource()
}
