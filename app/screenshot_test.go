package app_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// newShotEnv is newEnv with a screenshot directory, returned beside it.
func newShotEnv(t *testing.T) (*env, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	shots := filepath.Join(dir, "stint-screenshots")
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	return &env{t: t, ctx: context.Background(), st: st, clock: clock,
		svc: app.New(st, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "test", ScreenshotDir: shots})}, shots
}

// screenSource is an activity source that captures a screen of two monitors side by side
// (2560×800), a different picture each time unless same is set, and remembers whether
// each sample was asked for titles.
type screenSource struct {
	*fakeActivity
	mu       sync.Mutex
	captures []time.Time
	clock    *app.FixedClock
	same     bool
	asked    []bool
}

func newScreenSource(clock *app.FixedClock) *screenSource {
	return &screenSource{fakeActivity: &fakeActivity{}, clock: clock}
}

func (s *screenSource) open() (app.ActivitySource, error) {
	s.fakeActivity.open()
	return s, nil
}

func (s *screenSource) Sample(titles bool) (app.ActivitySample, error) {
	s.mu.Lock()
	s.asked = append(s.asked, titles)
	s.mu.Unlock()
	sample, err := s.fakeActivity.Sample(titles)
	if !titles {
		sample.Title = "" // a source reads no title unless asked
	}
	return sample, err
}

func (s *screenSource) CaptureScreen() (image.Image, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.captures = append(s.captures, s.clock.Now())
	img := image.NewRGBA(image.Rect(0, 0, 2560, 800))
	shade := uint8(len(s.captures) * 40)
	if s.same {
		shade = 90
	}
	for y := range 800 {
		for x := range 2560 {
			c := color.RGBA{shade, uint8(x / 10), uint8(y / 4), 255}
			if x >= 1280 {
				c = color.RGBA{uint8(y / 4), shade, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img, nil
}

func (s *screenSource) captured() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.captures...)
}

func setActivity(t *testing.T, e *env, owner app.Actor, p app.ActivitySettingsPatch) {
	t.Helper()
	o := must[app.Organization](t)(e.svc.Organization(e.ctx, owner, owner.OrgID))
	must[app.Organization](t)(e.svc.UpdateOrganization(e.ctx, owner, owner.OrgID, app.OrganizationPatch{Activity: p}, o.Version))
}

// TestTrackerTakesScreenshotsWhenTheOrganizationDoes: no screenshot while the organization
// takes none; turned on, one per interval while the timer runs, stored as a decodable
// JPEG of the whole screen with a thumbnail, and none once the timer stops.
func TestTrackerTakesScreenshotsWhenTheOrganizationDoes(t *testing.T) {
	e, dir := newShotEnv(t)
	a, _ := e.signup()
	f := newScreenSource(e.clock)
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	entry := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	e.run(tr, &a, f.fakeActivity, 3*time.Minute, true)
	if n := len(f.captured()); n != 0 {
		t.Fatalf("%d screenshots while the organization takes none", n)
	}
	if on, _, _ := tr.Screenshots(); on {
		t.Error("the tracker says screenshots are on")
	}

	setActivity(t, e, a, app.ActivitySettingsPatch{Screenshots: ptr(true), ScreenshotMinutes: ptr(3)})
	e.run(tr, &a, f.fakeActivity, 10*time.Minute, true) // the setting is read within 10 s; then at 0, 3, 6 and 9 minutes
	shots := f.captured()
	if len(shots) != 4 {
		t.Fatalf("%d screenshots in 10 minutes at one per 3 minutes: %v", len(shots), shots)
	}
	for i := 1; i < len(shots); i++ {
		if d := shots[i].Sub(shots[i-1]); d != 3*time.Minute {
			t.Errorf("screenshot %d came %v after the one before, want 3m", i, d)
		}
	}
	if on, last, err := tr.Screenshots(); !on || !last.Equal(shots[3]) || err != nil {
		t.Errorf("tracker: on %v, last %v, err %v", on, last, err)
	}
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, a))
	e.run(tr, &a, f.fakeActivity, 5*time.Minute, true)
	if n := len(f.captured()); n != 4 {
		t.Errorf("%d screenshots after the timer stopped, want still 4", n)
	}

	list := must[[]app.Screenshot](t)(e.svc.ListScreenshots(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(list) != 4 {
		t.Fatalf("%d screenshots listed", len(list))
	}
	first := list[0]
	if first.EntryID != entry.ID || first.UserID != a.UserID || first.Width != 2560 || first.Height != 800 || len(first.Hash) != 64 ||
		!first.TakenAt.Equal(shots[0]) || !first.SlotStart.Equal(app.SlotStart(shots[0], time.UTC)) {
		t.Errorf("first screenshot %+v, taken at %v", first, shots[0])
	}
	img := must[[]byte](t)(e.svc.ScreenshotImage(e.ctx, a, first.ID, false))
	if int64(len(img)) != first.Bytes {
		t.Errorf("image of %d bytes, row says %d", len(img), first.Bytes)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != 2560 || cfg.Height != 800 {
		t.Errorf("image: %+v, %v", cfg, err)
	}
	thumb := must[[]byte](t)(e.svc.ScreenshotImage(e.ctx, a, first.ID, true))
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb)); err != nil || cfg.Width != 320 || cfg.Height != 100 {
		t.Errorf("thumbnail: %+v, %v", cfg, err)
	}
	if _, err := os.Stat(filepath.Join(dir, a.TenantID.String(), first.Hash[:2], first.Hash+".jpg")); err != nil {
		t.Errorf("the image is not under the data directory by its hash: %v", err)
	}
}

// TestTrackerScreenshotsAtRandomMoments: with random moments, still exactly one screenshot
// in each interval, not all at its start.
func TestTrackerScreenshotsAtRandomMoments(t *testing.T) {
	e, _ := newShotEnv(t)
	a, _ := e.signup()
	setActivity(t, e, a, app.ActivitySettingsPatch{Screenshots: ptr(true), ScreenshotMinutes: ptr(1), ScreenshotRandom: ptr(true)})
	f := newScreenSource(e.clock)
	f.same = true
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	begin := e.clock.Now().Add(time.Second) // measuring begins at the first tick
	e.run(tr, &a, f.fakeActivity, 30*time.Minute, false)
	shots := f.captured()
	if len(shots) != 30 {
		t.Fatalf("%d screenshots in 30 one-minute intervals", len(shots))
	}
	atStart := 0
	for i, at := range shots {
		from := begin.Add(time.Duration(i) * time.Minute)
		if at.Before(from) || !at.Before(from.Add(time.Minute)) {
			t.Errorf("screenshot %d at %v, outside its interval from %v", i, at, from)
		}
		if at.Equal(from) {
			atStart++
		}
	}
	if atStart > 5 {
		t.Errorf("%d of 30 random screenshots at their interval's start", atStart)
	}
	// The same picture thirty times is one pair of files.
	list := must[[]app.Screenshot](t)(e.svc.ListScreenshots(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(list) != 30 || list[0].Hash != list[29].Hash {
		t.Errorf("%d screenshots listed; hashes %s, %s", len(list), list[0].Hash, list[len(list)-1].Hash)
	}
}

// TestScreenshotsUnavailable: a source that cannot capture the screen says so; nothing is
// stored, and the activity is measured as before.
func TestScreenshotsUnavailable(t *testing.T) {
	e, _ := newShotEnv(t)
	a, _ := e.signup()
	setActivity(t, e, a, app.ActivitySettingsPatch{Screenshots: ptr(true), ScreenshotMinutes: ptr(1)})
	f := &fakeActivity{}
	tr := app.NewActivityTracker(e.svc, f.open, nil)
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	e.run(tr, &a, f, 3*time.Minute, true)
	on, _, err := tr.Screenshots()
	if !on || !errors.Is(err, app.ErrActivityUnavailable) || !strings.Contains(err.Error(), "screenshots are not available") {
		t.Errorf("on %v, err %v; want on, and why none are taken", on, err)
	}
	if list := must[[]app.Screenshot](t)(e.svc.ListScreenshots(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"})); len(list) != 0 {
		t.Errorf("%d screenshots stored", len(list))
	}
	if cur, ok := tr.Current(); !ok || cur.Active == 0 {
		t.Errorf("activity not measured: %+v", cur)
	}
}

// TestScreenshotRules: saving is refused while the organization takes none and outside
// the entry; members see and fetch their own only, managers everyone's; only the owner of a
// screenshot deletes it; deleting keeps the entry's time and removes the files once no
// other screenshot names the image.
func TestScreenshotRules(t *testing.T) {
	e, dir := newShotEnv(t)
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	other := e.member(owner, app.RoleMember)
	manager := e.member(owner, app.RoleManager)
	src := newScreenSource(e.clock)
	src.same = true
	img, _ := src.CaptureScreen()

	entry := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, member, app.TimerStart{Description: "work"}))
	e.clock.Advance(time.Minute)
	_, err := e.svc.SaveScreenshot(e.ctx, member, entry.ID, e.clock.Now(), img)
	wantErr(t, err, app.ErrForbidden)
	if files := countFiles(t, dir); files != 0 {
		t.Errorf("%d files left by a refused screenshot", files)
	}
	setActivity(t, e, owner, app.ActivitySettingsPatch{Screenshots: ptr(true)})
	_, err = e.svc.SaveScreenshot(e.ctx, other, entry.ID, e.clock.Now(), img)
	wantErr(t, err, app.ErrNotFound)
	_, err = e.svc.SaveScreenshot(e.ctx, member, entry.ID, entry.StartedAt.Add(-time.Minute), img)
	var invalid *app.ValidationError
	if !errors.As(err, &invalid) {
		t.Errorf("a screenshot before the entry: %v", err)
	}
	s1 := must[app.Screenshot](t)(e.svc.SaveScreenshot(e.ctx, member, entry.ID, e.clock.Now(), img))
	e.clock.Advance(time.Minute)
	s2 := must[app.Screenshot](t)(e.svc.SaveScreenshot(e.ctx, member, entry.ID, e.clock.Now(), img))
	if s1.Hash != s2.Hash || countFiles(t, dir) != 2 {
		t.Fatalf("the same image twice: hashes %s %s, %d files", s1.Hash, s2.Hash, countFiles(t, dir))
	}
	day := app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}

	for _, tc := range []struct {
		name    string
		a       app.Actor
		list    int
		get     error
		del     error
		listFor *uuid.UUID
		listErr error
	}{
		{"own", member, 2, nil, nil, nil, nil},
		{"another member", other, 0, app.ErrNotFound, app.ErrNotFound, &member.UserID, app.ErrForbidden},
		{"manager", manager, 2, nil, app.ErrForbidden, &member.UserID, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := day
			q.UserID = tc.listFor
			list, err := e.svc.ListScreenshots(e.ctx, tc.a, q)
			if !errors.Is(err, tc.listErr) {
				t.Fatalf("list: %v, want %v", err, tc.listErr)
			}
			if tc.listErr == nil && len(list) != tc.list {
				t.Errorf("listed %d, want %d", len(list), tc.list)
			}
			if _, err := e.svc.ScreenshotImage(e.ctx, tc.a, s1.ID, true); !errors.Is(err, tc.get) {
				t.Errorf("thumbnail: %v, want %v", err, tc.get)
			}
			if tc.del != nil {
				if err := e.svc.DeleteScreenshot(e.ctx, tc.a, s1.ID, 0); !errors.Is(err, tc.del) {
					t.Errorf("delete: %v, want %v", err, tc.del)
				}
			}
		})
	}

	must[struct{}](t)(struct{}{}, e.svc.DeleteScreenshot(e.ctx, member, s1.ID, 0))
	if n := countFiles(t, dir); n != 2 {
		t.Errorf("%d files after deleting one of two screenshots of one image, want 2", n)
	}
	_, err = e.svc.Screenshot(e.ctx, member, s1.ID)
	wantErr(t, err, app.ErrNotFound)
	must[struct{}](t)(struct{}{}, e.svc.DeleteScreenshot(e.ctx, member, s2.ID, s2.Version))
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d files after deleting the last screenshot of the image, want 0", n)
	}
	after := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, member, entry.ID))
	if after.StoppedAt != nil || !after.StartedAt.Equal(entry.StartedAt) || after.Version != entry.Version {
		t.Errorf("deleting screenshots touched the entry: %+v", after)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestWindowTitles: titles are read only while the organization records them, kept per
// application and title within the caps, and never written to the log.
func TestWindowTitles(t *testing.T) {
	e, _ := newShotEnv(t)
	a, _ := e.signup()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newScreenSource(e.clock)
	tr := app.NewActivityTracker(e.svc, f.open, log)
	secret := "Quarterly-Layoffs-Draft.odt — LibreOffice"
	f.fakeActivity.s.Title = secret
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report"}))
	e.run(tr, &a, f.fakeActivity, 2*time.Minute, true)
	for i, asked := range f.asked {
		if asked {
			t.Fatalf("sample %d asked for a title while the organization records none", i)
		}
	}
	must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, a))
	e.run(tr, &a, f.fakeActivity, 2*time.Second, true)

	// Turned on: the next timer's slot from 10:00 holds a titled minute, then 30 more
	// titles of 10 seconds each, the first far too long.
	setActivity(t, e, a, app.ActivitySettingsPatch{WindowTitles: ptr(true)})
	e.clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "report 2"}))
	e.run(tr, &a, f.fakeActivity, time.Minute, true)
	for i := range 30 {
		f.mu.Lock()
		f.s.Title = "tab " + string(rune('A'+i))
		if i == 0 {
			f.s.Title = strings.Repeat("ü", 500)
		}
		f.mu.Unlock()
		e.run(tr, &a, f.fakeActivity, 10*time.Second, true)
	}
	if !f.asked[len(f.asked)-1] {
		t.Error("titles were not asked for while the organization records them")
	}
	tr.Close(e.ctx)
	// The session goes away while titles are on: the tracker logs why it stops.
	f.mu.Lock()
	f.failNow = errors.New("X server gone")
	f.mu.Unlock()
	e.run(tr, &a, f.fakeActivity, time.Second, true)

	slots := must[[]app.ActivitySlot](t)(e.svc.Activity(e.ctx, a, app.ActivityQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(slots) != 2 {
		t.Fatalf("%d slots: %+v", len(slots), slots)
	}
	for _, u := range slots[0].Apps {
		if u.Title != "" {
			t.Errorf("a title was kept while off: %+v", u)
		}
	}
	got := map[string]time.Duration{}
	titled, total := 0, time.Duration(0)
	for _, u := range slots[1].Apps {
		got[u.Title] += u.Time
		total += u.Time
		if u.Title != "" {
			titled++
		}
		if n := len([]rune(u.Title)); n > 200 {
			t.Errorf("a title of %d characters was kept", n)
		}
	}
	if titled != 20 {
		t.Errorf("%d titles kept in one slot, want the cap of 20", titled)
	}
	if got[secret] != time.Minute {
		t.Errorf("the first title has %v, want 1m: %v", got[secret], got)
	}
	if got[""] != 11*10*time.Second {
		t.Errorf("time of the titles past the cap: %v, want 110s for their application: %+v", got[""], slots[1].Apps)
	}
	if total != slots[1].Tracked {
		t.Errorf("applications sum to %v, slot tracked %v", total, slots[1].Tracked)
	}
	if strings.Contains(logs.String(), "Quarterly") || strings.Contains(logs.String(), "tab ") || strings.Contains(logs.String(), "üüü") {
		t.Errorf("a window title reached the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "X server gone") {
		t.Errorf("the sample error was not logged: the test did not exercise a logging path:\n%s", logs.String())
	}
}

// failingCommit is a store whose next write fails at its commit, after its work ran, as a
// crash or a full disk would: the transaction rolls back.
type failingCommit struct {
	*sqlite.Store
	fail bool
}

func (f *failingCommit) Write(ctx context.Context, fn func(app.Tx) error) error {
	return f.Store.Write(ctx, func(tx app.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if f.fail {
			f.fail = false
			return errors.New("the commit failed")
		}
		return nil
	})
}

// TestDeleteScreenshotKeepsTheImageWhenTheDeleteFails: a delete that does not commit
// leaves the screenshot live and its image files in place (the image of a live row must be
// there to show and to upload); the next delete removes them.
func TestDeleteScreenshotKeepsTheImageWhenTheDeleteFails(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	shots := filepath.Join(dir, "stint-screenshots")
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	fc := &failingCommit{Store: st}
	e := &env{t: t, ctx: context.Background(), st: st, clock: clock,
		svc: app.New(fc, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "test", ScreenshotDir: shots})}
	a, _ := e.signup()
	setActivity(t, e, a, app.ActivitySettingsPatch{Screenshots: ptr(true)})
	img, _ := newScreenSource(clock).CaptureScreen()
	entry := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, a, app.TimerStart{Description: "work"}))
	clock.Advance(time.Minute)
	sh := must[app.Screenshot](t)(e.svc.SaveScreenshot(e.ctx, a, entry.ID, clock.Now(), img))
	files := countFiles(t, shots)
	if files == 0 {
		t.Fatal("no image files")
	}

	fc.fail = true
	if err := e.svc.DeleteScreenshot(e.ctx, a, sh.ID, 0); err == nil {
		t.Fatal("the delete succeeded through a failing commit")
	}
	if _, err := e.svc.Screenshot(e.ctx, a, sh.ID); err != nil {
		t.Fatalf("the screenshot after a failed delete: %v", err)
	}
	if n := countFiles(t, shots); n != files {
		t.Fatalf("%d image files after a failed delete, want %d", n, files)
	}
	if _, err := e.svc.ScreenshotImage(e.ctx, a, sh.ID, false); err != nil {
		t.Errorf("the live screenshot's image: %v", err)
	}
	must[struct{}](t)(struct{}{}, e.svc.DeleteScreenshot(e.ctx, a, sh.ID, 0))
	if n := countFiles(t, shots); n != 0 {
		t.Errorf("%d image files after the delete, want 0", n)
	}
}
