//go:build linux || freebsd || openbsd || netbsd || dragonfly

package activity

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Core device event codes (X11 protocol).
const (
	evKeyPress     = 2
	evButtonPress  = 4
	evMotionNotify = 6
)

// RECORD minor opcodes and reply categories (the RECORD extension protocol, version 1.13).
const (
	recQueryVersion  = 0
	recCreateContext = 1
	recEnableContext = 5
	recAllClients    = 3
	recFromServer    = 0
	recStartOfData   = 4
	recEndOfData     = 5
)

// counter counts device events through a RECORD context on a connection of its own: once
// enabled, the server answers that one request with a reply per batch of recorded events
// for as long as the context lives.
type counter struct {
	conn                *xconn
	keys, clicks, moves atomic.Uint64
	done                chan struct{}
	mu                  sync.Mutex
	err                 error // why the stream ended, when it ended on its own
}

// startCounter opens the data connection, creates a context recording every client's
// key, button and motion events, and starts reading its stream. It fails when the
// server has no RECORD extension.
func startCounter(d display, getenv func(string) string) (*counter, error) {
	x, err := dialX(d, getenv)
	if err != nil {
		return nil, err
	}
	op, err := x.queryExtension("RECORD")
	if err != nil {
		x.Close()
		return nil, fmt.Errorf("query the RECORD extension: %w", err)
	}
	if op == 0 {
		x.Close()
		return nil, errors.New("the X server has no RECORD extension")
	}
	le := binary.LittleEndian
	// QueryVersion first: a server must see it before the other requests.
	b := []byte{op, recQueryVersion}
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 13)
	if _, err := x.request(b); err != nil {
		x.Close()
		return nil, err
	}
	if _, _, err := x.reply(); err != nil {
		x.Close()
		return nil, fmt.Errorf("RECORD version: %w", err)
	}
	ctx := x.idBase | 1
	b = []byte{op, recCreateContext}
	b = le.AppendUint16(b, (20+4+24)/4)
	b = le.AppendUint32(b, ctx)
	b = append(b, 0, 0, 0, 0) // element header: none; pad
	b = le.AppendUint32(b, 1) // client specs
	b = le.AppendUint32(b, 1) // ranges
	b = le.AppendUint32(b, recAllClients)
	rng := make([]byte, 24)
	rng[18], rng[19] = evKeyPress, evMotionNotify // device events
	b = append(b, rng...)
	b = append(b, op, recEnableContext)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint32(b, ctx)
	if _, err := x.Write(b); err != nil {
		x.Close()
		return nil, err
	}
	x.seq += 2
	// The first reply says recording started, or an error says why not.
	head, _, err := x.reply()
	if err != nil {
		x.Close()
		return nil, fmt.Errorf("start recording input: %w", err)
	}
	if head[0] != 1 || head[1] != recStartOfData {
		x.Close()
		return nil, fmt.Errorf("start recording input: unexpected reply category %d", head[1])
	}
	c := &counter{conn: x, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *counter) read() {
	defer close(c.done)
	for {
		head, data, err := c.conn.reply()
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		if head[0] != 1 {
			continue
		}
		switch head[1] {
		case recFromServer:
			c.count(data)
		case recEndOfData:
			c.mu.Lock()
			c.err = errors.New("the X server ended input recording")
			c.mu.Unlock()
			return
		}
	}
}

// count adds up a batch of recorded core events (32 bytes each).
func (c *counter) count(data []byte) {
	for len(data) >= 32 {
		switch data[0] & 0x7f {
		case evKeyPress:
			c.keys.Add(1)
		case evButtonPress:
			if b := data[1]; b >= 4 && b <= 7 { // the wheel: motion, not a click
				c.moves.Add(1)
			} else {
				c.clicks.Add(1)
			}
		case evMotionNotify:
			c.moves.Add(1)
		}
		data = data[32:]
	}
}

// failed says why the stream ended, nil while it runs.
func (c *counter) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *counter) close() {
	c.conn.Close()
	<-c.done
}
