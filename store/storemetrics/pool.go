package storemetrics

// Pool is a snapshot of a store's connection pool.
type Pool struct {
	// Acquired connections are in use by a transaction or a unit of work.
	Acquired int
	// Idle connections are open and waiting in the pool.
	Idle int
	// Total connections are open, acquired, idle or being opened.
	Total int
	// Max is how many connections the pool may open.
	Max int
}

// PoolReporter is a store with a connection pool worth watching (the PostgreSQL store; the
// SQLite store's one writer and few readers are not). The server registers gauges for it
// only when the store offers it.
type PoolReporter interface {
	PoolStats() Pool
}
