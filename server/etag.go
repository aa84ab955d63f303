package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/stinthq/stint/app"
)

// etag renders a row version as a strong entity tag: "3".
func etag(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// parseIfMatch reads an If-Match value (RFC 9110 §13.1.1): "*" or a comma-separated list of
// entity tags. It returns the row versions the list names; any is true for an absent header
// or "*", which set no version condition. Comparison is strong: a weak tag (W/"3") never
// matches, nor does a tag that is not one of our versions, nor a value that is not a list
// of entity tags at all (3, "3); what is left may be empty, and then nothing can match.
func parseIfMatch(v string) (versions []int64, any bool) {
	i := skipOWS(v, 0)
	if i == len(v) {
		return nil, true
	}
	if v[i] == '*' && skipOWS(v, i+1) == len(v) {
		return nil, true
	}
	for {
		for i < len(v) && (v[i] == ',' || v[i] == ' ' || v[i] == '\t') {
			i++ // empty list elements are allowed (RFC 9110 §5.6.1)
		}
		if i == len(v) {
			return versions, false
		}
		weak := false
		if v[i] == 'W' && i+1 < len(v) && v[i+1] == '/' {
			weak, i = true, i+2
		}
		if i >= len(v) || v[i] != '"' {
			return nil, false
		}
		j := i + 1
		for j < len(v) && v[j] != '"' {
			if c := v[j]; c != 0x21 && (c < 0x23 || c == 0x7f) {
				return nil, false // not an etagc
			}
			j++
		}
		if j == len(v) {
			return nil, false // unterminated
		}
		if n, ok := versionTag(v[i+1 : j]); ok && !weak {
			versions = append(versions, n)
		}
		i = skipOWS(v, j+1)
		if i < len(v) && v[i] != ',' {
			return nil, false
		}
	}
}

// versionTag reads the opaque part of one of our entity tags: a positive decimal version.
func versionTag(s string) (int64, bool) {
	if s == "" || s[0] == '0' {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// skipOWS skips spaces and tabs from i.
func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// errIfMatch is the failed precondition of an If-Match that names no current version.
func errIfMatch() error {
	return newProblem(http.StatusPreconditionFailed,
		"If-Match names no current version of the row; fetch it again and send its ETag, like \"3\"")
}

// withIfMatch runs change under the If-Match condition ifMatch: once with version 0 (no
// condition) when the header is absent or "*", else once per listed version until one is
// current. change must compare the version atomically with its write (the app does) and
// fail with app.ErrPrecondition, changing nothing, when it is not current.
func withIfMatch[T any](ifMatch string, change func(want int64) (T, error)) (T, error) {
	versions, any := parseIfMatch(ifMatch)
	if any {
		return change(0)
	}
	var zero T
	if len(versions) == 0 {
		return zero, errIfMatch()
	}
	for i, want := range versions {
		out, err := change(want)
		if errors.Is(err, app.ErrPrecondition) && i < len(versions)-1 {
			continue
		}
		return out, err
	}
	return zero, errIfMatch() // not reached: the last attempt returns
}
