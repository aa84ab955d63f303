package sqlite

import (
	"context"
	"fmt"

	"github.com/stinthq/stint/app"
)

type device struct{ q querier }

func (s device) Get(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.q.QueryRowContext(ctx, `SELECT value FROM device_settings WHERE key = ?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("device setting %s: %w", key, mapErr(err))
	}
	return v, nil
}

func (s device) Put(ctx context.Context, key, value string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO device_settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("put device setting %s: %w", key, err)
	}
	return nil
}

func (s device) Delete(ctx context.Context, key string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM device_settings WHERE key = ?`, key); err != nil {
		return fmt.Errorf("delete device setting %s: %w", key, err)
	}
	return nil
}

var _ app.DeviceSettings = device{}
