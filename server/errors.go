package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/stinthq/stint/app"
)

// When the store cannot do a request's work, because its database cannot be reached
// (app.ErrUnavailable) or because the work ran past the request's bound (StoreTimeout), the
// answer is a 503 problem with Retry-After: clients and load balancers retry later instead of
// reporting a failure, and no request waits on a database that does not answer.

// DefaultStoreTimeout bounds the store work of one request when Config.StoreTimeout is unset.
// It is far above what any request needs from a healthy store (reports over a year of a team
// take milliseconds) and short enough that a client sees an answer before it gives up.
const DefaultStoreTimeout = 10 * time.Second

// unavailableRetryAfter is the Retry-After of a 503, in seconds: a restarting database or
// a failover is usually back within a few seconds.
const unavailableRetryAfter = 2

// isUnavailable reports whether err means the store could not do the work in time or at all.
func isUnavailable(err error) bool {
	return errors.Is(err, app.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
}

// unavailableProblem is the 503 of a store that cannot do the work; err is kept for the log.
func unavailableProblem(err error) *Problem {
	detail := "the service cannot reach its database; try again shortly"
	if !errors.Is(err, app.ErrUnavailable) {
		detail = "the request took too long; try again shortly"
	}
	p := newProblem(http.StatusServiceUnavailable, detail)
	p.internal = err
	p.headers = http.Header{"Retry-After": {strconv.Itoa(unavailableRetryAfter)}}
	return p
}

// boundStoreWork gives the rest of the request a deadline, so every store call it makes
// (authentication, rate limits, the handler's work) ends by then: a database that stops
// answering turns into a 503 instead of requests piling up behind it.
// A handler that waits between store calls (a sync pull's wait) finds the unbounded context
// with unboundedContext and bounds each of its store calls itself.
func (s *Server) boundStoreWork(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), unboundedKey{}, r.Context())
		ctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// unboundedKey carries the request's context as it was before boundStoreWork.
type unboundedKey struct{}

// unboundedContext returns ctx without the store bound: it keeps ctx's values and ends
// when the client goes away (or the server shuts down its connection), not at the bound.
// The caller must call the returned cancel.
func unboundedContext(ctx context.Context) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(context.WithoutCancel(ctx))
	req, ok := ctx.Value(unboundedKey{}).(context.Context)
	if !ok {
		// Not behind boundStoreWork: ctx itself carries no store bound.
		req = ctx
	}
	stop := context.AfterFunc(req, cancel)
	return out, func() { stop(); cancel() }
}
