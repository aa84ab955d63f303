package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/stinthq/stint/app"
)

func TestParseIfMatch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int64
		any  bool
	}{
		{in: "", any: true},
		{in: " ", any: true},
		{in: "*", any: true},
		{in: `"3"`, want: []int64{3}},
		{in: ` "12" `, want: []int64{12}},
		{in: `"3", "4"`, want: []int64{3, 4}},
		{in: `"3",W/"4","5"`, want: []int64{3, 5}},
		{in: `"3",,"4"`, want: []int64{3, 4}},
		{in: `W/"3"`},     // weak: never matches
		{in: "3"},         // not an entity tag
		{in: `"0"`},       // not a version
		{in: `"-1"`},      // not a version
		{in: `"+1"`},      // not a version
		{in: `"03"`},      // not how we write a version
		{in: `"abc"`},     // not ours
		{in: `"3`},        // unterminated
		{in: `"3" "4"`},   // not a list
		{in: `*, "3"`},    // * stands alone
		{in: "\"3\x01\""}, // not an etagc
		{in: `"99999999999999999999"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, any := parseIfMatch(tc.in)
			if any != tc.any || !slices.Equal(got, tc.want) {
				t.Fatalf("parseIfMatch(%q) = %v, %v; want %v, %v", tc.in, got, any, tc.want, tc.any)
			}
		})
	}
	if etag(7) != `"7"` {
		t.Fatal(etag(7))
	}
}

// TestWithIfMatch checks that a change runs once per listed version until one is current,
// and that a header naming no version is a 412 without running it.
func TestWithIfMatch(t *testing.T) {
	const current = 4
	for _, tc := range []struct {
		header string
		tries  []int64
		status int // 0: success
	}{
		{header: "", tries: []int64{0}},
		{header: "*", tries: []int64{0}},
		{header: `"4"`, tries: []int64{4}},
		{header: `"2", "4", "6"`, tries: []int64{2, 4}},
		{header: `"2", "3"`, tries: []int64{2, 3}, status: http.StatusPreconditionFailed},
		{header: `W/"4"`, status: http.StatusPreconditionFailed},
		{header: `4`, status: http.StatusPreconditionFailed},
	} {
		t.Run(tc.header, func(t *testing.T) {
			var tries []int64
			got, err := withIfMatch(tc.header, func(want int64) (string, error) {
				tries = append(tries, want)
				if want != 0 && want != current {
					return "", fmt.Errorf("stale: %w", app.ErrPrecondition)
				}
				return "changed", nil
			})
			if !slices.Equal(tries, tc.tries) {
				t.Errorf("tried versions %v, want %v", tries, tc.tries)
			}
			if tc.status == 0 {
				if err != nil || got != "changed" {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if problemFromError(err).Status != tc.status {
				t.Fatalf("error %v, want status %d", err, tc.status)
			}
			if !errors.Is(err, app.ErrPrecondition) && problemFromError(err).Status != http.StatusPreconditionFailed {
				t.Fatal(err)
			}
		})
	}
}
