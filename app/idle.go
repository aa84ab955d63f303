package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Idle threshold: how long without input before a running timer asks, on return, whether to
// keep the idle time. It is a setting of this device, not of the organization.
const (
	DefaultIdleThreshold = 5 * time.Minute
	MinIdleThreshold     = time.Minute
	MaxIdleThreshold     = 4 * time.Hour
	settingIdleThreshold = "idle.threshold_seconds"
)

// IdleThreshold returns this device's idle threshold (the default until one is set).
func (s *Service) IdleThreshold(ctx context.Context) (time.Duration, error) {
	var out time.Duration
	err := s.store.Read(ctx, func(tx Tx) error {
		v, err := tx.Device().Get(ctx, settingIdleThreshold)
		if errors.Is(err, ErrNotFound) {
			out = DefaultIdleThreshold
			return nil
		}
		if err != nil {
			return err
		}
		secs, err := strconv.ParseInt(v, 10, 64)
		d := time.Duration(secs) * time.Second
		if err != nil || d < MinIdleThreshold || d > MaxIdleThreshold {
			out = DefaultIdleThreshold // a corrupt value must not break the timer
			return nil
		}
		out = d
		return nil
	})
	return out, err
}

// SetIdleThreshold changes this device's idle threshold.
func (s *Service) SetIdleThreshold(ctx context.Context, d time.Duration) error {
	if d < MinIdleThreshold || d > MaxIdleThreshold {
		return Invalid("idle_threshold", "must be between %d minute and %d hours", int(MinIdleThreshold/time.Minute), int(MaxIdleThreshold/time.Hour))
	}
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.Device().Put(ctx, settingIdleThreshold, strconv.FormatInt(int64(d/time.Second), 10)); err != nil {
			return fmt.Errorf("save idle threshold: %w", err)
		}
		return nil
	})
}
