package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

type idempotency struct{ d *db }

func (s idempotency) Get(ctx context.Context, sc app.Scope, userID uuid.UUID, key string) (app.IdempotencyRecord, error) {
	var r app.IdempotencyRecord
	var headers string
	err := s.d.queryRow(ctx, sc.TenantID, `SELECT tenant_id, user_id, key, method, path, request_hash, status, headers, body, created_at
		FROM idempotency_keys WHERE tenant_id = ? AND user_id = ? AND key = ?`, sc.TenantID, userID, key).
		Scan(&r.TenantID, &r.UserID, &r.Key, &r.Method, &r.Path, &r.RequestHash, &r.Status, &headers, &r.Body, &r.CreatedAt)
	if err != nil {
		return r, fmt.Errorf("get idempotency record: %w", mapErr(err))
	}
	if err := json.Unmarshal([]byte(headers), &r.Headers); err != nil {
		return r, fmt.Errorf("idempotency record headers: %w", err)
	}
	return r, nil
}

func (s idempotency) Insert(ctx context.Context, sc app.Scope, r app.IdempotencyRecord) error {
	if r.TenantID != sc.TenantID {
		return fmt.Errorf("insert idempotency record: tenant mismatch: %w", app.ErrNotFound)
	}
	headers, err := json.Marshal(r.Headers)
	if err != nil {
		return err
	}
	body := r.Body
	if body == nil {
		body = []byte{}
	}
	_, err = s.d.exec(ctx, sc.TenantID, `INSERT INTO idempotency_keys (tenant_id, user_id, key, method, path, request_hash, status, headers, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.TenantID, r.UserID, r.Key, r.Method, r.Path, r.RequestHash, r.Status, string(headers), body, ts(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert idempotency record: %w", mapErr(err))
	}
	return nil
}

// DeleteBefore expires old records of every tenant through expire_idempotency, a SECURITY
// DEFINER function: housekeeping, not a data read.
func (s idempotency) DeleteBefore(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	if err := s.d.queryRow(ctx, s.d.noTenant(), `SELECT expire_idempotency(?)`, ts(before)).Scan(&n); err != nil {
		return 0, fmt.Errorf("expire idempotency records: %w", mapErr(err))
	}
	return n, nil
}
