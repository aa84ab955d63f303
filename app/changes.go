package app

import "context"

// changePage is how many change-log rows LatestChange reads at a time.
const changePage = 1000

// LatestChange returns the sequence number of the newest change to the actor's tenant, or
// after itself when nothing changed since. Every mutation, from this process or another
// (the CLI, the API, sync), writes a change-log row, so a front end polling this notices
// all of them. Pass 0 the first time.
func (s *Service) LatestChange(ctx context.Context, a Actor, after int64) (int64, error) {
	err := s.store.Read(ctx, func(tx Tx) error {
		for {
			rows, err := tx.Changes().After(ctx, Scope{TenantID: a.TenantID}, after, changePage)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				after = rows[len(rows)-1].Seq
			}
			if len(rows) < changePage {
				return nil
			}
		}
	})
	return after, err
}
