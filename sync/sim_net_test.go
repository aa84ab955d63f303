package sync_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// simRemote is a device's way to the server in the simulation: the server's own services,
// called as its HTTP handlers would (the token authenticated on every request, the bodies
// through JSON), behind a network that misbehaves while s.faults is on.
type simRemote struct {
	s *sim
	d *simDevice
}

// Serial makes the round pull page by page (app.SerialRemote), so a run follows its seed.
func (r *simRemote) Serial() {}

func (r *simRemote) unavailable(what string) error {
	r.s.stats.faults++
	r.s.logf("net: %s %s", r.d.name, what)
	return fmt.Errorf("simulated network: %s: %w", what, app.ErrUnavailable)
}

// beforeRequest may let the device's user act while the round is under way, and decides
// the network's fault for this request ("" for none).
func (r *simRemote) beforeRequest() string {
	s := r.s
	if !s.faults {
		return ""
	}
	if s.chance(0.15) {
		s.logf("%s: the user acts during the round", r.d.name)
		s.userOp(r.d)
	}
	if r.d.partitioned {
		return "partitioned"
	}
	x := s.rng.Float64()
	for _, f := range []struct {
		name string
		p    float64
	}{{"drop-request", 0.06}, {"hold-request", 0.05}, {"drop-answer", 0.07}, {"duplicate", 0.05},
		{"server-crash-in-write", 0.025}, {"server-crash-after", 0.025}, {"too-large", 0.04}} {
		if x < f.p {
			return f.name
		}
		x -= f.p
	}
	return ""
}

func jsonCopy[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

func (r *simRemote) Push(ctx context.Context, b app.PushBatch) ([]app.MutationOutcome, error) {
	s := r.s
	b = jsonCopy(b)
	fault := r.beforeRequest()
	switch fault {
	case "partitioned", "drop-request":
		return nil, r.unavailable(fault + " (push)")
	case "hold-request":
		s.held = append(s.held, simHeld{dev: r.d, push: &b})
		return nil, r.unavailable("push held back; the device times out")
	case "too-large":
		if len(b.Mutations) > 1 {
			s.stats.faults++
			s.logf("net: %s push of %d refused as too large", r.d.name, len(b.Mutations))
			return nil, fmt.Errorf("simulated 413: %w", app.ErrBatchTooLarge)
		}
	case "duplicate":
		s.stats.faults++
		s.held = append(s.held, simHeld{dev: r.d, push: &b})
		s.logf("net: %s push duplicated (a copy arrives later)", r.d.name)
	case "server-crash-in-write":
		s.srv.st.crashAfter = 1 + s.rng.IntN(3)
	}
	out, err := r.deliverPush(ctx, b)
	s.srv.st.crashAfter = 0
	if s.srv.st.dead {
		s.stats.crashes++
		s.srv.restart(s.t)
		return nil, r.unavailable("server crashed inside the push and restarts")
	}
	if err != nil {
		return nil, err
	}
	switch fault {
	case "drop-answer":
		return nil, r.unavailable("push applied, answer lost")
	case "server-crash-after":
		s.srv.restart(s.t)
		return nil, r.unavailable("push applied, then the server crashed before answering")
	}
	return jsonCopy(out), nil
}

// deliverPush is the server's push handler: authenticate, apply, and tell the oracle.
func (r *simRemote) deliverPush(ctx context.Context, b app.PushBatch) ([]app.MutationOutcome, error) {
	s := r.s
	a, err := s.srv.svc.Authenticate(ctx, r.d.token, nil)
	if err != nil {
		return nil, fmt.Errorf("authenticate %s: %w", r.d.name, err)
	}
	out, err := s.srv.svc.Push(ctx, a, b)
	if err != nil {
		return nil, err
	}
	s.oracle.pushed(s, r.d, a, b, out)
	return out, nil
}

func (r *simRemote) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	s := r.s
	fault := r.beforeRequest()
	if s.faults && s.chance(0.3) {
		in.Limit = 1 + s.rng.IntN(4) // small pages: rows arrive before what they name
	}
	switch fault {
	case "partitioned", "drop-request":
		return app.RemotePage{}, r.unavailable(fault + " (pull)")
	case "hold-request":
		s.held = append(s.held, simHeld{dev: r.d, pull: &in})
		return app.RemotePage{}, r.unavailable("pull held back; the device times out")
	case "server-crash-in-write", "server-crash-after":
		s.srv.restart(s.t)
		return app.RemotePage{}, r.unavailable("server restarts during the pull")
	}
	page, err := r.deliverPull(ctx, in)
	if err != nil {
		return page, err
	}
	if fault == "drop-answer" {
		return app.RemotePage{}, r.unavailable("pull answer lost")
	}
	return page, nil
}

// deliverPull is the server's pull handler: the page as the wire carries it.
func (r *simRemote) deliverPull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	s := r.s
	a, err := s.srv.svc.Authenticate(ctx, r.d.token, nil)
	if err != nil {
		return app.RemotePage{}, fmt.Errorf("authenticate %s: %w", r.d.name, err)
	}
	p, err := s.srv.svc.PullSync(ctx, a, in)
	if err != nil {
		return app.RemotePage{}, err
	}
	out := app.RemotePage{Rows: make([]app.RemoteRow, len(p.Rows)), Cursor: p.Cursor, Head: p.Head, More: p.More}
	for i, row := range p.Rows {
		b, err := json.Marshal(row.Row)
		if err != nil {
			return out, err
		}
		out.Rows[i] = app.RemoteRow{Kind: row.Kind, ID: row.ID, Version: row.Version, HLC: row.HLC(), Row: b}
	}
	return jsonCopy(out), nil
}

// PutScreenshotImage is the server's upload route, through the network's faults.
func (r *simRemote) PutScreenshotImage(ctx context.Context, hash string, image []byte) error {
	switch fault := r.beforeRequest(); fault {
	case "partitioned", "drop-request", "hold-request":
		return r.unavailable(fault + " (image upload)")
	case "server-crash-in-write", "server-crash-after":
		r.s.srv.restart(r.s.t)
		return r.unavailable("server restarts during the image upload")
	}
	a, err := r.s.srv.svc.Authenticate(ctx, r.d.token, nil)
	if err != nil {
		return fmt.Errorf("authenticate %s: %w", r.d.name, err)
	}
	return r.s.srv.svc.PutScreenshotImage(ctx, a, hash, append([]byte(nil), image...))
}

// ScreenshotImage is the server's image route, in the screenshot's organization.
func (r *simRemote) ScreenshotImage(ctx context.Context, org, id uuid.UUID, thumb bool) ([]byte, error) {
	if r.d.partitioned {
		return nil, r.unavailable("partitioned (image)")
	}
	a, err := r.s.srv.svc.Authenticate(ctx, r.d.token, &org)
	if err != nil {
		return nil, fmt.Errorf("authenticate %s: %w", r.d.name, err)
	}
	return r.s.srv.svc.ScreenshotImage(ctx, a, id, thumb)
}
