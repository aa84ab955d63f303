package storetest

import (
	"context"
	"testing"

	"github.com/stinthq/stint/app"
)

// testClosed pins what a closed store answers (as during a server's shutdown): every call
// fails with ErrUnavailable, which front ends turn into "try again", never into a bug report.
func testClosed(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "closed@example.com")
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	err := st.Write(ctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "v") })
	wantErr(t, "write on a closed store", err, app.ErrUnavailable)
	err = st.Read(ctx, func(tx app.Tx) error { _, err := tx.Projects().Get(ctx, w.sc, w.project.ID); return err })
	wantErr(t, "read on a closed store", err, app.ErrUnavailable)
	wantErr(t, "ready on a closed store", st.Ready(ctx), app.ErrUnavailable)
	if us, ok := st.(app.UnitStore); ok {
		uctx, u := us.BeginUnit(ctx)
		err = st.Write(uctx, func(tx app.Tx) error { return tx.Device().Put(ctx, "k", "v") })
		wantErr(t, "unit write on a closed store", err, app.ErrUnavailable)
		u.Rollback()
	}
}
