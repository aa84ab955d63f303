package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// steppingClock moves one second forward on every reading, so two instants taken at
// different moments always differ, as they do on a real clock that is read a second apart.
type steppingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// TestConcurrentSwitchesNeverOverlap switches one user's timer from several goroutines on two
// Store instances over one file (the CLI and the server are separate processes): whatever
// order the transactions commit in, no two of the user's entries overlap.
func TestConcurrentSwitchesNeverOverlap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stint.db")
	ctx := context.Background()
	clock := &steppingClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	var svcs []*app.Service
	for range 2 {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svcs = append(svcs, app.New(st, app.Options{Clock: clock, Hasher: fastHasher}))
	}
	s, err := svcs[0].Signup(ctx, app.SignupInput{Email: "switch@example.com", Password: "correct horse",
		Name: "Switcher", Organization: "Org"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svcs[0].Authenticate(ctx, s.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := svcs[g%2]
			for range 25 {
				if _, err := svc.StartTimer(ctx, a, app.TimerStart{Description: "switch"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	page, err := svcs[0].TimeEntries(ctx, a, app.EntryQuery{ListParams: app.ListParams{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	entries := page.Items
	if len(entries) != 100 {
		t.Fatalf("%d entries, want 100", len(entries))
	}
	slices.SortFunc(entries, func(x, y app.TimeEntry) int { return x.StartedAt.Compare(y.StartedAt) })
	for i, e := range entries[:len(entries)-1] {
		next := entries[i+1]
		if e.StoppedAt == nil {
			t.Fatalf("entry %d of %d still runs", i, len(entries))
		}
		if e.StoppedAt.After(next.StartedAt) {
			t.Errorf("entry [%s, %s] overlaps the next one starting %s",
				e.StartedAt.Format(time.TimeOnly), e.StoppedAt.Format(time.TimeOnly), next.StartedAt.Format(time.TimeOnly))
		}
	}
}

// TestMutualDemotionOneWins has two owners demote each other at the same moment, many times:
// in any serial order the second is no longer an owner, so exactly one may succeed.
func TestMutualDemotionOneWins(t *testing.T) {
	e := newEnv(t)
	root, _ := e.signup()
	ownerB := e.member(root, app.RoleOwner)
	b := must[app.Member](t)(e.svc.Member(e.ctx, root, ownerB.UserID))
	for round := range 30 {
		org := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, root, app.OrganizationInput{Name: "Round"}))
		a := root
		a.OrgID = org.ID
		must[app.Member](t)(e.svc.AddMember(e.ctx, a, app.MemberInput{Email: b.Email, Role: app.RoleOwner}))
		// A third owner, so the last-owner rule never decides the round.
		e.member(a, app.RoleOwner)
		bb := ownerB
		bb.OrgID = org.ID
		var errs [2]error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[0] = e.svc.UpdateMember(e.ctx, a, bb.UserID, app.MemberPatch{Role: ptr(app.RoleAdmin)}, 0)
		}()
		go func() {
			defer wg.Done()
			_, errs[1] = e.svc.UpdateMember(e.ctx, bb, a.UserID, app.MemberPatch{Role: ptr(app.RoleAdmin)}, 0)
		}()
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, app.ErrForbidden):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d demotions succeeded (%v), want exactly 1", round, ok, errs)
		}
	}
}

// TestStaleRoleIsNotTrusted: an actor authenticated before its demotion or removal cannot act
// on the role it had then.
func TestStaleRoleIsNotTrusted(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	admin := e.member(owner, app.RoleAdmin)
	removed := e.member(owner, app.RoleMember)
	must[app.Member](t)(e.svc.UpdateMember(e.ctx, owner, admin.UserID, app.MemberPatch{Role: ptr(app.RoleMember)}, 0))
	wantErr(t, e.svc.RemoveMember(e.ctx, owner, removed.UserID, 0), nil)

	_, err := e.svc.CreateProject(e.ctx, admin, app.ProjectInput{Name: "Stale admin"})
	wantErr(t, err, app.ErrForbidden)
	_, err = e.svc.AddMember(e.ctx, admin, app.MemberInput{Email: "late@example.com", Name: "Late", Role: app.RoleMember, Password: "correct horse"})
	wantErr(t, err, app.ErrForbidden)
	_, err = e.svc.StartTimer(e.ctx, removed, app.TimerStart{})
	wantErr(t, err, app.ErrNotFound)
	_, err = e.svc.CreateTimeEntry(e.ctx, removed, app.TimeEntryInput{StartedAt: e.clock.Now().Add(-time.Hour), StoppedAt: ptr(e.clock.Now())})
	wantErr(t, err, app.ErrNotFound)
}
