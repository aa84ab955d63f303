package app

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"
)

// PrincipalTTL is how long Authenticate reuses a token's principal (the token and its user's
// membership) it looked up, instead of asking the store on every request. It bounds how
// long a change made through another instance sharing the database takes to reach this
// one: a token revoked or expired elsewhere, a membership removed or a role changed there,
// still serve here for at most this long. Through this Service the change applies at once
// (forget), and writes check the actor's membership inside their transaction whatever the
// cache holds (Service.write), so a cached role only ever decides reads. Nothing lives
// only here: the store stays the one place tokens and memberships are kept.
const PrincipalTTL = time.Second

// maxPrincipals bounds the cache; past it the cache starts over.
const maxPrincipals = 4096

// principalKey is what a lookup was asked: a token's hash and the organization (uuid.Nil
// for the user's default).
type principalKey struct {
	hash string
	org  uuid.UUID
}

type principal struct {
	tok APIToken
	m   Membership
	at  time.Time // when the store answered
}

// principals caches Authenticate's lookups for PrincipalTTL.
type principals struct {
	mu  sync.Mutex
	m   map[principalKey]principal
	gen uint64 // counts forget calls, so a lookup that began before one is not kept
	// flights lets the requests that find a token's principal missing at once, as every
	// request of a busy client does when its entry expires, share one lookup instead of
	// each holding a connection for a lookup of its own (lookup).
	flights singleflight.Group
	// touching holds the tokens whose last use a request is marking now (claimTouch), so
	// the requests of a busy client at the minute's turn mark it once, not once each.
	touching map[uuid.UUID]struct{}
}

// lookup runs find for k, or waits for the run another caller began for k in the same
// generation (gen, from generation): a run begun before a forget is not shared with a
// caller that came after it. The run is the first caller's, in its goroutine (a panic
// stays that request's); should it fail because that caller's request went away, the
// others run find again with their own context.
func (c *principals) lookup(ctx context.Context, k principalKey, gen uint64, find func(context.Context) (principal, error)) (principal, error) {
	v, err, _ := c.flights.Do(k.hash+string(k.org[:])+strconv.FormatUint(gen, 10), func() (any, error) {
		p, err := find(ctx)
		if err != nil && ctx.Err() != nil {
			return p, lookupGone{err}
		}
		return p, err
	})
	var gone lookupGone
	if errors.As(err, &gone) {
		if ctx.Err() == nil {
			return find(ctx) // the request that ran the lookup went away, not this one
		}
		return principal{}, gone.err
	}
	p, _ := v.(principal)
	return p, err
}

// lookupGone is the failure of a lookup whose request ended while it ran.
type lookupGone struct{ err error }

func (e lookupGone) Error() string { return e.err.Error() }
func (e lookupGone) Unwrap() error { return e.err }

func principalKeyOf(hash []byte, orgID *uuid.UUID) principalKey {
	k := principalKey{hash: string(hash)}
	if orgID != nil {
		k.org = *orgID
	}
	return k
}

// get returns the principal looked up for k at most PrincipalTTL before now.
func (c *principals) get(k principalKey, now time.Time) (principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[k]
	if !ok || now.Sub(p.at) >= PrincipalTTL || now.Before(p.at) {
		return principal{}, false
	}
	return p, true
}

// generation is what put needs from a lookup about to ask the store.
func (c *principals) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps what the store answered for k, unless forget was called since the lookup began
// (gen, from generation): its answer may predate the change forget was called for.
func (c *principals) put(k principalKey, p principal, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxPrincipals {
		c.m = make(map[principalKey]principal)
	}
	c.m[k] = p
}

// touched records that the token id was marked used at, so the cached copy does not ask
// for another touch before tokenTouchPeriod has passed.
func (c *principals) touched(id uuid.UUID, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, p := range c.m {
		if p.tok.ID == id {
			p.tok.LastUsedAt = &at
			c.m[k] = p
		}
	}
}

// claimTouch tells whether the caller is the one to mark the token id used: false while
// another request of this Service marks it. The caller that gets true calls touchDone.
func (c *principals) claimTouch(id uuid.UUID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, busy := c.touching[id]; busy {
		return false
	}
	if c.touching == nil {
		c.touching = make(map[uuid.UUID]struct{})
	}
	c.touching[id] = struct{}{}
	return true
}

// touchDone ends the mark claimTouch gave the caller.
func (c *principals) touchDone(id uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.touching, id)
}

// forget drops every cached principal: called after this Service revokes a token or
// changes a membership or an organization, so that the change applies here at once.
func (c *principals) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}
