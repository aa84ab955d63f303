package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// Live are the settings a running server can change without a restart (SetLive): who it
// answers (Host and browser origins) and how fast it lets clients try credentials. Zero
// values pick the same defaults as Config.
type Live struct {
	// AllowedHosts: see Config.AllowedHosts.
	AllowedHosts []string
	// CORSOrigins: see Config.CORSOrigins.
	CORSOrigins []string
	// AuthRatePerMinute: see Config.AuthRatePerMinute.
	AuthRatePerMinute int
	// LoginLimit: see Config.LoginLimit.
	LoginLimit app.Limit
	// SignupLimit: see Config.SignupLimit.
	SignupLimit app.Limit
}

// liveState is Live compiled for the request path. A Server holds one behind an atomic
// pointer and replaces it whole, so a request sees either the old settings or the new ones,
// never a mix, and readers take no lock.
type liveState struct {
	allowAnyHost bool
	hosts        []string // lower case
	origins      map[string]bool
	clientLimit  app.Limit
	loginLimit   app.Limit
	signupLimit  app.Limit
}

// Live returns the settings in force.
func (s *Server) Live() Live {
	l := s.live.Load()
	out := Live{AllowedHosts: append([]string(nil), l.hosts...), AuthRatePerMinute: l.clientLimit.Burst,
		LoginLimit: l.loginLimit, SignupLimit: l.signupLimit}
	if l.allowAnyHost {
		out.AllowedHosts = append(out.AllowedHosts, "*")
	}
	for o := range l.origins {
		out.CORSOrigins = append(out.CORSOrigins, o)
	}
	slices.Sort(out.CORSOrigins)
	return out
}

// SetLive replaces the live settings; requests that start afterwards use the new ones. An
// invalid CORS origin is refused and nothing changes.
func (s *Server) SetLive(l Live) error {
	st, err := compileLive(l)
	if err != nil {
		return err
	}
	s.live.Store(st)
	return nil
}

func compileLive(l Live) (*liveState, error) {
	if l.AuthRatePerMinute <= 0 {
		l.AuthRatePerMinute = DefaultAuthRatePerMinute
	}
	if l.LoginLimit.Burst <= 0 || l.LoginLimit.Every <= 0 {
		l.LoginLimit = app.Limit{Burst: DefaultLoginBurst, Every: DefaultLoginEvery}
	}
	if l.SignupLimit.Burst <= 0 || l.SignupLimit.Every <= 0 {
		l.SignupLimit = app.Limit{Burst: DefaultSignupBurst, Every: DefaultSignupEvery}
	}
	st := &liveState{
		clientLimit: app.Limit{Burst: l.AuthRatePerMinute, Every: time.Minute / time.Duration(l.AuthRatePerMinute)},
		loginLimit:  l.LoginLimit, signupLimit: l.SignupLimit,
	}
	for _, h := range l.AllowedHosts {
		if h == "*" {
			st.allowAnyHost = true
			continue
		}
		st.hosts = append(st.hosts, strings.ToLower(h))
	}
	if len(l.CORSOrigins) > 0 {
		st.origins = make(map[string]bool, len(l.CORSOrigins))
		for _, o := range l.CORSOrigins {
			norm, err := NormalizeOrigin(o)
			if err != nil {
				return nil, err
			}
			st.origins[norm] = true
		}
	}
	return st, nil
}

// NormalizeOrigin checks that o is a browser origin, scheme://host[:port] with http or https
// and nothing after, and returns it in the form browsers send (lower-case scheme and host).
// "*" is refused: the API answers named origins only.
func NormalizeOrigin(o string) (string, error) {
	o = strings.TrimSpace(o)
	if o == "*" {
		return "", fmt.Errorf("CORS origin %q: name each origin (such as https://app.example.com); * is not allowed", o)
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") {
		return "", fmt.Errorf("CORS origin %q: want scheme://host[:port] such as https://app.example.com", o)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}
