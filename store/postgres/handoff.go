package postgres

import (
	"context"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// A read has nothing to keep, but ending its transaction costs a round trip of its own
// (ROLLBACK), which the request would wait for after its last statement. Instead, a
// connection whose read has ended is handed on with its transaction still open, and the
// next transaction the store begins on it sends the ROLLBACK in front of its own BEGIN, in
// its first round trip. The transaction left open is READ ONLY and holds no row locks,
// only its snapshot and the ACCESS SHARE locks of what it read; so that neither lasts, the
// connections nobody took within handoffLinger are rolled back and returned to the pool.

// handoffLinger is how long a connection may wait with its ended read's transaction open.
const handoffLinger = 20 * time.Millisecond

// handoffSlots is how many such connections may wait at once; the others end their read
// with a ROLLBACK of their own, as before.
func handoffSlots() int { return 2 * runtime.GOMAXPROCS(0) }

// handed is a connection whose ended read's transaction is still open.
type handed struct {
	c     *pgxpool.Conn
	since time.Time
}

// acquire returns a connection for a new transaction and, when it comes with an ended
// read's transaction still open, the statement that must go out in front of the new one.
func (s *Store) acquire(ctx context.Context) (*pgxpool.Conn, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err // as the pool refuses a done context, whatever is waiting
	}
	select {
	case h := <-s.handoff:
		return h.c, "ROLLBACK", nil
	default:
	}
	c, err := s.pool.Acquire(ctx)
	return c, "", err
}

// release returns the connection of a transaction that has ended for its caller. A
// connection still in a transaction is handed on (keep: a read's, which has nothing to
// keep) or rolled back here; one busy with an unread result goes back to the pool, which
// closes it. A failed transaction is rolled back here too: pgx prepares a statement new to
// the connection in a round trip of its own before the batch that carries the ROLLBACK, and
// a failed transaction refuses that.
func (s *Store) release(ctx context.Context, c *pgxpool.Conn, d *db, keep bool) {
	pc := c.Conn().PgConn()
	if pc.IsBusy() || pc.IsClosed() || pc.TxStatus() == 'I' {
		c.Release()
		return
	}
	if keep && pc.TxStatus() == 'T' {
		select {
		case s.handoff <- handed{c: c, since: time.Now()}:
			if s.sweeping.CompareAndSwap(false, true) {
				time.AfterFunc(handoffLinger, s.sweep)
			}
			return
		default:
		}
	}
	d.rollback(ctx)
	c.Release()
}

// sweep rolls back and returns to the pool the connections that have waited handoffLinger
// or longer; it runs again while some are still waiting.
func (s *Store) sweep() {
	s.sweeping.Store(false)
	for range cap(s.handoff) {
		select {
		case h := <-s.handoff:
			if wait := handoffLinger - time.Since(h.since); wait > 0 {
				// Not due yet: back it goes (or, should the slots have filled
				// meanwhile, it is rolled back now), and a later sweep takes it.
				select {
				case s.handoff <- h:
				default:
					s.endHanded(h.c)
				}
				if s.sweeping.CompareAndSwap(false, true) {
					time.AfterFunc(wait, s.sweep)
				}
				return
			}
			s.endHanded(h.c)
		default:
			return
		}
	}
}

// drainHandoff rolls back every connection waiting, so the pool can close.
func (s *Store) drainHandoff() {
	for {
		select {
		case h := <-s.handoff:
			s.endHanded(h.c)
		default:
			return
		}
	}
}

func (s *Store) endHanded(c *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), sweepKey{}, true), 5*time.Second)
	defer cancel()
	_, _ = c.Exec(ctx, "ROLLBACK")
	c.Release()
}

// sweepKey marks the context of a sweep's ROLLBACK, which no request waits for.
type sweepKey struct{}
