package app

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// maxRateCaches bounds rateCache; past it the cache starts over.
const maxRateCaches = 1024

// rateCache keeps each organization's live rates beside the version they were read at
// (Rates.Version). Every report prices its entries, and reading an organization's rates
// cost a member's week report a tenth of its time (every column of every rate, sorted),
// where their version is one small aggregate. A hit needs the version the report's own read sees to equal the
// one kept, so the rates used are those of the report's snapshot whatever another
// instance sharing the store wrote, and nothing else invalidates. Kept lists are shared:
// no one may change them.
type rateCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]cachedRates // by organization
}

type cachedRates struct {
	tenant  uuid.UUID
	version RatesVersion
	rates   []Rate
}

func (c *rateCache) get(sc Scope, v RatesVersion) ([]Rate, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[sc.OrgID]
	if !ok || e.tenant != sc.TenantID || e.version != v {
		return nil, false
	}
	return e.rates, true
}

func (c *rateCache) put(sc Scope, v RatesVersion, rates []Rate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxRateCaches {
		c.m = make(map[uuid.UUID]cachedRates)
	}
	c.m[sc.OrgID] = cachedRates{tenant: sc.TenantID, version: v, rates: rates}
}

// latest returns the rates kept for the organization and the version they were read at.
func (c *rateCache) latest(sc Scope) ([]Rate, RatesVersion, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[sc.OrgID]
	if !ok || e.tenant != sc.TenantID {
		return nil, RatesVersion{}, false
	}
	return e.rates, e.version, true
}

// pricingRates returns the organization's live rates, oldest effective first, that can
// price user's entries (the rates set for other members left out; all of them when user is
// nil), read in tx: from the cache when the version tx sees is the one kept.
func (s *Service) pricingRates(ctx context.Context, tx Tx, sc Scope, user *uuid.UUID) ([]Rate, error) {
	v, err := tx.Rates().Version(ctx, sc)
	if err != nil {
		return nil, err
	}
	all, ok := s.rates.get(sc, v)
	if !ok {
		if all, err = tx.Rates().List(ctx, sc, RateFilter{}); err != nil {
			return nil, err
		}
		// A read inside a unit of work (PostgreSQL's READ COMMITTED) may see a write
		// commit between the two statements: keep only a list the version vouches for.
		if again, err := tx.Rates().Version(ctx, sc); err == nil && again == v {
			s.rates.put(sc, v, all)
		}
	}
	return ratesFor(all, user), nil
}

// ratesFor is the rates of all that can price user's entries (all of them when user is nil).
func ratesFor(all []Rate, user *uuid.UUID) []Rate {
	if user == nil {
		return all
	}
	// One member's report needs only the rates that can price that member's entries:
	// fewer cases for the store to weigh on every entry. Counted first, so a member's week
	// copies its few rates and not room for the organization's every member's.
	n := 0
	for _, r := range all {
		if r.UserID == nil || *r.UserID == *user {
			n++
		}
	}
	if n == len(all) {
		return all
	}
	out := make([]Rate, 0, n)
	for _, r := range all {
		if r.UserID == nil || *r.UserID == *user {
			out = append(out, r)
		}
	}
	return out
}
