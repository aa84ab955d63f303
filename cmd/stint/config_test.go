package main

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
)

func TestParseLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want app.Limit
		ok   bool
	}{
		{"5/1m", app.Limit{Burst: 5, Every: time.Minute}, true},
		{" 3/10m0s ", app.Limit{Burst: 3, Every: 10 * time.Minute}, true},
		{"5", app.Limit{}, false},
		{"0/1m", app.Limit{}, false},
		{"5/1ms", app.Limit{}, false},
		{"five/1m", app.Limit{}, false},
		{"5/soon", app.Limit{}, false},
	} {
		got, err := parseLimit(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseLimit(%q) = %+v, %v", tc.in, got, err)
		}
	}
	def := app.Limit{Burst: server.DefaultSignupBurst, Every: server.DefaultSignupEvery}
	if got, err := parseLimit(formatLimit(def)); err != nil || got != def {
		t.Errorf("the default does not read back: %+v %v", got, err)
	}
}

func TestServeLimitFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		proxies []string
		rate    int
		login   app.Limit
		err     string
	}{
		{name: "defaults", rate: server.DefaultAuthRatePerMinute, login: app.Limit{Burst: server.DefaultLoginBurst, Every: server.DefaultLoginEvery}},
		{name: "environment",
			env:     map[string]string{"STINT_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7", "STINT_AUTH_RATE": "20", "STINT_LOGIN_LIMIT": "3/2m"},
			proxies: []string{"10.0.0.0/8", "192.0.2.7/32"}, rate: 20, login: app.Limit{Burst: 3, Every: 2 * time.Minute}},
		{name: "flags replace the environment",
			env:     map[string]string{"STINT_TRUSTED_PROXIES": "10.0.0.0/8"},
			args:    []string{"--trusted-proxies", "fd00::/8", "--trusted-proxies=172.16.0.0/12", "--auth-rate", "7", "--login-limit", "4/30s"},
			proxies: []string{"fd00::/8", "172.16.0.0/12"}, rate: 7, login: app.Limit{Burst: 4, Every: 30 * time.Second}},
		{name: "bad proxy", args: []string{"--trusted-proxies", "proxy.example.com"}, err: "--trusted-proxies"},
		{name: "bad rate", env: map[string]string{"STINT_AUTH_RATE": "lots"}, err: "STINT_AUTH_RATE"},
		{name: "bad limit", args: []string{"--signup-limit", "5"}, err: "--signup-limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &cli{env: func(k string) string { return tc.env[k] }}
			fs := newFlagSet("serve")
			sf := addSettingFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			rc, err := c.resolveConfig(sf, "", "")
			var sc serveConfig
			if err == nil {
				sc, err = rc.serveConfig()
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, new(*usageError)) {
					t.Fatalf("error %v, want a usage error naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var proxies []string
			for _, p := range sc.proxies {
				proxies = append(proxies, p.String())
			}
			if !slices.Equal(proxies, tc.proxies) || sc.live.AuthRatePerMinute != tc.rate || sc.live.LoginLimit != tc.login {
				t.Fatalf("config: proxies %v rate %d login %+v", proxies, sc.live.AuthRatePerMinute, sc.live.LoginLimit)
			}
			if len(sc.proxies) > 0 && !sc.proxies[0].Contains(netip.MustParseAddr(strings.Split(tc.proxies[0], "/")[0])) {
				t.Fatal("parsed block does not contain its address")
			}
		})
	}
}
