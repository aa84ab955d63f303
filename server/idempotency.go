package server

import (
	"bytes"
	"context"
	"crypto/sha256"
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

// replayedHeader marks a replayed response.
const replayedHeader = "Idempotent-Replayed"

// idempotency replays the recorded response of a POST whose Idempotency-Key the caller has
// used before, and records the first 2xx response otherwise. Requests with the same key
// are serialised in-process, so a retry racing the first attempt waits for its record. It
// runs after authentication: keys belong to one user of one tenant.
func (s *Server) idempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(idempotencyHeader)
		if r.Method != http.MethodPost || key == "" || strings.HasPrefix(r.URL.Path, authPrefix) {
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
		body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
		if err != nil {
			writeProblem(w, r, newProblem(http.StatusBadRequest, "the request body could not be read"))
			return
		}
		if int64(len(body)) > s.cfg.MaxBodyBytes {
			w.Header().Set("Connection", "close")
			writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge, "the request body is too large"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		target := r.URL.Path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		hash := requestHash(r.Method, target, a, body)

		unlock := s.idemLocks.lock(a.TenantID.String() + "/" + a.UserID.String() + "/" + key)
		defer unlock()

		rec, err := s.svc.IdempotentResponse(r.Context(), a, key)
		switch {
		case err == nil:
			if rec.Method != r.Method || rec.Path != target || !bytes.Equal(rec.RequestHash, hash) {
				writeProblem(w, r, newProblem(http.StatusUnprocessableEntity,
					"this Idempotency-Key was already used for a different request; use a new key",
					app.FieldError{Field: idempotencyHeader, Message: "was already used for a different request"}))
				return
			}
			for k, v := range rec.Headers {
				w.Header().Set(k, v)
			}
			w.Header().Set(replayedHeader, "true")
			w.WriteHeader(rec.Status)
			_, _ = w.Write(rec.Body)
			return
		case !errors.Is(err, app.ErrNotFound):
			writeError(w, r, err)
			return
		}

		rw := &bufferedWriter{under: w, header: http.Header{}}
		next.ServeHTTP(rw, r)
		if rw.status == 0 {
			rw.status = http.StatusOK
		}
		if rw.status >= 200 && rw.status < 300 {
			rec := app.IdempotencyRecord{Key: key, Method: r.Method, Path: target, RequestHash: hash,
				Status: rw.status, Headers: map[string]string{}, Body: rw.body.Bytes()}
			for _, h := range []string{"Content-Type", "ETag", "Location"} {
				if v := rw.header.Get(h); v != "" {
					rec.Headers[h] = v
				}
			}
			// The change is committed: record it even if the client has gone away, so its
			// retry is answered from the record instead of repeating the change.
			if err := s.svc.SaveIdempotentResponse(context.WithoutCancel(r.Context()), a, rec); err != nil {
				s.log.LogAttrs(r.Context(), slog.LevelWarn, "idempotency record not saved",
					slog.String("request_id", requestID(r.Context())), slog.String("err", err.Error()))
			}
		}
		for k, v := range rw.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.status)
		_, _ = w.Write(rw.body.Bytes())
	})
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

// requestHash identifies a request for replay: method, path with query, organization and
// body. A key reused for anything else is refused rather than answered with the wrong record.
func requestHash(method, target string, a app.Actor, body []byte) []byte {
	h := sha256.New()
	for _, part := range []string{method, target, a.OrgID.String()} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return h.Sum(nil)
}

// bufferedWriter holds a response until the idempotency record is saved.
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
