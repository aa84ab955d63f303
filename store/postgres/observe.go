package postgres

import (
	"time"

	"github.com/stinthq/stint/store/storemetrics"
)

// observerBox holds the store's observer behind an atomic pointer, so SetObserver may be
// called while the store serves.
type observerBox struct{ o storemetrics.Observer }

// SetObserver makes the store report every read and write transaction and every commit to
// o; nil stops reporting. PostgreSQL commits each write on its own, so every commit is a
// batch of one, and its duration is the whole transaction's: from BEGIN until COMMIT
// returned, the time it held a pooled connection and its row locks (the tenant's
// change-log counter among them). A unit of work's commit is one batch timed from the
// unit's BEGIN.
func (s *Store) SetObserver(o storemetrics.Observer) {
	if o == nil {
		s.obs.Store(nil)
		return
	}
	s.obs.Store(&observerBox{o: o})
}

// observer is the store's observer, or nil.
func (s *Store) observer() storemetrics.Observer {
	if b := s.obs.Load(); b != nil {
		return b.o
	}
	return nil
}

// observeTx reports a transaction begun at start whose outcome *err holds; deferred by
// Read and Write.
func observeTx(o storemetrics.Observer, kind storemetrics.Kind, start time.Time, err *error) {
	o.OnTx(kind, time.Since(start), *err)
}

// observeCommit reports one committed transaction begun at start.
func (s *Store) observeCommit(start time.Time) {
	if o := s.observer(); o != nil {
		o.OnBatch(1, time.Since(start))
	}
}

var _ storemetrics.PoolReporter = (*Store)(nil)

// PoolStats reports the connection pool: how many connections requests hold, how many
// wait idle, how many are open, and the most it may open.
func (s *Store) PoolStats() storemetrics.Pool {
	st := s.pool.Stat()
	handed := len(s.handoff) // idle too: only an ended read's transaction is left to roll back
	return storemetrics.Pool{
		Acquired: max(0, int(st.AcquiredConns())-handed),
		Idle:     int(st.IdleConns()) + handed,
		Total:    int(st.TotalConns()),
		Max:      int(st.MaxConns()),
	}
}
