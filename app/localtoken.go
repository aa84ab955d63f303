package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/uuid"
)

// The local API token is stored like every other token: the database keeps its hash only.
// Its secret lives in a file in the data directory that only the user can read, so a copy
// of the database (a backup, a support bundle) opens nothing.
const (
	// settingLocalTokenID names the local API token's row, so rotating revokes it even
	// when the token file was lost or edited.
	settingLocalTokenID = "local.api_token_id"
	// settingLegacyLocalToken is where versions before the token file kept the secret in
	// plain text; UpgradeLocalToken moves it out.
	settingLegacyLocalToken = "local.api_token"
)

// LocalAPITokenName names the token LocalAPIToken issues, so it is recognisable in token lists.
const LocalAPITokenName = "local API (desktop)"

// LocalTokenFileName names the file in the data directory holding the local API token.
const LocalTokenFileName = "api-token"

// TokenFile is the path of the file holding the local API token's secret. It is written
// with mode 0600 (on Windows the data directory under the user's profile keeps it private).
type TokenFile string

// LocalTokenFile is the token file of the data directory dir.
func LocalTokenFile(dir string) TokenFile { return TokenFile(filepath.Join(dir, LocalTokenFileName)) }

// read returns the secret in the file, "" when there is no file.
func (f TokenFile) read() (string, error) {
	if f == "" {
		return "", errors.New("local API token: no data directory")
	}
	b, err := os.ReadFile(string(f))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read local API token: %w", err)
	}
	// A copy or restore may have left the file readable by others: take it back.
	if fi, err := os.Stat(string(f)); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(string(f), 0o600); err != nil {
			return "", fmt.Errorf("make the local API token private: %w", err)
		}
	}
	return strings.TrimSpace(string(b)), nil
}

// write replaces the file with one holding secret, readable and writable by its owner only.
// It writes a temporary file and renames it, so a crash leaves the old token or the new one,
// never half of one, and the secret is never in a file with wider permissions.
func (f TokenFile) write(secret string) (err error) {
	if f == "" {
		return errors.New("local API token: no data directory")
	}
	tmp, err := os.CreateTemp(filepath.Dir(string(f)), ".api-token-*") // created 0600
	if err != nil {
		return fmt.Errorf("write local API token: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("write local API token: %w", err)
	}
	if _, err = tmp.WriteString(secret + "\n"); err != nil {
		return fmt.Errorf("write local API token: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write local API token: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write local API token: %w", err)
	}
	if err = os.Rename(tmp.Name(), string(f)); err != nil {
		return fmt.Errorf("write local API token: %w", err)
	}
	return nil
}

// LocalAPIToken returns the bearer token scripts use to reach this installation's local API
// as the actor, reading it from f. It issues one (and writes f) on first use and again when
// the one in f was revoked, lost or no longer belongs to the actor.
func (s *Service) LocalAPIToken(ctx context.Context, a Actor, f TokenFile) (string, error) {
	return s.localToken(ctx, a, f, false)
}

// RotateLocalAPIToken revokes the local API token and issues a new one into f: scripts using
// the old token stop working.
func (s *Service) RotateLocalAPIToken(ctx context.Context, a Actor, f TokenFile) (string, error) {
	return s.localToken(ctx, a, f, true)
}

func (s *Service) localToken(ctx context.Context, a Actor, f TokenFile, rotate bool) (string, error) {
	var secret string
	// The file is read and written inside the write transaction, which serialises this with
	// the same call in another process (the CLI beside the desktop): each sees what the
	// other wrote, and neither revokes a token the other just handed out.
	err := s.store.Write(ctx, func(tx Tx) error {
		kept, err := f.read()
		if err != nil {
			return err
		}
		old := map[uuid.UUID]bool{}
		if strings.HasPrefix(kept, tokenPrefix) {
			tok, err := tx.Tokens().ByHashAnyTenant(ctx, HashToken(kept))
			switch {
			case err == nil && tok.TenantID == a.TenantID && tok.UserID == a.UserID:
				if !rotate && (tok.ExpiresAt == nil || s.Now().Before(*tok.ExpiresAt)) {
					secret = kept
					return nil
				}
				old[tok.ID] = true
			case err != nil && !errors.Is(err, ErrNotFound):
				return err
			}
		}
		v, err := tx.Device().Get(ctx, settingLocalTokenID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if id, perr := uuid.Parse(v); err == nil && perr == nil {
			old[id] = true
		}
		for id := range old {
			if err := s.revokeLocalToken(ctx, tx, a, id); err != nil {
				return err
			}
		}
		var t APIToken
		secret, t, err = s.insertToken(ctx, tx, a.Scope(), a.UserID, LocalAPITokenName, TokenPersonal, nil)
		if err != nil {
			return err
		}
		if err := tx.Device().Put(ctx, settingLocalTokenID, t.ID.String()); err != nil {
			return fmt.Errorf("keep local API token id: %w", err)
		}
		// Written last: when it fails the transaction rolls back and the old token stays.
		return f.write(secret)
	})
	s.principals.forget() // the old token may have been revoked
	if err != nil {
		return "", err
	}
	return secret, nil
}

// revokeLocalToken deletes the actor's token id, if it is still there.
func (s *Service) revokeLocalToken(ctx context.Context, tx Tx, a Actor, id uuid.UUID) error {
	t, err := tx.Tokens().Get(ctx, a.Scope(), id)
	if errors.Is(err, ErrNotFound) || err == nil && t.UserID != a.UserID {
		return nil
	}
	if err != nil {
		return err
	}
	if err := tx.Tokens().Delete(ctx, a.Scope(), id); err != nil {
		return err
	}
	return s.audit(ctx, tx, a.Scope(), &a.UserID, "token.revoke", "api_token", id)
}

// UpgradeLocalToken moves a local API token secret that earlier versions kept in plain text
// in the database into the token file f, and deletes it from the database. Opening a data
// directory runs it; once done it only finds nothing to do. When f already holds another
// token, the old one is revoked instead, since its secret sat in the database.
func (s *Service) UpgradeLocalToken(ctx context.Context, f TokenFile) error {
	return s.store.Write(ctx, func(tx Tx) error {
		v, err := tx.Device().Get(ctx, settingLegacyLocalToken)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(v, tokenPrefix) {
			if err := s.moveLegacyToken(ctx, tx, v, f); err != nil {
				return err
			}
		}
		if err := tx.Device().Delete(ctx, settingLegacyLocalToken); err != nil {
			return fmt.Errorf("delete plain local API token: %w", err)
		}
		return nil
	})
}

func (s *Service) moveLegacyToken(ctx context.Context, tx Tx, secret string, f TokenFile) error {
	tok, err := tx.Tokens().ByHashAnyTenant(ctx, HashToken(secret))
	if errors.Is(err, ErrNotFound) {
		return nil // revoked already: nothing to keep
	}
	if err != nil {
		return err
	}
	kept, err := f.read()
	if err != nil {
		return err
	}
	switch kept {
	case secret:
	case "":
		if err := f.write(secret); err != nil {
			return err
		}
	default:
		owner := Actor{TenantID: tok.TenantID, UserID: tok.UserID}
		return s.revokeLocalToken(ctx, tx, owner, tok.ID)
	}
	if err := tx.Device().Put(ctx, settingLocalTokenID, tok.ID.String()); err != nil {
		return fmt.Errorf("keep local API token id: %w", err)
	}
	return nil
}
