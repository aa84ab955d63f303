package postgres

import (
	"context"
	"fmt"

	"github.com/stinthq/stint/app"
)

// device holds this installation's settings: not tenant data, so no tenant is set for it.
type device struct{ d *db }

func (s device) Get(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.d.queryRow(ctx, s.d.noTenant(), `SELECT value FROM device_settings WHERE key = ?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("device setting %s: %w", key, mapErr(err))
	}
	return v, nil
}

func (s device) Put(ctx context.Context, key, value string) error {
	_, err := s.d.exec(ctx, s.d.noTenant(), `INSERT INTO device_settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("put device setting %s: %w", key, mapErr(err))
	}
	return nil
}

func (s device) Delete(ctx context.Context, key string) error {
	if _, err := s.d.exec(ctx, s.d.noTenant(), `DELETE FROM device_settings WHERE key = ?`, key); err != nil {
		return fmt.Errorf("delete device setting %s: %w", key, mapErr(err))
	}
	return nil
}

var _ app.DeviceSettings = device{}
