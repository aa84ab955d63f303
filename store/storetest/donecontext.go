package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stinthq/stint/app"
)

// testDoneContext pins that a call whose context is already done (a client gone away)
// fails with the context's error and runs nothing.
func testDoneContext(t *testing.T, st app.Store) {
	ctx := context.Background()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	err := st.Write(cctx, func(tx app.Tx) error { ran = true; return tx.Device().Put(ctx, "k", "v") })
	wantErr(t, "write with a done context", err, context.Canceled)
	err = st.Read(cctx, func(app.Tx) error { ran = true; return nil })
	wantErr(t, "read with a done context", err, context.Canceled)
	if ran {
		t.Error("a function ran although its call's context was done")
	}
	read(t, st, func(tx app.Tx) error {
		_, err := tx.Device().Get(ctx, "k")
		if !errors.Is(err, app.ErrNotFound) {
			t.Errorf("a write refused for its context was kept: %v", err)
		}
		return nil
	})
}
