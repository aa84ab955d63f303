package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// settingLocalToken keeps the secret of this installation's local API token. Device settings
// live in the same 0600 database file the token gives access to and never sync, so keeping
// the secret there exposes nothing the file does not already hold.
const settingLocalToken = "local.api_token"

// LocalAPITokenName names the token LocalAPIToken issues, so it is recognisable in token lists.
const LocalAPITokenName = "local API (desktop)"

// LocalAPIToken returns the bearer token scripts and the CLI use to reach this installation's
// local API as the actor, issuing one on first use and again when the stored one was revoked
// or no longer belongs to the actor.
func (s *Service) LocalAPIToken(ctx context.Context, a Actor) (string, error) {
	var secret string
	err := s.store.Write(ctx, func(tx Tx) error {
		v, err := tx.Device().Get(ctx, settingLocalToken)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if strings.HasPrefix(v, tokenPrefix) {
			tok, err := tx.Tokens().ByHashAnyTenant(ctx, HashToken(v))
			switch {
			case err == nil && tok.TenantID == a.TenantID && tok.UserID == a.UserID &&
				(tok.ExpiresAt == nil || s.Now().Before(*tok.ExpiresAt)):
				secret = v
				return nil
			case err != nil && !errors.Is(err, ErrNotFound):
				return err
			}
		}
		secret, _, err = s.insertToken(ctx, tx, a.Scope(), a.UserID, LocalAPITokenName, TokenPersonal, nil)
		if err != nil {
			return err
		}
		if err := tx.Device().Put(ctx, settingLocalToken, secret); err != nil {
			return fmt.Errorf("keep local API token: %w", err)
		}
		return nil
	})
	return secret, err
}
