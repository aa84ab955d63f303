package app

import "context"

// LatestChange returns the sequence number of the newest change to the actor's tenant, or
// after itself when nothing changed since. Every mutation, from this process or another
// (the CLI, the API, sync), writes a change-log row, so a front end polling this notices
// all of them. Pass 0 the first time.
func (s *Service) LatestChange(ctx context.Context, a Actor, after int64) (int64, error) {
	var seq int64
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		seq, err = tx.Changes().LatestSeq(ctx, Scope{TenantID: a.TenantID})
		return err
	})
	if err != nil {
		return after, err
	}
	return max(seq, after), nil
}
