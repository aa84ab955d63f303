package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// An idle period is time away from the computer while a timer ran, waiting for the user's
// answer: keep it, discard it, or discard it and stop. The desktop notes one when the user
// comes back; every front end (the window, the tray, the CLI, the local API) shows it and
// takes the answer. Until answered the time is kept, and it can still be discarded after the
// timer stopped: the entry is then split around it.

// IdleChoice is an answer about an idle period.
type IdleChoice string

const (
	IdleKeep    IdleChoice = "keep"    // the time stays in the entry
	IdleDiscard IdleChoice = "discard" // the entry stops where the idle time began; a copy goes on after it
	IdleStop    IdleChoice = "stop"    // the entry stops where the idle time began, and nothing goes on
)

// IdlePeriod is a pending idle period of a user's entry.
type IdlePeriod struct {
	EntryID uuid.UUID `json:"entry_id"`
	UserID  uuid.UUID `json:"user_id"`
	From    time.Time `json:"from" doc:"When the user left (the last input)."`
	To      time.Time `json:"to" doc:"When the user came back."`
}

// settingIdlePending holds this device's pending idle period as JSON (one at a time: a
// newer one replaces it, and the older one's time is kept, as with no answer).
const settingIdlePending = "idle.pending"

// NoteIdle records an idle period of the actor's entry, to be answered from any front end.
func (s *Service) NoteIdle(ctx context.Context, a Actor, entryID uuid.UUID, from, to time.Time) (IdlePeriod, error) {
	p := IdlePeriod{EntryID: entryID, UserID: a.UserID, From: from.UTC().Truncate(time.Second), To: to.UTC().Truncate(time.Second)}
	if !p.From.Before(p.To) {
		return IdlePeriod{}, Invalid("to", "must be after from")
	}
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), entryID)
		if err != nil {
			return err
		}
		if e.UserID != a.UserID {
			return fmt.Errorf("idle time of another user's entry: %w", ErrNotFound)
		}
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return tx.Device().Put(ctx, settingIdlePending, string(b))
	})
	return p, err
}

// PendingIdle returns the actor's idle period waiting for an answer, or nil. A period whose
// entry is gone, or that lies outside what is left of its entry, is no longer pending.
func (s *Service) PendingIdle(ctx context.Context, a Actor) (*IdlePeriod, error) {
	var out *IdlePeriod
	err := s.store.Read(ctx, func(tx Tx) error {
		p, err := pendingIdle(ctx, tx)
		if err != nil || p == nil || p.UserID != a.UserID {
			return err
		}
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), p.EntryID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.StoppedAt != nil && !e.StoppedAt.After(p.From) {
			return nil // already cut there (or before): nothing left to decide
		}
		out = p
		return nil
	})
	return out, err
}

func pendingIdle(ctx context.Context, tx Tx) (*IdlePeriod, error) {
	v, err := tx.Device().Get(ctx, settingIdlePending)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p IdlePeriod
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return nil, nil // a corrupt value must not stop the timer; it is dropped on the next note
	}
	return &p, nil
}

// IdleOutcome is what answering an idle period did: the entry as it ends now, and the
// entry that goes on after the idle time, if any.
type IdleOutcome struct {
	Period  IdlePeriod `json:"period"`
	Choice  IdleChoice `json:"choice"`
	Entry   TimeEntry  `json:"entry"`
	Resumed *TimeEntry `json:"resumed" doc:"The copy that goes on after the idle time (discard), or null."`
}

// ResolveIdle answers the actor's pending idle period. ErrNotFound when none is pending.
func (s *Service) ResolveIdle(ctx context.Context, a Actor, choice IdleChoice) (IdleOutcome, error) {
	switch choice {
	case IdleKeep, IdleDiscard, IdleStop:
	default:
		return IdleOutcome{}, Invalid("choice", "must be keep, discard or stop")
	}
	var out IdleOutcome
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		p, err := pendingIdle(ctx, tx)
		if err != nil {
			return err
		}
		if p == nil || p.UserID != a.UserID {
			return fmt.Errorf("no idle time waiting for an answer: %w", ErrNotFound)
		}
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), p.EntryID)
		if err != nil {
			return err
		}
		out = IdleOutcome{Period: *p, Choice: choice, Entry: e}
		if choice != IdleKeep {
			if e.StoppedAt != nil && !e.StoppedAt.After(p.From) {
				return Conflict("the entry already ends before the idle time; nothing to discard")
			}
			if out.Entry, out.Resumed, err = s.discardIdleTx(ctx, tx, a, now, e, p.From, p.To, choice == IdleStop); err != nil {
				return err
			}
		}
		return tx.Device().Delete(ctx, settingIdlePending)
	})
	return out, err
}
