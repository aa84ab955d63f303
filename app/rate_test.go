package app_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestPriceRate pins the lookup: the most specific level with a rate in effect at the
// entry's start wins, a later rate of a key leaves earlier entries alone, and a level whose
// key has no rate yet falls through to the next.
func TestPriceRate(t *testing.T) {
	user, other, project, client := app.NewID(), app.NewID(), app.NewID(), app.NewID()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rate := func(u, c, p *uuid.UUID, minor int64, from time.Time) app.Rate {
		return app.Rate{ID: app.NewID(), UserID: u, ClientID: c, ProjectID: p, Hourly: app.Money{Minor: minor, Currency: "EUR"}, EffectiveFrom: from}
	}
	rates := []app.Rate{
		rate(nil, nil, nil, 1000, t0),
		rate(nil, nil, nil, 1100, t0.AddDate(0, 6, 0)),
		rate(&user, nil, nil, 2000, t0),
		rate(nil, &client, nil, 3000, t0.AddDate(0, 1, 0)),
		rate(nil, nil, &project, 4000, t0.AddDate(0, 2, 0)),
		rate(&user, nil, &project, 5000, t0.AddDate(0, 3, 0)),
	}
	tiers := app.RateTiers(rates)
	for _, tc := range []struct {
		name    string
		user    uuid.UUID
		project *uuid.UUID
		client  *uuid.UUID
		at      time.Time
		want    int64
		ok      bool
	}{
		{"before any rate", other, nil, nil, t0.Add(-time.Second), 0, false},
		{"organization", other, nil, nil, t0, 1000, true},
		{"organization's change applies from its instant", other, nil, nil, t0.AddDate(0, 6, 0), 1100, true},
		{"member over organization", user, nil, nil, t0.AddDate(0, 9, 0), 2000, true},
		{"client before its rate starts: member", user, &project, &client, t0.AddDate(0, 0, 10), 2000, true},
		{"client over member", user, &project, &client, t0.AddDate(0, 1, 0), 3000, true},
		{"project over client", other, &project, &client, t0.AddDate(0, 2, 0), 4000, true},
		{"member on project over project", user, &project, &client, t0.AddDate(0, 3, 0), 5000, true},
		{"another member on the project", other, &project, nil, t0.AddDate(0, 4, 0), 4000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := app.PriceRate(tiers, tc.user, tc.project, tc.client, tc.at)
			if got != tc.want || ok != tc.ok {
				t.Errorf("PriceRate = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestAmount(t *testing.T) {
	for _, tc := range []struct {
		span time.Duration
		rate int64
		want int64
	}{
		{time.Hour, 12000, 12000},
		{45 * time.Minute, 12000, 9000},
		{time.Second, 1, 0},      // 1/3600 of a cent rounds down
		{30 * time.Minute, 1, 1}, // half a cent rounds up
		{1799999 * time.Millisecond, 1, 0},
		{time.Hour + 999*time.Microsecond, 3600000, 3600000}, // microseconds below a millisecond do not count
		{-time.Hour, 100, 0},
	} {
		if got := app.Amount(tc.span, tc.rate); got != tc.want {
			t.Errorf("Amount(%v, %d) = %d, want %d", tc.span, tc.rate, got, tc.want)
		}
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		in, currency string
		minor        int64
		out          string
	}{
		{"120", "EUR", 12000, "120.00 EUR"},
		{"120.5", "EUR", 12050, "120.50 EUR"},
		{"0.07", "EUR", 7, "0.07 EUR"},
		{"1500", "JPY", 1500, "1500 JPY"},
		{"1.234", "KWD", 1234, "1.234 KWD"},
	} {
		got, err := app.ParseMoney(tc.in, tc.currency)
		if err != nil || got != tc.minor {
			t.Errorf("ParseMoney(%q, %s) = %d, %v; want %d", tc.in, tc.currency, got, err, tc.minor)
		}
		if s := (app.Money{Minor: tc.minor, Currency: tc.currency}).String(); s != tc.out {
			t.Errorf("Money(%d %s) = %q, want %q", tc.minor, tc.currency, s, tc.out)
		}
	}
	for _, bad := range []string{"", "1.234", "-5", "abc", "1.2.3", "+1"} {
		if _, err := app.ParseMoney(bad, "EUR"); err == nil {
			t.Errorf("ParseMoney(%q) accepted", bad)
		}
	}
}
