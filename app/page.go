package app

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Paging limits.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// Cursor marks the last row of a page: its sort time (for time-ordered lists) and id.
type Cursor struct {
	Time time.Time `json:"t,omitzero"`
	ID   uuid.UUID `json:"id"`
}

// Encode renders the cursor as an opaque URL-safe string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor from a client; an empty string means the first page.
func DecodeCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 256 {
		return nil, Invalid("cursor", "is not a cursor this server issued")
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == uuid.Nil {
		return nil, Invalid("cursor", "is not a cursor this server issued")
	}
	return &c, nil
}

// PageRequest is a limit and the cursor of the previous page's last row.
type PageRequest struct {
	Limit int
	After *Cursor
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items" nullable:"false"`
	NextCursor string `json:"next_cursor" doc:"Pass as cursor to get the next page; empty on the last page."`
}

// ListParams are the raw paging parameters of a list request.
type ListParams struct {
	Limit  int
	Cursor string
}

func (p ListParams) request() (PageRequest, error) {
	var c checker
	c.check(p.Limit >= 0 && p.Limit <= MaxPageLimit, "limit", "must be between 1 and %d", MaxPageLimit)
	after, err := DecodeCursor(p.Cursor)
	if err != nil {
		return PageRequest{}, err
	}
	if err := c.err(); err != nil {
		return PageRequest{}, err
	}
	limit := p.Limit
	if limit == 0 {
		limit = DefaultPageLimit
	}
	return PageRequest{Limit: limit, After: after}, nil
}

// paginate trims a result fetched with limit+1 rows and sets the next cursor.
func paginate[T any](rows []T, limit int, cursor func(T) Cursor) Page[T] {
	if rows == nil {
		rows = []T{}
	}
	if len(rows) <= limit {
		return Page[T]{Items: rows}
	}
	rows = rows[:limit]
	return Page[T]{Items: rows, NextCursor: cursor(rows[len(rows)-1]).Encode()}
}

// CatalogFilter filters the lists of clients, projects, tasks and tags. Stores return up to
// Page.Limit+1 rows ordered by id, after Page.After.
type CatalogFilter struct {
	Page            PageRequest
	IncludeArchived bool
	ProjectID       *uuid.UUID // tasks only
}

// EntryFilter filters time entries. Stores return up to Page.Limit+1 rows ordered by
// started_at descending, then id descending, after Page.After.
type EntryFilter struct {
	Page     PageRequest
	From, To *time.Time // started_at in [From, To)
	// Overlapping selects by overlap instead: every entry that overlaps [From, To), that is
	// started before To and stopped after From or still running, however long ago it
	// started; an entry of zero length overlaps when it starts in [From, To).
	Overlapping bool
	UserID      *uuid.UUID
	ProjectID   *uuid.UUID
}

// AllPages reads every page of a list through fetch, from the first, in pages of
// MaxPageLimit; the front ends use it where they need a whole list (pickers, the CLI's tables).
func AllPages[T any](fetch func(ListParams) (Page[T], error)) ([]T, error) {
	out := []T{}
	lp := ListParams{Limit: MaxPageLimit}
	for {
		page, err := fetch(lp)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out, nil
		}
		lp.Cursor = page.NextCursor
	}
}
