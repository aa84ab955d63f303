package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// BenchmarkDesktopOptions reads a week of entries out of a year's (the entries screen's
// query) on a store opened with the server's pools and with the desktop's (the values of
// cmd/stint's desktopStore: 2 readers, a 512 KiB page cache, idle connections closed), and
// on the desktop's after its connections were closed, as after the window sat idle: that
// read opens a connection and prepares its statement again. The server's figure is the
// baseline; compare the others as ratios of it.
func BenchmarkDesktopOptions(b *testing.B) {
	const entries = 2500 // about a year of ten entries a working day
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "stint.db")
	seed, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	svc := app.New(seed, app.Options{})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal"})
	if err != nil {
		b.Fatal(err)
	}
	sc := app.Scope{TenantID: a.TenantID, OrgID: a.OrgID}
	first := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	err = seed.Write(ctx, func(tx app.Tx) error {
		for i := range entries {
			start := first.Add(time.Duration(i) * 3 * time.Hour)
			stop := start.Add(45 * time.Minute)
			e := app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: a.UserID,
				Description: "bench", StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual,
				TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, CreatedAt: start, UpdatedAt: start, HLC: "000000000000001-0000000000-bench"}}
			if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := seed.Close(); err != nil {
		b.Fatal(err)
	}
	from := first.Add(time.Duration(entries/2) * 3 * time.Hour)
	to := from.Add(7 * 24 * time.Hour)
	week := app.EntryFilter{From: &from, To: &to, UserID: &a.UserID, Page: app.PageRequest{Limit: 100}}
	desktop := sqlite.Options{Readers: 2, IdleClose: 30 * time.Second, CacheKiB: 512}
	for _, c := range []struct {
		name string
		opts sqlite.Options
		cold bool
	}{
		{name: "server"},
		{name: "desktop", opts: desktop},
		{name: "desktop_after_idle", opts: desktop, cold: true},
	} {
		b.Run(c.name, func(b *testing.B) {
			st, err := sqlite.OpenWith(ctx, path, c.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			readers := sqlite.ReaderForTest(st)
			for b.Loop() {
				if c.cold {
					// What the idle timeout does, at once: close the pool's idle connections.
					b.StopTimer()
					readers.SetMaxIdleConns(0)
					readers.SetMaxIdleConns(c.opts.Readers)
					b.StartTimer()
				}
				err := st.Read(ctx, func(tx app.Tx) error {
					p, err := tx.TimeEntries().List(ctx, sc, week)
					if err == nil && len(p) == 0 {
						b.Fatal("the week has no entries")
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
