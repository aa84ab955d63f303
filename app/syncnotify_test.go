package app_test

import (
	"fmt"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestSyncChanges: a waiter on a tenant is woken when a write to that tenant commits, not
// by another tenant's write, not by a write held in a unit of work until the unit commits,
// and never by a unit that rolls back.
func TestSyncChanges(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	other, _ := e.signup()
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	t.Run("a commit wakes its tenant only", func(t *testing.T) {
		ch, release := e.svc.SyncChanges(owner)
		defer release()
		och, orelease := e.svc.SyncChanges(other)
		defer orelease()
		if closed(ch) {
			t.Fatal("woken before any write")
		}
		if _, err := e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Woken"}); err != nil {
			t.Fatal(err)
		}
		if !closed(ch) {
			t.Error("a committed create did not wake its tenant's waiter")
		}
		if closed(och) {
			t.Error("a create woke another tenant's waiter")
		}
		// A waiter that subscribes afterwards waits for the next change.
		next, nrelease := e.svc.SyncChanges(owner)
		defer nrelease()
		if closed(next) {
			t.Error("a new waiter starts woken")
		}
	})

	t.Run("a unit of work wakes at its commit", func(t *testing.T) {
		for _, commit := range []bool{true, false} {
			ch, release := e.svc.SyncChanges(owner)
			uctx, u, err := e.svc.BeginUnit(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.CreateProject(uctx, owner, app.ProjectInput{Name: fmt.Sprintf("In a unit %v", commit)}); err != nil {
				t.Fatal(err)
			}
			if closed(ch) {
				t.Errorf("woken by a write its unit has not committed")
			}
			if commit {
				if err := e.svc.CommitIdempotent(uctx, u, owner, app.IdempotencyRecord{Key: "unit", Method: "POST", Path: "/v1/projects", RequestHash: []byte{1}, Status: 201, Body: []byte("{}")}); err != nil {
					t.Fatal(err)
				}
			} else {
				u.Rollback()
			}
			if closed(ch) != commit {
				t.Errorf("unit committed %v: woken %v", commit, closed(ch))
			}
			release()
		}
	})
}
