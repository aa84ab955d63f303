package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// stmtCache keeps one prepared statement per query text for a pool. SQLite spends a large
// share of a short request compiling SQL; reusing statements removes that. database/sql
// prepares each cached statement once per connection and re-prepares transparently when a
// connection is replaced. Queries carry only placeholders, so the set of texts is small.
//
// Preparing for the cache takes a connection from the pool, and every Read and Write holds
// one for its whole transaction. A transaction that needs a statement not cached yet must
// therefore never wait for that: it runs the text unprepared on its own connection and has
// the statement prepared in the background, once a connection is free. Waiting instead
// would deadlock as soon as every connection is held by a transaction doing the same.
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt // nil once closed
	pending map[string]bool      // texts being prepared in the background
	// preparing counts background prepares, so close can wait for them: one still holding
	// a connection when the store closes would keep SQLite from checkpointing and removing
	// the log on close.
	preparing sync.WaitGroup
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// lookup returns the cached statement for query, or nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// get returns the cached statement for query, preparing it on the pool if needed. Only
// callers that hold no connection of the pool may use it.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.lookup(query); st != nil {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if kept := c.keep(query, st); kept != nil {
		return kept, nil
	}
	return nil, errClosed
}

// keep caches st for query unless another statement got there first or the cache is
// closed, and returns the cached statement (nil when closed).
func (c *stmtCache) keep(query string, st *sql.Stmt) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		st.Close()
		return nil
	}
	if old, ok := c.m[query]; ok {
		st.Close()
		return old
	}
	c.m[query] = st
	return st
}

// prepareLater prepares query for the cache in the background, once per text at a time.
func (c *stmtCache) prepareLater(query string) {
	c.mu.Lock()
	if c.m == nil || c.pending[query] || c.m[query] != nil {
		c.mu.Unlock()
		return
	}
	c.pending[query] = true
	c.preparing.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.preparing.Done()
		st, err := c.db.PrepareContext(context.Background(), query)
		c.mu.Lock()
		delete(c.pending, query)
		c.mu.Unlock()
		if err == nil {
			c.keep(query, st)
		}
	}()
}

// close closes every cached statement once background prepares are done.
func (c *stmtCache) close() {
	c.mu.Lock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
	c.mu.Unlock()
	c.preparing.Wait()
}

// cached is a querier running cached statements inside the transaction tx (a Read or a
// Write), or on the pool when tx is nil (ReadStatement, which holds no connection while
// it prepares, and tests).
type cached struct {
	cache *stmtCache
	tx    *sql.Tx
}

// inTx returns the transaction's copy of the cached statement for query, or nil when it is
// not cached yet (then it is prepared in the background and the caller runs the text).
func (c cached) inTx(ctx context.Context, query string) *sql.Stmt {
	if st := c.cache.lookup(query); st != nil {
		return c.tx.StmtContext(ctx, st)
	}
	c.cache.prepareLater(query)
	return nil
}

func (c cached) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	args = idArgs(args)
	if c.tx != nil {
		if st := c.inTx(ctx, query); st != nil {
			return st.ExecContext(ctx, args...)
		}
		return c.tx.ExecContext(ctx, query, args...)
	}
	st, err := c.cache.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c cached) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	args = idArgs(args)
	if c.tx != nil {
		if st := c.inTx(ctx, query); st != nil {
			return st.QueryContext(ctx, args...)
		}
		return c.tx.QueryContext(ctx, query, args...)
	}
	st, err := c.cache.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext reports a prepare failure through the returned row's Scan, as
// database/sql's own QueryRowContext does.
func (c cached) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	args = idArgs(args)
	if c.tx != nil {
		if st := c.inTx(ctx, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	st, err := c.cache.get(ctx, query)
	if err != nil {
		// A Row can only carry an error from a query; run the failing text unprepared so the
		// caller sees the same error at Scan.
		return c.cache.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
