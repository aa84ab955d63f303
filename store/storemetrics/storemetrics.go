// Package storemetrics is how a store reports its transactions to whoever measures them
// (the Prometheus metrics of stint serve) without importing a metrics library: the SQLite
// and PostgreSQL stores call an Observer, and the server implements it.
package storemetrics

import "time"

// Kind is a transaction's kind.
type Kind string

// Transaction kinds.
const (
	Read  Kind = "read"
	Write Kind = "write"
)

// Observer receives what a store's transactions took. Its methods are called on the
// store's hot paths, from many goroutines at once: they must be cheap and safe for
// concurrent use, and must not call back into the store.
type Observer interface {
	// OnTx reports one transaction as its caller saw it: from the call until its outcome
	// was known (for a write, until it was durable or known lost), and whether it failed.
	OnTx(kind Kind, d time.Duration, err error)
	// OnBatch reports one commit to the database: how many write transactions it carried
	// (SQLite group-commits concurrent writes; a store that commits each on its own
	// reports 1) and how long it held the database's write lock.
	OnBatch(size int, d time.Duration)
}

// Nop is an Observer that records nothing.
type Nop struct{}

// OnTx does nothing.
func (Nop) OnTx(Kind, time.Duration, error) {}

// OnBatch does nothing.
func (Nop) OnBatch(int, time.Duration) {}
