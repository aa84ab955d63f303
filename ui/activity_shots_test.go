//go:build !headless

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/stinthq/stint/app"
)

// TestScreenshotFromElsewhereShowsAPlaceholder: a screenshot pulled from the team server
// (taken on another computer) whose image this computer cannot get shows a placeholder in
// the day's row and when opened, never an error.
func TestScreenshotFromElsewhereShowsAPlaceholder(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	h.setActivity(app.ActivitySettingsPatch{Screenshots: ptrTo(true)})
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, h.u.loc)
	stop := start.Add(25 * time.Minute)
	e, err := h.svc.CreateTimeEntry(h.ctx, h.u.actor, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop, Description: "report"})
	if err != nil {
		t.Fatal(err)
	}
	// The row as a pull writes it: no image on this computer.
	a := h.u.actor
	sh := app.Screenshot{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID, EntryID: e.ID,
		SlotStart: start.UTC(), TakenAt: start.Add(3 * time.Minute).UTC(), Hash: strings.Repeat("ab", 32), Width: 1280, Height: 800,
		Bytes: 90000, Meta: app.Meta{Version: 1, HLC: "001795843714967-0000000000-000000000000", CreatedAt: start, UpdatedAt: start}}
	if err := h.svc.Store().Write(h.ctx, func(tx app.Tx) error { return tx.Screenshots().Insert(h.ctx, a.Scope(), sh) }); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	s := h.activityScreen()
	var shown []*thumbButton
	for _, r := range s.rows.Objects {
		shown = append(shown, thumbs(r)...)
	}
	if len(shown) != 1 || shown[0].shot.ID != sh.ID {
		t.Fatalf("%d thumbnails, want the pulled screenshot's", len(shown))
	}
	test.Tap(shown[0])
	h.wait()
	v := s.viewer
	if v == nil || v.shot.ID != sh.ID || !h.dialogOpen() {
		t.Fatalf("the screenshot did not open: %q", h.overlayText())
	}
	if v.image != nil || v.placeholder == nil || !strings.Contains(h.overlayText(), "another computer") {
		t.Fatalf("no placeholder: %q", h.overlayText())
	}
}
