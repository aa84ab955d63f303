package server

import (
	"net/http"
	"strconv"
	"strings"
)

// etag renders a row version as a strong entity tag: "3".
func etag(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// parseIfMatch reads an If-Match value: "3", W/"3" or 3 give version 3; empty or * give 0
// (no condition). Anything else cannot match any version, so it is a failed precondition.
func parseIfMatch(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "*" {
		return 0, nil
	}
	v = strings.TrimPrefix(v, "W/")
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, newProblem(http.StatusPreconditionFailed, "If-Match must be the ETag of the row, like \"3\"")
	}
	return n, nil
}
