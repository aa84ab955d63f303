package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestReadStatementAnswersAsRead pins what a read without a transaction shares with Read:
// a context already done fails with its error and a closed store with ErrUnavailable, fn
// not run; and that only a member's summary reads so, the organization's (the clients'
// projects, then the sum, maybe over two readers) failing with ErrNeedsSnapshot.
func TestReadStatementAnswersAsRead(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	user := app.NewID()
	from := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	week := []app.Period{{Start: from, End: from.AddDate(0, 0, 7)}}
	summary := func(f app.ReportFilter) func(app.Tx) error {
		return func(tx app.Tx) error {
			_, err := tx.Reports().Summary(ctx, sc, f, []app.ReportDim{app.DimProject}, week)
			return err
		}
	}
	f := app.ReportFilter{From: week[0].Start, To: week[0].End, Now: week[0].End}
	mine := f
	mine.UserID = &user
	if err := st.ReadStatement(ctx, summary(mine)); err != nil {
		t.Errorf("a member's summary: %v", err)
	}
	if err := st.ReadStatement(ctx, summary(f)); !errors.Is(err, app.ErrNeedsSnapshot) {
		t.Errorf("the organization's summary: %v, want ErrNeedsSnapshot", err)
	}
	ran := false
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.ReadStatement(done, func(app.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("a done context: %v (fn ran: %v), want context.Canceled", err, ran)
	}
	st.Close()
	if err := st.ReadStatement(ctx, func(app.Tx) error { ran = true; return nil }); !errors.Is(err, app.ErrUnavailable) || ran {
		t.Errorf("a closed store: %v (fn ran: %v), want ErrUnavailable", err, ran)
	}
}
