package sqlite

import (
	"time"

	"github.com/stinthq/stint/store/storemetrics"
)

// observerBox holds the store's observer behind an atomic pointer, so SetObserver may be
// called while the store serves.
type observerBox struct{ o storemetrics.Observer }

// SetObserver makes the store report every read and write transaction and every group
// commit to o; nil stops reporting.
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

// observeBatch reports a committed batch: its members and how long its transaction was open.
func (s *Store) observeBatch(b *batch) {
	if o := s.observer(); o != nil {
		o.OnBatch(b.members, time.Since(b.start))
	}
}
