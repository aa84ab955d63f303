//go:build !headless

package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestTagsAndBillableAreSetShownAndFiltered sets tags and billable on the timer bar before
// and while the timer runs, sees them on the entry rows, and filters the Entries screen by them.
func TestTagsAndBillableAreSetShownAndFiltered(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true})
	tag := func(name string) app.Tag {
		tg, err := h.svc.CreateTag(h.ctx, h.actor(), app.TagInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	design, ops := tag("design"), tag("ops")
	h.entryAt("plain work", nil, time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC), time.Hour)
	h.external()
	s := h.u.timer

	// Before the start: a tag and Billable, taken by the entry that starts.
	h.tap(s.tags.button)
	if s.tags.popup == nil || s.tags.group == nil {
		t.Fatal("the tag list did not open")
	}
	s.tags.group.SetSelected([]string{"design"})
	h.wait()
	s.tags.close()
	if s.tags.button.Text != "#design" {
		t.Fatalf("tag button says %q", s.tags.button.Text)
	}
	test.Tap(s.billable)
	h.typeInto(s.desc, "mockups")
	h.tap(s.button)
	r := h.running()
	if r == nil || !slices.Equal(r.TagIDs, []uuid.UUID{design.ID}) || !r.Billable {
		t.Fatalf("started entry %+v", r)
	}

	// While it runs: another tag, saved at once.
	h.tap(s.tags.button)
	s.tags.group.SetSelected([]string{"design", "ops"})
	h.wait()
	s.tags.close()
	if r := h.running(); !slices.Equal(r.TagIDs, []uuid.UUID{design.ID, ops.ID}) {
		t.Fatalf("running entry's tags %v", r.TagIDs)
	}
	h.external()
	if got := rowFor(t, s.entries, "mockups").marks.seg.Text; got != "#design #ops $" {
		t.Fatalf("timer row shows %q", got)
	}
	if got := rowFor(t, s.entries, "plain work").marks.seg.Text; got != "" {
		t.Fatalf("untagged row shows %q", got)
	}
	// Stopping clears the bar for the next entry.
	h.tap(s.button)
	if s.tags.button.Text != "Tags" || s.billable.Checked {
		t.Fatalf("bar after stop: %q billable=%v", s.tags.button.Text, s.billable.Checked)
	}

	// Entries: by tag, then by billable.
	h.u.show(1)
	h.wait()
	es := h.u.entries
	h.pick(es.tag, "ops")
	if got := rows(es.list); !slices.Equal(got, []string{"# Today 0:00:00", "mockups"}) {
		t.Fatalf("tagged ops: %v", got)
	}
	h.pick(es.tag, "") // first option: all tags
	es.billable.SetSelectedIndex(2)
	h.wait()
	if got := rows(es.list); !slices.Equal(got, []string{"# Today 1:00:00", "plain work"}) {
		t.Fatalf("not billable: %v", got)
	}
	if es.total.Text != "1 entry · 1:00:00" {
		t.Fatalf("total %q", es.total.Text)
	}
}

// TestTrayShowsTagsAndBillable: the tray's status line names the running entry's tags.
func TestTrayShowsTagsAndBillable(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, tray: true})
	tg, err := h.svc.CreateTag(h.ctx, h.actor(), app.TagInput{Name: "design"})
	if err != nil {
		t.Fatal(err)
	}
	billable := true
	if _, err := h.svc.StartTimer(h.ctx, h.actor(), app.TimerStart{Description: "d", TagIDs: []uuid.UUID{tg.ID}, Billable: &billable}); err != nil {
		t.Fatal(err)
	}
	h.external()
	if got := h.u.tray.status.Label; got != "● 0:00  d  #design $" {
		t.Fatalf("tray says %q", got)
	}
}
