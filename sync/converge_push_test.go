package sync_test

import "testing"

// TestCreatedAtConverges (seed 14: "created_at: server …, device …"): a row made on a
// device keeps its creation instant on the server, since the device never rewrites it
// from a pull.
func TestCreatedAtConverges(t *testing.T) {
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	a.addEntries(1, nil, "made here")
	a.sync()
	for id, e := range entries(t, a.svc, a.actor) {
		srv := entries(t, tm.svc, tm.owner)[id]
		if !srv.CreatedAt.Equal(e.CreatedAt) {
			t.Fatalf("created_at: server %v, device %v", srv.CreatedAt, e.CreatedAt)
		}
	}
}
