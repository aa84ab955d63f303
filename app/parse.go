package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads the durations people type: "1h30m", "90m", "1.5h", "1:30" (h:mm),
// "1:30:15" (h:mm:ss) or a bare number of minutes ("45"). Negative and absurd values
// (over 1000 hours) are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var d time.Duration
	switch {
	case strings.Contains(s, ":"):
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			return 0, fmt.Errorf("duration %q: use h:mm or h:mm:ss", s)
		}
		units := []time.Duration{time.Hour, time.Minute, time.Second}
		for i, p := range parts {
			n, err := strconv.ParseUint(p, 10, 32)
			if err != nil || (i > 0 && (n > 59 || len(p) != 2)) {
				return 0, fmt.Errorf("duration %q: use h:mm or h:mm:ss", s)
			}
			if n > 1000 {
				return 0, fmt.Errorf("duration %q is too long", s)
			}
			d += time.Duration(n) * units[i]
		}
	default:
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			if math.IsNaN(n) || n < 0 || n > 1000*60 {
				return 0, fmt.Errorf("duration %q: out of range", s)
			}
			d = time.Duration(n * float64(time.Minute))
			break
		}
		var err error
		d, err = time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("duration %q: use forms like 1h30m, 90m, 1.5h or 1:30", s)
		}
	}
	if d < 0 || d > 1000*time.Hour {
		return 0, fmt.Errorf("duration %q: must be between 0 and 1000h", s)
	}
	return d.Round(time.Second), nil
}

// ParseTimeArg reads a point in time from the command line: "now", "today", "yesterday",
// "tomorrow" (local midnights), a date "2026-11-23" (its midnight in loc), "2026-11-23 14:05"
// or "14:05" (today) in loc, or RFC 3339.
func ParseTimeArg(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	local := now.In(loc)
	y, m, d := local.Date()
	switch strings.ToLower(s) {
	case "now":
		return now, nil
	case "today":
		return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
	case "yesterday":
		return time.Date(y, m, d-1, 0, 0, 0, 0, loc), nil
	case "tomorrow":
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{DateLayout, "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: use today, yesterday, 2026-11-23, 2026-11-23 14:05, 14:05 or RFC 3339", s)
}

// FormatDuration renders a duration as h:mm:ss, the way timers show it.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	secs := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
}

// FormatMinutes renders a duration as h:mm, whole minutes passed, the way compact places
// (totals, the tray, a timer in the background) show it.
func FormatMinutes(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	mins := int64(d / time.Minute)
	return fmt.Sprintf("%d:%02d", mins/60, mins%60)
}
