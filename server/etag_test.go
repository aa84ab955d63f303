package server

import (
	"errors"
	"net/http"
	"testing"
)

func TestParseIfMatch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true},
		{"*", 0, true},
		{`"3"`, 3, true},
		{`W/"3"`, 3, true},
		{"3", 3, true},
		{` "12" `, 12, true},
		{`"0"`, 0, false},
		{`"-1"`, 0, false},
		{`"abc"`, 0, false},
		{`"3", "4"`, 0, false},
		{`"3`, 0, false},
		{"99999999999999999999", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseIfMatch(tc.in)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("parseIfMatch(%q) = %d, %v", tc.in, got, err)
			}
			var p *Problem
			if err != nil && (!errors.As(err, &p) || p.Status != http.StatusPreconditionFailed) {
				t.Fatalf("error %v is not a 412 problem", err)
			}
		})
	}
	if etag(7) != `"7"` {
		t.Fatal(etag(7))
	}
}
