package server

import (
	"container/list"
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stinthq/stint/app"
)

// The throttling policy (README, "Security"):
//   - every request to /v1/auth/* counts against its client address: AuthRatePerMinute at
//     once, then that many a minute (IPv6 clients by /64, the block one host usually has);
//   - every login attempt counts against the account, named by its normalised e-mail whether
//     or not it has one: LoginLimit (5 at once, then one a minute); a successful login refills
//     it, so only guesses add up;
//   - every sign-up counts against its e-mail address: SignupLimit (5, then one every 10 min).
// A throttled request is a 429 problem with Retry-After, the same for every account.

// Throttle defaults.
const (
	// DefaultThrottleKeys bounds the keys an in-memory throttle keeps: about 180 bytes each
	// for a login key, 17 MiB when full (BenchmarkMemoryThrottle).
	DefaultThrottleKeys = 100_000
)

// Default per-account limits: login attempts per account and sign-ups per e-mail address,
// so many at once (burst), then one per interval (every).
const (
	DefaultLoginBurst  = 5
	DefaultLoginEvery  = time.Minute
	DefaultSignupBurst = 5
	DefaultSignupEvery = 10 * time.Minute
	// New accounts made by adding members, per tenant: enough for a team's first import,
	// then six a minute.
	DefaultNewAccountBurst = 50
	DefaultNewAccountEvery = 10 * time.Second
)

// Throttle key prefixes: one namespace per limit.
const (
	keyClient     = "ip:"
	keyLogin      = "login:"
	keySignup     = "signup:"
	keyNewAccount = "new-account:"
)

// memoryThrottle is an app.Throttle in memory, for a single instance. Each key holds one
// instant, the generic cell rate algorithm's "theoretical arrival time": the bucket is full
// when it is past, so a key whose instant is past holds nothing and may be dropped. (One
// instant per key is also what lets a database keep the same state for shared instances;
// golang.org/x/time/rate keeps its state in unexported fields.) Keys are kept in
// least-recently-used order and at most maxKeys are kept, so memory stays bounded however
// many addresses or e-mails a client sprays.
type memoryThrottle struct {
	mu      sync.Mutex
	maxKeys int
	keys    map[string]*list.Element
	lru     list.List // of *throttleEntry, most recently used at the front
}

type throttleEntry struct {
	key string
	tat time.Time // when the bucket is full again
}

// NewMemoryThrottle returns a throttle kept in memory holding at most maxKeys keys
// (DefaultThrottleKeys when maxKeys <= 0).
func NewMemoryThrottle(maxKeys int) app.Throttle { return newMemoryThrottle(maxKeys) }

func newMemoryThrottle(maxKeys int) *memoryThrottle {
	if maxKeys <= 0 {
		maxKeys = DefaultThrottleKeys
	}
	return &memoryThrottle{maxKeys: maxKeys, keys: map[string]*list.Element{}}
}

// Take implements app.Throttle.
func (m *memoryThrottle) Take(_ context.Context, key string, lim app.Limit, now time.Time) (time.Duration, error) {
	if lim.Burst <= 0 || lim.Every <= 0 {
		return 0, fmt.Errorf("throttle %q: limit %+v is not a rate", key, lim)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	tat := now
	el, ok := m.keys[key]
	if ok {
		m.lru.MoveToFront(el)
		if t := el.Value.(*throttleEntry).tat; t.After(now) {
			tat = t
		}
	}
	next := tat.Add(lim.Every)
	if wait := next.Sub(now) - time.Duration(lim.Burst)*lim.Every; wait > 0 {
		return wait, nil
	}
	if ok {
		el.Value.(*throttleEntry).tat = next
		return 0, nil
	}
	for m.lru.Len() >= m.maxKeys {
		m.remove(m.lru.Back())
	}
	m.keys[key] = m.lru.PushFront(&throttleEntry{key: key, tat: next})
	return 0, nil
}

// Reset implements app.Throttle.
func (m *memoryThrottle) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.keys[key]; ok {
		m.remove(el)
	}
	return nil
}

// sweep drops least recently used keys whose buckets are full again: they hold nothing.
func (m *memoryThrottle) sweep(now time.Time) {
	for el := m.lru.Back(); el != nil && !el.Value.(*throttleEntry).tat.After(now); el = m.lru.Back() {
		m.remove(el)
	}
}

func (m *memoryThrottle) remove(el *list.Element) {
	delete(m.keys, el.Value.(*throttleEntry).key)
	m.lru.Remove(el)
}

// len is how many keys are kept.
func (m *memoryThrottle) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len()
}

// authPrefix is where credentials are tried, and so where guessing is rate limited.
const authPrefix = "/v1/auth/"

// acceptInvitationRoute is where invitation codes are tried: limited like sign-in.
const acceptInvitationRoute = "POST /v1/invitations/accept"

// rateLimitAuth limits sign-up, login and invitation-accept attempts per client address.
func (s *Server) rateLimitAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, authPrefix) || r.Method+" "+r.URL.Path == acceptInvitationRoute {
			key := keyClient + r.RemoteAddr
			if a := s.clientAddr(r); a.IsValid() {
				key = keyClient + addrKey(a)
			}
			if err := s.take(r.Context(), key, s.live.Load().clientLimit); err != nil {
				writeError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// take spends an attempt of key's bucket; an empty bucket is a 429 problem with Retry-After.
func (s *Server) take(ctx context.Context, key string, lim app.Limit) error {
	wait, err := s.throttle.Take(ctx, key, lim, time.Now())
	if err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	if wait <= 0 {
		return nil
	}
	p := newProblem(http.StatusTooManyRequests, "too many attempts; wait before trying again")
	p.headers = http.Header{"Retry-After": {strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))}}
	return p
}

// takeAccount spends an attempt of the account named by email under one of the per-account
// limits (keyLogin, keySignup).
func (s *Server) takeAccount(ctx context.Context, prefix, email string, lim app.Limit) error {
	return s.take(ctx, prefix+app.AccountKey(email), lim)
}

// resetAccount refills an account's login bucket after a successful login. A failure only
// leaves the account throttled a little longer, so it is logged, not returned.
func (s *Server) resetAccount(ctx context.Context, prefix, email string) {
	if err := s.throttle.Reset(ctx, prefix+app.AccountKey(email)); err != nil {
		loggerFrom(ctx).LogAttrs(ctx, slog.LevelWarn, "reset rate limit", slog.String("request_id", requestID(ctx)),
			slog.String("err", err.Error()))
	}
}

// addrKey is the rate-limit key of a client address: the address itself for IPv4, its /64
// for IPv6, since one host usually holds a whole /64 and could otherwise pick a new address
// for every attempt.
func addrKey(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}

// clientIP is the client's address for the access log: see clientAddr.
func (s *Server) clientIP(r *http.Request) string {
	if a := s.clientAddr(r); a.IsValid() {
		return a.String()
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// clientAddr is the address a request comes from: the connection's peer, unless the peer is a
// trusted proxy. Then X-Forwarded-For is read from the right, each hop added by the proxy in
// front of it, and the first address that is not itself a trusted proxy is the client.
// Anything left of it was written by the client and could name any bucket, so it is ignored;
// so is the whole header when the peer is not trusted. It returns the zero Addr when the
// peer address does not parse.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	addr, ok := parseHop(r.RemoteAddr)
	if !ok || !s.trustedProxy(addr) {
		return addr
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		list := strings.Split(hops[i], ",")
		for j := len(list) - 1; j >= 0; j-- {
			hop, ok := parseHop(list[j])
			if !ok {
				return addr // a hop that is not an address: trust no further than the proxy that passed it
			}
			if !s.trustedProxy(hop) {
				return hop
			}
			addr = hop
		}
	}
	return addr
}

// parseHop reads an address as peers and proxies write it: "ip", "ip:port" or "[ipv6]:port".
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a list of proxy addresses or CIDR blocks ("10.0.0.0/8",
// "192.0.2.7", "fd00::/8").
func ParseTrustedProxies(items []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		if p, err := netip.ParsePrefix(it); err == nil {
			if p.Addr().Is4In6() {
				return nil, fmt.Errorf("trusted proxy %q: write IPv4 blocks as IPv4", it)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(it)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR block such as 10.0.0.0/8", it)
		}
		a = a.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
