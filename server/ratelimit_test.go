package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// loopbackProxy trusts the test client's address as a reverse proxy, so tests can speak for
// any client address with X-Forwarded-For.
var loopbackProxy = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func loginReq(email, password, from string) req {
	r := req{method: "POST", path: "/v1/auth/login", body: fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)}
	if from != "" {
		r.headers = map[string]string{"X-Forwarded-For": from}
	}
	return r
}

// wantThrottled checks a 429 problem with a Retry-After within limit.
func wantThrottled(t *testing.T, res response, limit time.Duration) {
	t.Helper()
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %s", res.status, res.body)
	}
	s, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || s < 1 || time.Duration(s)*time.Second > limit {
		t.Fatalf("Retry-After %q, want 1s..%v", res.header.Get("Retry-After"), limit)
	}
}

// TestLoginThrottledPerAccount is the guessing run of issue 7: 50 addresses at once, 10
// guesses each (each address within its own limit), at one account.
func TestLoginThrottledPerAccount(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 10, TrustedProxies: loopbackProxy})
	e.newTenant(t, "acme")
	statuses := map[int]int{}
	var throttled []response
	var mu sync.Mutex
	var wg sync.WaitGroup
	for addr := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				res := e.do(t, loginReq("owner@acme.example.com", "guess guess", fmt.Sprintf("203.0.113.%d", addr+1)))
				mu.Lock()
				statuses[res.status]++
				if res.status == http.StatusTooManyRequests {
					throttled = append(throttled, res)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] != DefaultLoginBurst || statuses[http.StatusTooManyRequests] != 500-DefaultLoginBurst {
		t.Fatalf("statuses %v: want %d guesses checked and the rest throttled", statuses, DefaultLoginBurst)
	}
	for _, res := range throttled {
		wantThrottled(t, res, DefaultLoginEvery)
	}

	// An unknown e-mail is throttled exactly alike, so throttling tells nothing about which
	// e-mails have accounts.
	var unknown []response
	for i := range DefaultLoginBurst + 1 {
		unknown = append(unknown, e.do(t, loginReq(" Nobody@ACME.example.com", "guess guess", fmt.Sprintf("198.51.100.%d", i+1))))
	}
	for _, res := range unknown[:DefaultLoginBurst] {
		if res.status != http.StatusUnauthorized {
			t.Fatalf("unknown account: %d, want 401", res.status)
		}
	}
	last := unknown[DefaultLoginBurst]
	wantThrottled(t, last, DefaultLoginEvery)
	if a, b := withoutRequestID(t, last), withoutRequestID(t, throttled[0]); a != b {
		t.Fatalf("throttled unknown account:\n%s\nknown account:\n%s", a, b)
	}

	// Other accounts are not affected.
	e.must(t, http.StatusOK, loginReq("admin@acme.example.com", "correct horse", "203.0.113.200"))
}

func withoutRequestID(t *testing.T, res response) string {
	t.Helper()
	m, _ := res.json.(map[string]any)
	delete(m, "request_id")
	return fmt.Sprint(m, res.header.Get("Retry-After"))
}

// TestLoginSuccessRefillsTheAccount: only failures add up.
func TestLoginSuccessRefillsTheAccount(t *testing.T) {
	e := newEnv(t)
	e.newTenant(t, "acme")
	for range DefaultLoginBurst - 1 {
		e.must(t, http.StatusUnauthorized, loginReq("owner@acme.example.com", "wrong horse", ""))
	}
	e.must(t, http.StatusOK, loginReq("owner@acme.example.com", "correct horse", ""))
	for range DefaultLoginBurst {
		e.must(t, http.StatusUnauthorized, loginReq("owner@acme.example.com", "wrong horse", ""))
	}
	wantThrottled(t, e.do(t, loginReq("owner@acme.example.com", "wrong horse", "")), DefaultLoginEvery)
}

func TestSignupThrottledPerAddress(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, TrustedProxies: loopbackProxy})
	signup := func(email, from string) response {
		return e.do(t, req{method: "POST", path: "/v1/auth/signup", headers: map[string]string{"X-Forwarded-For": from},
			body: fmt.Sprintf(`{"email":%q,"password":"long enough","name":"Jane","organization":"Jane Co"}`, email)})
	}
	if res := signup("jane@example.com", "203.0.113.1"); res.status != http.StatusCreated {
		t.Fatalf("first signup: %d %s", res.status, res.body)
	}
	for i := 1; i < DefaultSignupBurst; i++ {
		if res := signup(" JANE@example.com", fmt.Sprintf("203.0.113.%d", i+1)); res.status != http.StatusCreated {
			t.Fatalf("signup %d: %d, want 201 (another tenant)", i+1, res.status)
		}
	}
	wantThrottled(t, signup("Jane@Example.com", "203.0.113.99"), DefaultSignupEvery)
	// Another address is not affected.
	if res := signup("john@example.com", "203.0.113.99"); res.status != http.StatusCreated {
		t.Fatalf("another address: %d %s", res.status, res.body)
	}
}

func TestForwardedForFromUntrustedPeerIsIgnored(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 3})
	for i := range 3 {
		e.must(t, http.StatusUnauthorized, loginReq(fmt.Sprintf("n%d@example.com", i), "guess guess", fmt.Sprintf("203.0.113.%d", i+1)))
	}
	// A new address in the header does not buy a new bucket.
	wantThrottled(t, e.do(t, loginReq("n9@example.com", "guess guess", "203.0.113.77")), time.Minute)
	if logs := e.logs.String(); strings.Contains(logs, "203.0.113.") || !strings.Contains(logs, `"remote_ip":"127.0.0.1"`) {
		t.Fatalf("access log trusts the header:\n%s", logs)
	}
}

func TestForwardedForFromTrustedProxy(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 3, TrustedProxies: loopbackProxy})
	for i := range 3 {
		e.must(t, http.StatusUnauthorized, loginReq(fmt.Sprintf("n%d@example.com", i), "guess guess", "6.6.6.6, 203.0.113.1"))
	}
	// The client's own claim (left of what the proxy added) changes nothing.
	wantThrottled(t, e.do(t, loginReq("n8@example.com", "guess guess", "7.7.7.7, 203.0.113.1")), time.Minute)
	// Another client behind the proxy has its own bucket.
	e.must(t, http.StatusUnauthorized, loginReq("n9@example.com", "guess guess", "203.0.113.2"))
	if logs := e.logs.String(); !strings.Contains(logs, `"remote_ip":"203.0.113.2"`) || strings.Contains(logs, "6.6.6.6") {
		t.Fatalf("access log:\n%s", logs)
	}
}

func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies([]string{"10.0.0.0/8", " 192.0.2.7", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, Config{TrustedProxies: trusted})
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"untrusted peer, header ignored", "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted peer", "10.1.2.3:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted peer, no header", "10.1.2.3:4000", nil, "10.1.2.3"},
		{"rightmost untrusted hop", "10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.1, 192.0.2.7"}, "198.51.100.1"},
		{"several headers", "10.1.2.3:4000", []string{"1.1.1.1", "198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"only proxies", "10.1.2.3:4000", []string{"10.0.0.1, 192.0.2.7"}, "10.0.0.1"},
		{"garbage stops at the last proxy", "10.1.2.3:4000", []string{"198.51.100.1, nonsense"}, "10.1.2.3"},
		{"hop with a port", "192.0.2.7:4000", []string{"[2001:db8::1]:555"}, "2001:db8::1"},
		{"IPv6 proxy", "[fd00::1]:4000", []string{"2001:db8::2"}, "2001:db8::2"},
		{"IPv4-mapped peer", "[::ffff:10.1.2.3]:4000", []string{"198.51.100.3"}, "198.51.100.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientIP(r); got != tc.want {
				t.Fatalf("client %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := ParseTrustedProxies([]string{"10.0.0.0/33"}); err == nil {
		t.Fatal("bad block accepted")
	}
}

func TestAddrKeyGroupsIPv6By64(t *testing.T) {
	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	if addrKey(a) != addrKey(b) || addrKey(a) == addrKey(netip.MustParseAddr("2001:db8:1:3::1")) {
		t.Fatalf("keys %s %s", addrKey(a), addrKey(b))
	}
	if addrKey(netip.MustParseAddr("192.0.2.1")) == addrKey(netip.MustParseAddr("192.0.2.2")) {
		t.Fatal("IPv4 addresses share a key")
	}
}

func TestMemoryThrottle(t *testing.T) {
	ctx := context.Background()
	m := newMemoryThrottle(0)
	lim := app.Limit{Burst: 2, Every: 30 * time.Second}
	now := testTime()
	take := func(key string, at time.Time) time.Duration {
		t.Helper()
		wait, err := m.Take(ctx, key, lim, at)
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	for i, want := range []bool{true, true, false} {
		if ok := take("a", now) == 0; ok != want {
			t.Fatalf("call %d: %v", i, ok)
		}
	}
	if take("b", now) != 0 {
		t.Fatal("another key is limited")
	}
	if wait := take("a", now); wait != 30*time.Second {
		t.Fatalf("wait %v, want 30s", wait)
	}
	if take("a", now.Add(29*time.Second)) == 0 {
		t.Fatal("refilled early")
	}
	if take("a", now.Add(30*time.Second)) != 0 {
		t.Fatal("bucket did not refill")
	}
	if err := m.Reset(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if first, second := take("a", now.Add(30*time.Second)), take("a", now.Add(30*time.Second)); first != 0 || second != 0 {
		t.Fatal("reset did not refill")
	}
	// Full buckets hold nothing and are dropped.
	take("c", now.Add(time.Hour))
	if n := m.len(); n != 1 {
		t.Fatalf("%d keys after the others refilled, want 1", n)
	}
	if _, err := m.Take(ctx, "d", app.Limit{}, now); err == nil {
		t.Fatal("a zero limit is accepted")
	}
}

// TestMemoryThrottleIsBounded sprays keys as an attacker with many addresses or e-mails would.
func TestMemoryThrottleIsBounded(t *testing.T) {
	ctx := context.Background()
	m := newMemoryThrottle(100)
	lim := app.Limit{Burst: 1, Every: time.Hour}
	now := testTime()
	for i := range 10_000 {
		if _, err := m.Take(ctx, fmt.Sprintf("login:user%d@example.com", i), lim, now); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 { // a key in use stays
			if _, err := m.Take(ctx, "login:target@example.com", lim, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := m.len(); n > 100 || len(m.keys) != n {
		t.Fatalf("%d keys (%d in the map), want at most 100", n, len(m.keys))
	}
	if wait, _ := m.Take(ctx, "login:target@example.com", lim, now); wait == 0 {
		t.Fatal("the busy key was evicted")
	}
}

// BenchmarkMemoryThrottle fills an in-memory throttle to its bound with keys the size of
// "login:" and a 30-character e-mail and reports the heap it holds per key and in all, and
// the cost of a Take on a full throttle (each new key evicts one):
// go test -run '^$' -bench MemoryThrottle -benchtime 1x ./server
func BenchmarkMemoryThrottle(b *testing.B) {
	ctx := context.Background()
	lim := app.Limit{Burst: 5, Every: time.Minute}
	now := testTime()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := newMemoryThrottle(DefaultThrottleKeys)
	for i := range DefaultThrottleKeys {
		if _, err := m.Take(ctx, fmt.Sprintf("login:user%020d@example.com", i), lim, now); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("login:other%019d@example.com", i)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := m.Take(ctx, keys[i%len(keys)], lim, now); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.KeepAlive(m)
	b.ReportMetric(held/DefaultThrottleKeys, "bytes/key")
	b.ReportMetric(held/(1<<20), "MiB_full")
}
