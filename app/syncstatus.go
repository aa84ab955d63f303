package app

import (
	"context"
	"errors"
)

// What the device keeps for its sync status beyond one process (docs/sync.md, "Sync
// status"): when the server stopped answering, so that "offline since" survives a restart
// of the desktop or a `stint sync` run between two of its rounds.

// settingSyncOfflineSince holds when the first failed round of a streak found the server
// unreachable; a round that reaches the server clears it.
const settingSyncOfflineSince = "sync.offline_since"

// noteOffline records, in the transaction that records a failed round, when the device went
// offline: the first unreachable round of a streak writes the instant, later ones keep it. A
// server that answers, even with an error, is not offline.
func noteOffline(ctx context.Context, tx Tx, roundErr error, now string) error {
	if !errors.Is(roundErr, ErrUnavailable) {
		return tx.Device().Delete(ctx, settingSyncOfflineSince)
	}
	if v, err := optionalSetting(ctx, tx, settingSyncOfflineSince); err != nil || v != "" {
		return err
	}
	return tx.Device().Put(ctx, settingSyncOfflineSince, now)
}
