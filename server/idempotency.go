package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/stinthq/stint/app"
)

// idempotencyHeader lets a client retry a POST safely: the first response is recorded and
// replayed for every retry with the same key.
const idempotencyHeader = "Idempotency-Key"

// readOnlyPosts are reads sent as POST (a body too rich for a query string): they change
// nothing, so an Idempotency-Key is not recorded for them and each answers afresh.
var readOnlyPosts = map[string]bool{"/v1/sync/pull": true}

// replayedHeader marks a replayed response.
const replayedHeader = "Idempotent-Replayed"

// idempotency replays the recorded response of a POST whose Idempotency-Key the caller has
// used before, and records the first 2xx response otherwise. It runs after authentication:
// keys belong to one user of one tenant.
//
// Exactly once: the handler runs inside a unit of work (app.UnitStore), so its writes and the
// record of its answer commit in one transaction, and the answer leaves only after that
// commit. A crash at any moment leaves either both or neither, so a retry replays the answer
// or finds nothing was done. A non-2xx answer or a panic rolls the unit back. When a
// concurrent request with the same key, on this or another server instance, committed first,
// this one's work is rolled back and the committed answer replayed, also when this one's work
// failed with a conflict because of the other's (the same project name, say). The in-process lock per
// key only spares a racing retry the wasted work; correctness does not depend on it.
func (s *Server) idempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(idempotencyHeader)
		if r.Method != http.MethodPost || key == "" || strings.HasPrefix(r.URL.Path, authPrefix) || readOnlyPosts[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		a, err := actorFrom(r.Context())
		if err != nil {
			next.ServeHTTP(w, r) // public route: nothing to key the record on
			return
		}
		if !validIdempotencyKey(key) {
			writeProblem(w, r, newProblem(http.StatusUnprocessableEntity, "the request has invalid fields",
				app.FieldError{Field: idempotencyHeader, Message: "must be 1 to 255 printable ASCII characters"}))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, s.bodyLimit(r)+1))
		if err != nil {
			writeProblem(w, r, newProblem(http.StatusBadRequest, "the request body could not be read"))
			return
		}
		if int64(len(body)) > s.bodyLimit(r) {
			w.Header().Set("Connection", "close")
			writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge, "the request body is too large"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		target := r.URL.Path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		seal := sealFor(key)
		hash := seal.requestHash(r.Method, target, a, body)

		unlock := s.idemLocks.lock(a.TenantID.String() + "/" + a.UserID.String() + "/" + key)
		defer unlock()

		rec, err := s.svc.IdempotentResponse(r.Context(), a, seal.id)
		switch {
		case err == nil:
			replay(w, r, seal, rec, target, hash)
			return
		case !errors.Is(err, app.ErrNotFound):
			writeError(w, r, err)
			return
		}

		ctx, unit, err := s.svc.BeginUnit(r.Context())
		if err != nil {
			writeError(w, r, err)
			return
		}
		// A panic (or any way out below that does not commit) discards the unit's work.
		defer unit.Rollback()
		rw := &bufferedWriter{under: w, header: http.Header{}}
		next.ServeHTTP(rw, r.WithContext(ctx))
		if rw.status == 0 {
			rw.status = http.StatusOK
		}
		if rw.status >= 200 && rw.status < 300 {
			rec := app.IdempotencyRecord{Key: seal.id, Method: r.Method, Path: target, RequestHash: hash,
				Status: rw.status, Headers: map[string]string{}, Body: seal.seal(rw.body.Bytes())}
			for _, h := range []string{"Content-Type", "ETag", "Location"} {
				if v := rw.header.Get(h); v != "" {
					rec.Headers[h] = v
				}
			}
			// Commit even if the client has gone away, so its retry is answered from the
			// record instead of repeating the change.
			err := s.svc.CommitIdempotent(context.WithoutCancel(r.Context()), unit, a, rec)
			switch {
			case errors.Is(err, app.ErrConflict):
				first, rerr := s.svc.IdempotentResponse(context.WithoutCancel(r.Context()), a, seal.id)
				if rerr != nil {
					writeError(w, r, rerr)
					return
				}
				replay(w, r, seal, first, target, hash)
				return
			case err != nil:
				s.log.LogAttrs(r.Context(), slog.LevelWarn, "request rolled back: its idempotency record could not be committed",
					slog.String("request_id", requestID(r.Context())), slog.String("err", err.Error()))
				w.Header().Set("Retry-After", "1")
				writeProblem(w, r, newProblem(http.StatusServiceUnavailable,
					"the request could not be completed and nothing was changed; retry it with the same Idempotency-Key"))
				return
			}
		} else {
			unit.Rollback()
			// A conflict can be the work of a concurrent request with the same key (on
			// another instance) that committed while this one ran: answer as it did.
			if rw.status == http.StatusConflict {
				if first, err := s.svc.IdempotentResponse(context.WithoutCancel(r.Context()), a, seal.id); err == nil {
					replay(w, r, seal, first, target, hash)
					return
				}
			}
		}
		for k, v := range rw.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.status)
		_, _ = w.Write(rw.body.Bytes())
	})
}

// replay answers with a recorded first response, or refuses a key used for another request.
func replay(w http.ResponseWriter, r *http.Request, seal idemSeal, rec app.IdempotencyRecord, target string, hash []byte) {
	if rec.Method != r.Method || rec.Path != target || !hmac.Equal(rec.RequestHash, hash) {
		writeProblem(w, r, newProblem(http.StatusUnprocessableEntity,
			"this Idempotency-Key was already used for a different request; use a new key",
			app.FieldError{Field: idempotencyHeader, Message: "was already used for a different request"}))
		return
	}
	for k, v := range rec.Headers {
		w.Header().Set(k, v)
	}
	body, err := seal.open(rec.Body)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set(replayedHeader, "true")
	w.WriteHeader(rec.Status)
	_, _ = w.Write(body)
}

// validIdempotencyKey accepts 1 to 255 printable ASCII characters (UUIDs, ULIDs, hashes…).
func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// bufferedWriter holds a response until the unit of work with its record has committed.
type bufferedWriter struct {
	under  http.ResponseWriter
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }

func (w *bufferedWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (huma sets read deadlines).
func (w *bufferedWriter) Unwrap() http.ResponseWriter { return w.under }

// keyedMutex serialises work per key; entries are dropped when nobody holds or waits.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	mu  sync.Mutex
	ref int
}

func newKeyedMutex() *keyedMutex { return &keyedMutex{locks: map[string]*keyLock{}} }

// lock blocks until key is free and returns its unlock function.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	l, ok := k.locks[key]
	if !ok {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.ref++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		l.ref--
		if l.ref == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
