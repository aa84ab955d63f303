package sqlite

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// maxSummaryTexts bounds summaryTexts; past it the cache starts over.
const maxSummaryTexts = 256

// summaryTexts keeps Summary's statement texts by everything that shapes them (summaryKey):
// the rates written into the text, the dimensions, which filters are set and the half of a
// split. Writing the rates out as SQL (a CASE per level, every key's id in hex, every step)
// and then the statement around them allocated most of what a member's week report
// allocates and cost a twelfth of its time; the arguments are cheap and still made for
// every statement. The key is the rates' contents, not a version: whichever rates a
// report is priced with, its text is written from them.
type summaryTexts struct {
	mu sync.Mutex
	m  map[string]string
}

// get returns the text kept for key; a nil cache keeps nothing.
func (c *summaryTexts) get(key string) (string, bool) {
	if c == nil {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	text, ok := c.m[key]
	return text, ok
}

func (c *summaryTexts) put(key, text string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxSummaryTexts {
		c.m = make(map[string]string)
	}
	c.m[key] = text
}

// summaryKey is every input of summarySQL's text, in bytes: the dimensions, which filters
// are set, the half of a split, whether the rates' version is checked and the projects
// kept (keptProjects), then each rate's fields that RateTiers reads (in the
// order given: the tiers follow it) and the projects of each rated client (projectsOf, by
// client id). Values that go in as arguments (ids filtered on, the range, now) are not in
// it.
func summaryKey(f app.ReportFilter, dims []app.ReportDim, projectsOf map[uuid.UUID][]uuid.UUID, kept bool, part int) string {
	b := make([]byte, 0, 64+len(f.Rates)*72)
	for _, d := range dims {
		b = append(b, d...)
		b = append(b, 0)
	}
	flag := func(set bool) byte {
		if set {
			return 1
		}
		return 0
	}
	b = append(b, '|', flag(f.UserID != nil), flag(f.ProjectID != nil), flag(f.ClientID != nil), flag(f.TaskID != nil),
		flag(f.TagID != nil), flag(f.Billable != nil), byte(part), flag(projectsOf != nil), flag(f.RatesVersion != nil), flag(kept))
	id := func(p *uuid.UUID) {
		if p == nil {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		b = append(b, p[:]...)
	}
	for _, r := range f.Rates {
		b = append(b, flag(r.DeletedAt != nil))
		id(r.UserID)
		id(r.ClientID)
		id(r.ProjectID)
		b = binary.BigEndian.AppendUint64(b, uint64(us(r.EffectiveFrom)))
		b = binary.BigEndian.AppendUint64(b, uint64(r.Hourly.Minor))
	}
	clients := make([]uuid.UUID, 0, len(projectsOf))
	for c := range projectsOf {
		clients = append(clients, c)
	}
	slices.SortFunc(clients, func(x, y uuid.UUID) int { return slices.Compare(x[:], y[:]) })
	for _, c := range clients {
		b = append(b, '|')
		b = append(b, c[:]...)
		for _, p := range projectsOf[c] {
			b = append(b, p[:]...)
		}
	}
	return string(b)
}
