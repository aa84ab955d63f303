package app

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// SlotLength is the length of an activity slot. Slots are aligned to it on the user's
// wall clock: 09:00, 09:10, 09:20…
const SlotLength = 10 * time.Minute

// maxTick is the longest interval between two samples still taken as one tick. A longer
// one (the machine slept, the wall clock jumped forward, the sampler stalled) is idle
// time: tracked, not active, since nothing said the user was there.
const maxTick = 3 * time.Second

// Window titles, when the organization records them (ActivitySettings.WindowTitles), are
// kept per slot beside their application, within bounds: a title is cut to maxTitleRunes
// characters, and a slot keeps the first maxSlotTitles distinct titles; the time of any
// further one counts for its application without a title. A slot's row stays small (a few
// KB at most) however many tabs and documents pass by.
const (
	maxSlotTitles = 20
	maxTitleRunes = 200
)

// clipTitle cuts a window title to maxTitleRunes characters and trims its spaces.
func clipTitle(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= maxTitleRunes {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:maxTitleRunes]))
}

// ActivitySlot is what a running timer measured in one 10-minute slot of its entry.
// There is one per entry and slot start; it belongs to the entry's user.
type ActivitySlot struct {
	ID             uuid.UUID
	TenantID       uuid.UUID
	OrganizationID uuid.UUID
	UserID         uuid.UUID
	EntryID        uuid.UUID
	// Start is the slot's start (UTC); the slot covers [Start, Start+SlotLength).
	Start time.Time
	// Tracked is how much of the slot the timer ran; Active how much of that had input.
	// A slot the timer ran 4 minutes of is scored on those 4 minutes.
	Tracked, Active time.Duration
	// Keys, Clicks and Moves are the input counts in the slot (a wheel step is a move).
	Keys, Clicks, Moves uint64
	// Apps is the time each application was in front, longest first.
	Apps []AppUsage
	Meta
}

// AppUsage is the time one application (and, when the organization records them, one
// window title) was in front during a slot.
type AppUsage struct {
	Name  string
	Title string
	Time  time.Duration
}

// Percent is the slot's activity: active over tracked time, 0–100, rounded down.
func (s ActivitySlot) Percent() int {
	if s.Tracked <= 0 {
		return 0
	}
	return int(s.Active * 100 / s.Tracked)
}

// SlotStart returns the start of the slot holding t: t's wall clock in loc rounded down
// to 10 minutes, using the zone offset in force at t (so the repeated hour of a DST change
// and zones 45 minutes off UTC align like their clocks).
func SlotStart(t time.Time, loc *time.Location) time.Time {
	_, off := t.In(loc).Zone()
	local := t.Unix() + int64(off)
	n := int64(SlotLength / time.Second)
	start := local - ((local%n)+n)%n
	return time.Unix(start-int64(off), 0).UTC()
}

// ActivityFolder folds one entry's activity samples into slots. It is not safe for
// concurrent use; the sampler owns it.
type ActivityFolder struct {
	entry uuid.UUID
	loc   *time.Location
	last  time.Time // when the last sample was taken (or the entry started)
	prev  ActivitySample
	seen  bool // prev holds a sample
	cur   *ActivitySlot
	apps  map[appKey]time.Duration
}

type appKey struct{ name, title string }

// NewActivityFolder starts folding for entry, running since start, with slots on loc's
// wall clock.
func NewActivityFolder(entry uuid.UUID, start time.Time, loc *time.Location) *ActivityFolder {
	if loc == nil {
		loc = time.UTC
	}
	return &ActivityFolder{entry: entry, loc: loc, last: start}
}

// Baseline takes the sample taken when the timer started: the counts of the first
// interval are measured from it.
func (f *ActivityFolder) Baseline(s ActivitySample) {
	f.prev, f.seen = s, true
}

// Resume goes on from a slot stored before (measured by an earlier run of the app while
// the same entry ran), when it is the slot the folder begins in.
func (f *ActivityFolder) Resume(s ActivitySlot) {
	if f.cur != nil || s.EntryID != f.entry || !s.Start.Equal(SlotStart(f.last, f.loc)) {
		return
	}
	f.cur = &s
	f.apps = map[appKey]time.Duration{}
	for _, a := range s.Apps {
		f.apps[appKey{a.Name, a.Title}] += a.Time
	}
}

// Observe folds a sample taken at now and returns the slots that ended before now, each
// complete. The interval since the previous sample counts as tracked; it is active when
// input happened in it (the counters grew; a source without counts: the idle time is
// shorter than the interval). Counts go to the slot holding now.
func (f *ActivityFolder) Observe(now time.Time, s ActivitySample) []ActivitySlot {
	var done []ActivitySlot
	if now.Before(f.last) {
		// The wall clock went back: nothing to count, carry on from here.
		f.last, f.prev, f.seen = now, s, true
		return nil
	}
	elapsed := now.Sub(f.last)
	var keys, clicks, moves uint64
	// Without counts to compare (a source that has none, the first sample, a source that
	// restarted), input happened in the interval when the idle time is shorter than it.
	input := s.Idle < elapsed
	if f.seen && s.Counted && f.prev.Counted && s.Keys >= f.prev.Keys && s.Clicks >= f.prev.Clicks && s.Moves >= f.prev.Moves {
		keys, clicks, moves = s.Keys-f.prev.Keys, s.Clicks-f.prev.Clicks, s.Moves-f.prev.Moves
		input = keys+clicks+moves > 0
	}
	from := f.last
	for from.Before(now) {
		start := SlotStart(from, f.loc)
		end := start.Add(SlotLength)
		if f.cur != nil && !f.cur.Start.Equal(start) {
			done = append(done, f.finish())
		}
		if f.cur == nil {
			f.cur = &ActivitySlot{EntryID: f.entry, Start: start}
			f.apps = map[appKey]time.Duration{}
		}
		to := now
		if end.Before(now) {
			to = end
		}
		piece := to.Sub(from)
		f.cur.Tracked += piece
		// A long gap has no known input except in its last second.
		switch {
		case !input:
		case elapsed <= maxTick:
			f.cur.Active += piece
		case to.Equal(now):
			f.cur.Active += min(piece, time.Second)
		}
		if s.App != "" {
			f.apps[f.key(s)] += piece
		}
		from = to
	}
	if f.cur != nil {
		f.cur.Keys += keys
		f.cur.Clicks += clicks
		f.cur.Moves += moves
		if !now.Before(f.cur.Start.Add(SlotLength)) {
			done = append(done, f.finish())
		}
	}
	f.last, f.prev, f.seen = now, s, true
	return done
}

// Current returns the slot in progress, as far as it goes (for the checkpoints that keep a
// crash from losing more than a minute, and for the timer screen).
func (f *ActivityFolder) Current() (ActivitySlot, bool) {
	if f.cur == nil {
		return ActivitySlot{}, false
	}
	s := *f.cur
	s.Apps = appList(f.apps)
	return s, true
}

// Stop folds up to the stop time (no input since the last sample) and returns the last
// slot, if any time is in it. A stop time before the last sample (the timer stopped
// between two samples) takes the time after it back out of the slot in progress.
func (f *ActivityFolder) Stop(at time.Time) []ActivitySlot {
	var out []ActivitySlot
	if f.cur != nil && at.Before(f.last) && !at.Before(f.cur.Start) {
		over := f.last.Sub(at)
		f.cur.Tracked = max(f.cur.Tracked-over, 0)
		f.cur.Active = min(f.cur.Active, f.cur.Tracked)
		for k, d := range f.apps {
			f.apps[k] = min(d, f.cur.Tracked)
		}
	}
	if at.After(f.last) {
		idle := f.prev
		idle.Idle = at.Sub(f.last) + time.Second
		out = f.Observe(at, idle)
	}
	if f.cur != nil && f.cur.Tracked > 0 {
		out = append(out, f.finish())
	}
	f.cur = nil
	return out
}

// key is the application and title a sample's time counts for in the slot in progress.
func (f *ActivityFolder) key(s ActivitySample) appKey {
	k := appKey{s.App, clipTitle(s.Title)}
	if k.title == "" {
		return k
	}
	if _, ok := f.apps[k]; ok {
		return k
	}
	titles := 0
	for o := range f.apps {
		if o.title != "" {
			titles++
		}
	}
	if titles >= maxSlotTitles {
		k.title = ""
	}
	return k
}

func (f *ActivityFolder) finish() ActivitySlot {
	s := *f.cur
	s.Apps = appList(f.apps)
	f.cur, f.apps = nil, nil
	return s
}

func appList(m map[appKey]time.Duration) []AppUsage {
	out := make([]AppUsage, 0, len(m))
	for k, d := range m {
		out = append(out, AppUsage{Name: k.name, Title: k.title, Time: d})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Time != out[j].Time {
			return out[i].Time > out[j].Time
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Title < out[j].Title
	})
	return out
}

// SlotView is a slot as the API and `stint activity --json` show it: whole seconds and
// the counters, nothing else counted, so scripts can sum them.
type SlotView struct {
	ID              uuid.UUID `json:"id"`
	EntryID         uuid.UUID `json:"entry_id"`
	UserID          uuid.UUID `json:"user_id"`
	Start           time.Time `json:"start" doc:"Start of the 10-minute slot (UTC)."`
	TrackedSeconds  int64     `json:"tracked_seconds" doc:"Seconds of the slot the timer ran."`
	ActiveSeconds   int64     `json:"active_seconds" doc:"Seconds of those with keyboard or mouse input."`
	Keys            uint64    `json:"keys" doc:"Key presses."`
	Clicks          uint64    `json:"clicks" doc:"Mouse button presses (wheel steps excluded)."`
	Moves           uint64    `json:"moves" doc:"Pointer motions and wheel steps."`
	ActivityPercent int       `json:"activity_percent" doc:"active_seconds over tracked_seconds, 0-100, rounded down."`
	Apps            []AppView `json:"apps" nullable:"false" doc:"Time each application was in front, longest first."`
}

// AppView is an application's time in a slot.
type AppView struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty" doc:"Window title, only when the organization records titles."`
	Seconds int64  `json:"seconds"`
}

// View returns the slot as the API shows it.
func (s ActivitySlot) View() SlotView {
	v := SlotView{ID: s.ID, EntryID: s.EntryID, UserID: s.UserID, Start: s.Start.UTC(), TrackedSeconds: int64(s.Tracked / time.Second),
		ActiveSeconds: int64(s.Active / time.Second), Keys: s.Keys, Clicks: s.Clicks, Moves: s.Moves, ActivityPercent: s.Percent(),
		Apps: make([]AppView, 0, len(s.Apps))}
	for _, a := range s.Apps {
		v.Apps = append(v.Apps, AppView{Name: a.Name, Title: a.Title, Seconds: int64(a.Time / time.Second)})
	}
	return v
}

// appJSON is an application's time as the stores keep it in a slot's apps column.
type appJSON struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Seconds int64  `json:"seconds"`
}

// EncodeApps is a slot's applications as the stores keep them: a JSON array of name,
// title and whole seconds.
func EncodeApps(apps []AppUsage) (string, error) {
	out := make([]appJSON, 0, len(apps))
	for _, a := range apps {
		out = append(out, appJSON{Name: a.Name, Title: a.Title, Seconds: int64(a.Time / time.Second)})
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// DecodeApps reads what EncodeApps wrote (nil for an empty array).
func DecodeApps(b []byte) ([]AppUsage, error) {
	var list []appJSON
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, err
	}
	var out []AppUsage
	for _, a := range list {
		out = append(out, AppUsage{Name: a.Name, Title: a.Title, Time: time.Duration(a.Seconds) * time.Second})
	}
	return out, nil
}
