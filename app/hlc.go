package app

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HLC is a hybrid logical clock. Every mutation is stamped with it so that sync can order
// writes from devices with skewed wall clocks (last-writer-wins per field by HLC). Stamps
// compare correctly as strings: fixed-width wall milliseconds, logical counter, node id.
type HLC struct {
	mu      sync.Mutex
	clock   Clock
	node    string
	wall    int64
	logical uint32

	// The high-water mark (settingHLCMark), kept by a Service's own clock only: loaded
	// says it was read and observed since the process started, kept is the mark last
	// read from the store (committed), written the one this transaction wrote.
	durable       bool
	loaded        bool
	kept, written int64
}

// NewHLC returns a clock for one node (device or server instance).
func NewHLC(clock Clock, node string) *HLC {
	return &HLC{clock: clock, node: node}
}

// settingHLCMark is the device setting holding the clock's high-water mark: wall
// milliseconds above every stamp the node issued or observed in a committed transaction.
// A process observes it before its first stamp, so its stamps never go back across a
// restart, even when the wall clock was set back meanwhile or the restart falls within
// the millisecond of the last stamp: its newer edit of a field cannot lose to its older one.
const settingHLCMark = "hlc.high_water"

// hlcMarkLead is how far above the clock's newest stamp the mark is written. The mark is
// rewritten only once the clock passes it, so a busy node writes it about once a second
// instead of with every change; after a restart the clock starts at most this far ahead of
// its last stamp.
const hlcMarkLead = 1000 // milliseconds

// readMark, at the start of a write transaction, reads the stored mark when the clock may
// have passed it: the first time in the process, it is observed (stamps go on above it);
// later, it tells keepMark which stamps a committed mark covers. A mark written by a
// transaction that rolled back is read as what it is, not there.
func (h *HLC) readMark(ctx context.Context, tx Tx) error {
	if h == nil || !h.durable {
		return nil
	}
	h.mu.Lock()
	need := !h.loaded || h.wall >= h.kept
	h.mu.Unlock()
	if !need {
		return nil
	}
	var mark int64
	v, err := tx.Device().Get(ctx, settingHLCMark)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return fmt.Errorf("hlc mark: %w", err)
	default:
		if mark, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("device setting %s is corrupt: %w", settingHLCMark, err)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded && mark > h.wall {
		h.wall, h.logical = mark, 0
	}
	h.loaded, h.kept, h.written = true, mark, 0
	return nil
}

// keepMark, in a transaction that commits stamps (a change and its outbox row, a pulled
// page whose stamps the clock observed), writes the mark above the clock's newest stamp
// unless the stored mark, or one this transaction wrote, is already above it.
func (h *HLC) keepMark(ctx context.Context, tx Tx) error {
	if h == nil || !h.durable {
		return nil
	}
	h.mu.Lock()
	wall := h.wall
	covered := !h.loaded || wall < max(h.kept, h.written)
	mark := wall + hlcMarkLead
	if !covered {
		h.written = mark
	}
	h.mu.Unlock()
	if covered {
		return nil
	}
	if err := tx.Device().Put(ctx, settingHLCMark, strconv.FormatInt(mark, 10)); err != nil {
		return fmt.Errorf("hlc mark: %w", err)
	}
	return nil
}

// Now returns a stamp greater than every stamp this clock has issued or observed.
func (h *HLC) Now() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	pt := h.clock.Now().UnixMilli()
	if pt > h.wall {
		h.wall, h.logical = pt, 0
	} else {
		h.logical++
	}
	return formatHLC(h.wall, h.logical, h.node)
}

// NowAfter returns a stamp for a new write of a row whose last write carries prev: Now,
// having observed prev first. A row's stamp then never goes back, whatever the writing
// process remembers: a server restarted without its memory of the devices' stamps (a
// PostgreSQL server keeps no high-water mark, and the stamps a push writes are the
// devices', not the server's clock's), or another server instance on the same database,
// still stamps its write above the device's write it replaces, so per-field last writer
// wins takes it as the newer (docs/sync.md, Conflicts). A prev that is no stamp (a row
// written before stamps) is ignored.
func (h *HLC) NowAfter(prev string) string {
	if prev != "" {
		_ = h.Observe(prev)
	}
	return h.Now()
}

// Observe merges a remote stamp so later local stamps sort after it.
func (h *HLC) Observe(stamp string) error {
	wall, logical, _, err := ParseHLC(stamp)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case wall > h.wall:
		h.wall, h.logical = wall, logical
	case wall == h.wall && logical > h.logical:
		h.logical = logical
	}
	return nil
}

func formatHLC(wall int64, logical uint32, node string) string {
	return fmt.Sprintf("%015d-%010d-%s", wall, logical, node)
}

// ParseHLC splits a stamp into wall milliseconds, logical counter and node.
func ParseHLC(s string) (wall int64, logical uint32, node string, err error) {
	parts := strings.SplitN(s, "-", 3)
	if len(parts) != 3 || len(parts[0]) != 15 || len(parts[1]) != 10 {
		return 0, 0, "", fmt.Errorf("hlc %q: malformed", s)
	}
	wall, err = strconv.ParseInt(parts[0], 10, 64)
	if err != nil || wall < 0 {
		return 0, 0, "", fmt.Errorf("hlc %q: bad wall time", s)
	}
	l, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil {
		return 0, 0, "", fmt.Errorf("hlc %q: bad counter", s)
	}
	return wall, uint32(l), parts[2], nil
}

// HLCTime returns the wall-clock part of a stamp.
func HLCTime(stamp string) time.Time {
	wall, _, _, err := ParseHLC(stamp)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(wall).UTC()
}

// HLCBytes is a stamp in the compact form both stores keep: 8 bytes of wall milliseconds
// and 4 of the logical counter, both big-endian, then the node id. Byte order is stamp
// order, so comparisons in SQL still order stamps.
func HLCBytes(stamp string) ([]byte, error) {
	wall, logical, node, err := ParseHLC(stamp)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 12, 12+len(node))
	binary.BigEndian.PutUint64(b, uint64(wall))
	binary.BigEndian.PutUint32(b[8:], logical)
	return append(b, node...), nil
}

// HLCFromBytes turns a stamp in its compact form (HLCBytes) back into its text.
func HLCFromBytes(b []byte) (string, error) {
	if len(b) < 12 {
		return "", fmt.Errorf("hlc stored in %d bytes", len(b))
	}
	out := make([]byte, 0, 27+len(b)-12)
	out = appendPadded(out, binary.BigEndian.Uint64(b), 15)
	out = append(out, '-')
	out = appendPadded(out, uint64(binary.BigEndian.Uint32(b[8:])), 10)
	out = append(out, '-')
	return string(append(out, b[12:]...)), nil
}

// appendPadded appends v in decimal, zero-padded to width digits.
func appendPadded(b []byte, v uint64, width int) []byte {
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], v, 10)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}
