package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// The background sync (docs/sync.md, Client): while the device is connected, a SyncWorker
// pushes local changes shortly after they commit and holds a long-poll pull open so that
// changes made elsewhere arrive as soon as the server has them. The desktop runs one beside
// its window and `stint sync --watch` runs one in the foreground.
//
// How it waits, without polling:
//   - Local changes: the worker subscribes to its tenant's commits (SyncChanges, the notifier
//     the server's waiting pulls use) before each round, so a commit during the round or the
//     wait starts the next round; a waiting pull is abandoned for it.
//   - Others' changes: the pull asks the server to wait (SyncPullInput.Wait); the server
//     answers as soon as a change the user may see commits, or with an empty page.
//   - Errors: the next attempt waits, doubling from MinBackoff to MaxBackoff, with jitter so
//     that a team's devices do not return at the same instant after an outage.
//
// Nothing is lost by stopping at any point: a pushed batch whose answer did not arrive is
// pushed again and the server recognises its mutation ids; a pulled page and its cursor
// commit in one transaction or not at all.

// SyncPhase is what the background sync is doing, as the window and `stint sync --watch`
// show it.
type SyncPhase string

// The phases of the background sync.
const (
	// SyncNotConnected: no team server; the worker waits to be kicked (Kick) after a login.
	SyncNotConnected SyncPhase = "not connected"
	// SyncStarting: connected, the first round has not finished yet.
	SyncStarting SyncPhase = "starting"
	// SyncRunning: a round is exchanging changes (Progress says how far it is).
	SyncRunning SyncPhase = "syncing"
	// SyncSynced: the last round or wait ended well; State.Pending may be above zero for
	// changes made since, which the next round sends.
	SyncSynced SyncPhase = "synced"
	// SyncOffline: the server cannot be reached since OfflineSince; retried with backoff.
	SyncOffline SyncPhase = "offline"
	// SyncFailing: the server answered with an error that waiting will not fix by itself
	// (a session that expired, a server that speaks another protocol); retried with backoff.
	SyncFailing SyncPhase = "error"
)

// SyncActivity is the background sync's state: what it does now and what the device knows.
type SyncActivity struct {
	Phase SyncPhase
	// State is the device's sync state (server, pending changes, last success, rejections)
	// as of the last round or wait.
	State SyncState
	// OfflineSince is when the server stopped answering, while Phase is SyncOffline.
	OfflineSince time.Time
	// Err is the last round's error while Phase is SyncOffline or SyncFailing.
	Err error
	// RetryAt is when the next attempt starts after an error.
	RetryAt time.Time
	// Progress counts a running round's work; a first sync of a big team takes a while.
	Progress SyncProgress
	// Rounds counts the rounds that ended well (waits that received changes included).
	Rounds int
	// Report is what the last round that ended well exchanged.
	Report SyncReport
}

// SyncWorkerOptions configure a SyncWorker. Zero durations take the defaults.
type SyncWorkerOptions struct {
	// Tokens is where the session token is kept (RemoteTokenFile of the data directory).
	Tokens TokenFile
	// Dial makes the remote for the server's URL and the session token; package sync
	// provides the HTTP one.
	Dial func(url, token string) (SyncRemote, error)
	// Wait is how long a pull may wait on the server for changes (default 25 s, at most
	// MaxSyncWait).
	Wait time.Duration
	// Settle is how long a round waits after a local commit, so that a burst of edits
	// goes out in one push (default 200 ms).
	Settle time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed round (default 1 s, 1 min).
	MinBackoff, MaxBackoff time.Duration
	// OutboxCheck is how often a waiting worker looks at the outbox for changes another
	// process made (the CLI beside the desktop, or beside `stint sync --watch`), which no
	// commit notification reports here: one indexed read (default 1 s). As often it looks
	// at the device's server and session (one setting and the token file), so a `stint
	// remote login` or `logout` run beside it starts or stops it without a restart.
	OutboxCheck time.Duration
	Logger      *slog.Logger
}

// SyncWorker runs sync rounds in the background while the device is connected to a team
// server. Run it once; Kick, Activity and Subscribe may be called from any goroutine.
type SyncWorker struct {
	svc  *Service
	opts SyncWorkerOptions
	log  *slog.Logger
	kick chan struct{}

	mu        sync.Mutex
	act       SyncActivity
	listeners map[int]func(SyncActivity)
	nextID    int
	// notifying orders the calls to listeners: a new listener's first state is never
	// delivered after a newer one.
	notifying sync.Mutex
}

// NewSyncWorker returns a worker for svc's device.
func NewSyncWorker(svc *Service, o SyncWorkerOptions) *SyncWorker {
	if o.Wait <= 0 {
		o.Wait = 25 * time.Second
	}
	o.Wait = min(o.Wait, MaxSyncWait)
	if o.Settle <= 0 {
		o.Settle = 200 * time.Millisecond
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.OutboxCheck <= 0 {
		o.OutboxCheck = time.Second
	}
	if o.Logger == nil {
		o.Logger = svc.log
	}
	return &SyncWorker{svc: svc, opts: o, log: o.Logger, kick: make(chan struct{}, 1),
		act: SyncActivity{Phase: SyncStarting, State: SyncState{Rejections: []SyncRejection{}}}, listeners: map[int]func(SyncActivity){}}
}

// Kick asks for a round now: after a login or logout, or the user's "Sync now". A waiting
// pull is abandoned and a backoff cut short.
func (w *SyncWorker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default: // one kick is already waiting
	}
}

// Activity returns the current state.
func (w *SyncWorker) Activity() SyncActivity {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.act
}

// Subscribe calls fn with each new state, on the worker's goroutine (fn must not block),
// until the returned cancel is called. fn first gets the current state.
func (w *SyncWorker) Subscribe(fn func(SyncActivity)) (cancel func()) {
	w.notifying.Lock()
	defer w.notifying.Unlock()
	w.mu.Lock()
	id := w.nextID
	w.nextID++
	w.listeners[id] = fn
	act := w.act
	w.mu.Unlock()
	fn(act)
	return func() {
		w.mu.Lock()
		delete(w.listeners, id)
		w.mu.Unlock()
	}
}

// update changes the state and tells the listeners.
func (w *SyncWorker) update(change func(*SyncActivity)) {
	w.notifying.Lock()
	defer w.notifying.Unlock()
	w.mu.Lock()
	change(&w.act)
	act := w.act
	fns := make([]func(SyncActivity), 0, len(w.listeners))
	for _, fn := range w.listeners {
		fns = append(fns, fn)
	}
	w.mu.Unlock()
	for _, fn := range fns {
		fn(act)
	}
}

// errNotConnected is a device without a session or server.
var errNotConnected = errors.New("not connected to a team server")

// errInterrupted ends a waiting pull for a local change or a kick.
var errInterrupted = errors.New("waiting pull interrupted")

// Run syncs until ctx ends, then returns nil. A round in flight when ctx ends is abandoned
// (see above: nothing is lost).
func (w *SyncWorker) Run(ctx context.Context) error {
	failures := 0
	listen := false // the last round ended well: wait for changes rather than run a round
	for ctx.Err() == nil {
		key := w.connectionKey(ctx)
		a, remote, st, err := w.connection(ctx)
		if errors.Is(err, errNotConnected) {
			failures, listen = 0, false
			w.update(func(s *SyncActivity) {
				*s = SyncActivity{Phase: SyncNotConnected, State: st, Rounds: s.Rounds}
			})
			w.waitForLogin(ctx, key)
			continue
		}
		// Subscribe before the round: a commit while it runs starts the next one.
		changed, release := w.svc.SyncChanges(a)
		if err == nil {
			if listen {
				err = w.listen(ctx, a, remote, changed, key)
			} else {
				err = w.round(ctx, a, remote)
			}
		}
		local := isClosed(changed)
		release()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, errInterrupted):
			listen = false
		case err != nil:
			failures++
			listen = false
			w.backoff(ctx, a, err, failures, key)
			continue
		default:
			failures = 0
			listen = !local
		}
		if local {
			w.settle(ctx)
		}
	}
	return nil
}

// connectionKey names the device's server and session as they stand: the server's URL and
// the session token, "" while either is missing. Another process logging in or out (the
// CLI beside the desktop) changes it.
func (w *SyncWorker) connectionKey(ctx context.Context) string {
	var url string
	err := w.svc.store.Read(ctx, func(tx Tx) error {
		var err error
		url, err = optionalSetting(ctx, tx, settingSyncURL)
		return err
	})
	if err != nil || url == "" {
		return ""
	}
	tok, err := w.opts.Tokens.RemoteToken()
	if err != nil || tok == "" {
		return ""
	}
	return url + "\x00" + tok
}

// connectionChanged reports whether the device's server or session is no longer key.
func (w *SyncWorker) connectionChanged(ctx context.Context, key string) bool {
	return ctx.Err() == nil && w.connectionKey(ctx) != key
}

// waitForLogin waits, while the device is not connected, for a kick (a login in this
// process) or a login by another process on the same data directory.
func (w *SyncWorker) waitForLogin(ctx context.Context, key string) {
	check := time.NewTicker(w.opts.OutboxCheck)
	defer check.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
			return
		case <-check.C:
			if w.connectionChanged(ctx, key) {
				w.log.InfoContext(ctx, "sync: the device's team server changed in another process")
				return
			}
		}
	}
}

// isClosed reports whether ch was closed.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// settle waits a moment after a local commit, so that the edits of a burst go out together.
func (w *SyncWorker) settle(ctx context.Context) {
	t := time.NewTimer(w.opts.Settle)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// connection reads the device's server, session and user; errNotConnected when it has
// none.
func (w *SyncWorker) connection(ctx context.Context) (Actor, SyncRemote, SyncState, error) {
	st, err := w.svc.SyncStatus(ctx, w.opts.Tokens)
	if err != nil {
		return Actor{}, nil, st, fmt.Errorf("sync state: %w", err)
	}
	if !st.Connected {
		return Actor{}, nil, st, errNotConnected
	}
	var a Actor
	err = w.svc.store.Read(ctx, func(tx Tx) error {
		var err error
		a, err = syncActor(ctx, tx)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return Actor{}, nil, st, errNotConnected
	}
	if err != nil {
		return Actor{}, nil, st, fmt.Errorf("sync state: %w", err)
	}
	tok, err := w.opts.Tokens.RemoteToken()
	if err != nil {
		return a, nil, st, fmt.Errorf("sync session: %w", err)
	}
	remote, err := w.opts.Dial(st.URL, tok)
	if err != nil {
		return a, nil, st, fmt.Errorf("team server %s: %w", st.URL, err)
	}
	return a, remote, st, nil
}

// round pushes the outbox and pulls what is new, without waiting (SyncRound).
func (w *SyncWorker) round(ctx context.Context, a Actor, remote SyncRemote) error {
	w.update(func(s *SyncActivity) {
		if s.Phase != SyncOffline && s.Phase != SyncFailing {
			s.Phase = SyncRunning
		}
		s.Progress = SyncProgress{}
	})
	rep, err := w.svc.SyncRound(ctx, remote, func(p SyncProgress) {
		w.update(func(s *SyncActivity) { s.Phase, s.Progress = SyncRunning, p })
	})
	if err != nil {
		return err
	}
	w.log.DebugContext(ctx, "sync round", "pushed", rep.Pushed, "rejected", rep.Rejected, "pulled", rep.Pulled, "pending", rep.Pending)
	return w.synced(ctx, rep)
}

// listen holds a waiting pull until the server has changes, the wait ends, a local change
// commits (changed) or the worker is kicked; the last two end it with errInterrupted.
func (w *SyncWorker) listen(ctx context.Context, a Actor, remote SyncRemote, changed <-chan struct{}, key string) error {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		check := time.NewTicker(w.opts.OutboxCheck)
		defer check.Stop()
		for {
			select {
			case <-changed:
				cancel()
				return
			case <-w.kick:
				cancel()
				return
			case <-stop:
				return
			case <-check.C:
				if w.outboxHolds(lctx, a) || w.connectionChanged(lctx, key) {
					cancel()
					return
				}
			}
		}
	}()
	var rep SyncReport
	err := w.svc.pullAll(lctx, a, waitingRemote{SyncRemote: remote, wait: w.opts.Wait}, &rep, func(p SyncProgress) {
		if p.Pulled > 0 { // a wait that ran out changes nothing
			w.update(func(s *SyncActivity) { s.Phase, s.Progress = SyncRunning, p })
		}
	})
	close(stop)
	<-done
	if err != nil && lctx.Err() != nil && ctx.Err() == nil {
		return errInterrupted
	}
	if err == nil && rep.Pulled == 0 {
		return nil // the wait ended with nothing new: the state stands
	}
	if rerr := w.svc.recordRound(ctx, a, err, &rep); rerr != nil {
		return errors.Join(err, rerr)
	}
	if err != nil {
		return err
	}
	w.log.DebugContext(ctx, "sync pull received changes", "pulled", rep.Pulled)
	return w.synced(ctx, rep)
}

// outboxHolds reports whether the outbox holds a change: one that another process made, since
// a round that ended well left it empty of this process's.
func (w *SyncWorker) outboxHolds(ctx context.Context, a Actor) bool {
	var n int
	err := w.svc.store.Read(ctx, func(tx Tx) error {
		cs, err := tx.Changes().After(ctx, Scope{TenantID: a.TenantID}, 0, 1)
		n = len(cs)
		return err
	})
	if err != nil && ctx.Err() == nil {
		w.log.WarnContext(ctx, "sync: read the outbox", "err", err)
	}
	return n > 0
}

// synced records a round that ended well.
func (w *SyncWorker) synced(ctx context.Context, rep SyncReport) error {
	st, err := w.svc.SyncStatus(ctx, w.opts.Tokens)
	if err != nil {
		return fmt.Errorf("sync state: %w", err)
	}
	w.update(func(s *SyncActivity) {
		if s.Phase == SyncOffline {
			w.log.InfoContext(ctx, "team server reachable again", "offline_since", s.OfflineSince)
		}
		*s = SyncActivity{Phase: SyncSynced, State: st, Rounds: s.Rounds + 1, Report: rep}
	})
	return nil
}

// backoff shows the error and waits before the next attempt: longer after each failure in
// a row, with jitter, cut short by a kick. Local changes meanwhile only refresh the count of
// what is waiting.
func (w *SyncWorker) backoff(ctx context.Context, a Actor, err error, failures int, key string) {
	d := jitter(backoffCeiling(failures, w.opts.MinBackoff, w.opts.MaxBackoff))
	now := w.svc.Now()
	st, serr := w.svc.SyncStatus(ctx, w.opts.Tokens)
	if serr != nil && ctx.Err() == nil {
		w.log.WarnContext(ctx, "sync state", "err", serr)
	}
	w.update(func(s *SyncActivity) {
		if serr == nil {
			s.State = st
		}
		prev := s.Phase
		s.Err, s.RetryAt, s.Progress = err, now.Add(d), SyncProgress{}
		if errors.Is(err, ErrUnavailable) {
			if prev != SyncOffline {
				// Offline since the first failure of the streak, which an earlier process
				// may have seen (the device setting the failed round updated).
				s.OfflineSince = now
				if serr == nil && st.OfflineSince != nil {
					s.OfflineSince = *st.OfflineSince
				}
				w.log.WarnContext(ctx, "team server unreachable; changes wait here", "err", err)
			}
			s.Phase = SyncOffline
			return
		}
		if prev != SyncFailing {
			w.log.WarnContext(ctx, "sync failed", "err", err)
		}
		s.Phase, s.OfflineSince = SyncFailing, time.Time{}
	})
	t := time.NewTimer(d)
	defer t.Stop()
	check := time.NewTicker(w.opts.OutboxCheck)
	defer check.Stop()
	for {
		changed, release := w.svc.SyncChanges(a)
		select {
		case <-ctx.Done():
			release()
			return
		case <-t.C:
			release()
			return
		case <-w.kick:
			release()
			return
		case <-check.C:
			release()
			if w.connectionChanged(ctx, key) {
				return // logged in or out elsewhere: try the new state now
			}
		case <-changed:
			release()
			if st, err := w.svc.SyncStatus(ctx, w.opts.Tokens); err == nil {
				w.update(func(s *SyncActivity) { s.State = st })
			}
		}
	}
}

// backoffCeiling is the longest wait after the n-th failure in a row: lo, doubled for each
// failure after the first, at most hi.
func backoffCeiling(n int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// jitter picks a wait between half of d and d, so that devices cut off together do not all
// come back at the same instant.
func jitter(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }

// waitingRemote asks the server to hold pulls that find nothing new.
type waitingRemote struct {
	SyncRemote
	wait time.Duration
}

func (r waitingRemote) Pull(ctx context.Context, in SyncPullInput) (RemotePage, error) {
	in.Wait = r.wait
	return r.SyncRemote.Pull(ctx, in)
}
