package app

import (
	"testing"

	"github.com/google/uuid"
)

// TestSyncNotifierForgets: a tenant's channel is kept only while someone waits on it, so
// waiters that come and go leave nothing behind, whether they were woken or gave up.
func TestSyncNotifierForgets(t *testing.T) {
	n := newSyncNotifier()
	a, b := uuid.New(), uuid.New()
	_, ra1 := n.subscribe(a)
	_, ra2 := n.subscribe(a)
	chb, rb := n.subscribe(b)
	ra1()
	ra1() // a second release does nothing
	if got := n.waiting(); got != 2 {
		t.Fatalf("%d tenants waited on, want 2", got)
	}
	ra2()
	if got := n.waiting(); got != 1 {
		t.Errorf("after every waiter of a gave up: %d tenants waited on, want 1", got)
	}
	n.notify([]uuid.UUID{b, b})
	<-chb
	if got := n.waiting(); got != 0 {
		t.Errorf("after b was woken: %d tenants waited on, want 0", got)
	}
	_, rb2 := n.subscribe(b) // a new channel; the woken waiter's release must not drop it
	rb()
	if got := n.waiting(); got != 1 {
		t.Errorf("an old waiter's release dropped the new channel: %d tenants waited on, want 1", got)
	}
	rb2()
	if got := n.waiting(); got != 0 {
		t.Errorf("%d tenants waited on at the end, want 0", got)
	}
}
