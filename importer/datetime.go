package importer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// dateOrder is how a file writes the parts of a date that does not start with its year.
type dateOrder int

const (
	monthFirst dateOrder = iota // 03/04/2026 is March 4 (US, Clockify's default, Excel en-US)
	dayFirst                    // 03/04/2026 is 3 April (Excel in most other locales)
)

// settleDateOrder decides the order of a file's slashed dates from the file itself: a first
// part above 12 proves day-first, a second part above 12 month-first. A file that proves
// neither is read month-first: Clockify's default, and how Excel in the US re-writes the ISO
// dates of the other formats.
func settleDateOrder(h header, records [][]string, cols []string) dateOrder {
	var idx []int
	for _, c := range cols {
		if i := h.col(c); i >= 0 {
			idx = append(idx, i)
		}
	}
	dmy, mdy := false, false
	for _, rec := range records {
		for _, i := range idx {
			if i >= len(rec) {
				continue
			}
			a, b, ok := slashParts(strings.TrimSpace(rec[i]))
			if !ok {
				continue
			}
			if a > 12 {
				dmy = true
			}
			if b > 12 {
				mdy = true
			}
		}
		if dmy != mdy {
			break
		}
	}
	if dmy && !mdy {
		return dayFirst
	}
	return monthFirst
}

// slashParts returns the first two numbers of a date written a/b/year.
func slashParts(s string) (a, b int, ok bool) {
	if i := strings.IndexAny(s, " T"); i >= 0 {
		s = s[:i]
	}
	p := strings.Split(s, "/")
	if len(p) != 3 || len(p[0]) > 2 {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(p[0])
	b, err2 := strconv.Atoi(p[1])
	return a, b, err1 == nil && err2 == nil
}

// civil is a calendar date.
type civil struct{ y, m, d int }

// parseDate reads a date as trackers and spreadsheets write it: 2026-03-29, 2026/03/29,
// 03/29/2026 or 29/03/2026 (by order), 29.03.2026, two-digit years, and an Excel serial day
// number (a date column a spreadsheet turned into numbers).
func parseDate(s string, order dateOrder) (civil, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return civil{}, errors.New("no date")
	}
	// The cheap tests first: a failed ParseFloat allocates its error, on every ISO date.
	if !strings.ContainsAny(s, "-/+eE") && strings.Count(s, ".") <= 1 {
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			if n < 20000 || n > 80000 {
				return civil{}, fmt.Errorf("date %q", s)
			}
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
			return civil{t.Year(), int(t.Month()), t.Day()}, nil
		}
	}
	sep := ""
	for _, c := range []string{"-", "/", "."} {
		if strings.Count(s, c) == 2 {
			sep = c
			break
		}
	}
	if sep == "" {
		return civil{}, fmt.Errorf("date %q", s)
	}
	p := strings.Split(s, sep)
	var n [3]int
	for i, x := range p {
		v, err := strconv.Atoi(x)
		if err != nil || v < 0 {
			return civil{}, fmt.Errorf("date %q", s)
		}
		n[i] = v
	}
	var c civil
	switch {
	case len(p[0]) == 4:
		c = civil{n[0], n[1], n[2]}
	case sep == ".":
		c = civil{n[2], n[1], n[0]}
	case order == dayFirst:
		c = civil{n[2], n[1], n[0]}
	default:
		c = civil{n[2], n[0], n[1]}
	}
	if len(p[2]) <= 2 && len(p[0]) != 4 {
		c.y += 2000
	}
	if c.m < 1 || c.m > 12 || c.d < 1 || c.d > 31 || c.y < 1900 || c.y > 2200 {
		return civil{}, fmt.Errorf("date %q", s)
	}
	if t := time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, time.UTC); t.Day() != c.d {
		return civil{}, fmt.Errorf("date %q does not exist", s)
	}
	return c, nil
}

// parseClock reads a time of day: 15:04, 15:04:05, 3:04 PM, 3:04:05pm, or an Excel day
// fraction (0.375 is 09:00). It returns seconds since midnight.
func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("no time")
	}
	if !strings.Contains(s, ":") {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			if f < 0 || f >= 1 {
				return 0, fmt.Errorf("time %q", s)
			}
			return int(math.Round(f * 86400)), nil
		}
	}
	up := strings.ToUpper(strings.ReplaceAll(s, ".", ""))
	pm, am := strings.HasSuffix(up, "PM"), strings.HasSuffix(up, "AM")
	if pm || am {
		up = strings.TrimSpace(up[:len(up)-2])
	}
	p := strings.Split(up, ":")
	if len(p) < 2 || len(p) > 3 {
		return 0, fmt.Errorf("time %q", s)
	}
	var v [3]int
	for i, x := range p {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || len(x) > 2 {
			return 0, fmt.Errorf("time %q", s)
		}
		v[i] = n
	}
	h := v[0]
	if pm || am {
		if h < 1 || h > 12 {
			return 0, fmt.Errorf("time %q", s)
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	if h > 23 || v[1] > 59 || v[2] > 59 {
		return 0, fmt.Errorf("time %q", s)
	}
	return h*3600 + v[1]*60 + v[2], nil
}

// parseDuration reads a length: 1:30:00, 01:30 (hours and minutes), or decimal hours 1.5
// (1,5 with a decimal comma).
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if strings.Contains(s, ":") {
		p := strings.Split(s, ":")
		if len(p) > 3 {
			return 0, fmt.Errorf("duration %q", s)
		}
		var total int64
		for i, x := range p {
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil || n < 0 || (i > 0 && n > 59) || n > 1e7 {
				return 0, fmt.Errorf("duration %q", s)
			}
			total = total*60 + n
		}
		if len(p) == 2 {
			total *= 60
		}
		return time.Duration(total) * time.Second, nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || f < 0 || f > 1e5 || math.IsNaN(f) {
		return 0, fmt.Errorf("duration %q", s)
	}
	return time.Duration(math.Round(f*3600)) * time.Second, nil
}

// wall is a wall-clock time held in UTC fields, for a file without a zone.
func wall(c civil, secs int) time.Time {
	return time.Date(c.y, time.Month(c.m), c.d, 0, 0, secs, 0, time.UTC)
}

// splitDateTime splits "2026-03-29 09:00" (a date and time in one cell, as spreadsheets
// sometimes write a time column) into its parts; a cell without a date is all time.
func splitDateTime(s string) (date, clock string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 && strings.ContainsAny(s[:i], "-/.") && strings.Contains(s[i:], ":") {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	return "", s
}

// localSpan builds a row's floating start and end from date and time cells. The end date
// defaults to the start's, and an end clock before the start's means the next day; with no
// end time the file's duration gives the end.
func localSpan(startDate, startClock, endDate, endClock string, dur time.Duration, order dateOrder) (start, end time.Time, err error) {
	if d, c := splitDateTime(startClock); d != "" {
		startDate, startClock = d, c
	}
	if d, c := splitDateTime(endClock); d != "" {
		endDate, endClock = d, c
	}
	sd, err := parseDate(startDate, order)
	if err != nil {
		return start, end, fmt.Errorf("start %w", err)
	}
	sc, err := parseClock(startClock)
	if err != nil {
		return start, end, fmt.Errorf("start %w", err)
	}
	start = wall(sd, sc)
	if strings.TrimSpace(endClock) == "" {
		if dur > 0 {
			end = start.Add(dur)
		}
		return start, end, nil
	}
	ec, err := parseClock(endClock)
	if err != nil {
		return start, end, fmt.Errorf("end %w", err)
	}
	ed := sd
	if strings.TrimSpace(endDate) != "" {
		if ed, err = parseDate(endDate, order); err != nil {
			return start, end, fmt.Errorf("end %w", err)
		}
		end = wall(ed, ec)
	} else {
		end = wall(ed, ec)
		if end.Before(start) {
			end = end.AddDate(0, 0, 1)
		}
	}
	return start, end, nil
}
