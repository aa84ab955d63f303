package app_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/stinthq/stint/app"
)

// TestFreeTextControlCharacters checks what names and descriptions may hold, through the
// services every front end calls: controls are refused with a field error, except that a
// description keeps tabs and newlines and has CRLF and CR normalised to LF.
func TestFreeTextControlCharacters(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	for _, tc := range []struct {
		name, text string
		ok         bool
	}{
		{"plain", "Acme – Ünïcode ✓", true},
		{"escape sequence", "Acme\x1b[31m", false},
		{"NUL", "Ac\x00me", false},
		{"bell", "Acme\a", false},
		{"tab", "Ac\tme", false},
		{"newline", "Ac\nme", false},
		{"carriage return", "Acme\rEvil", false},
		{"DEL", "Acme\x7f", false},
		{"C1 CSI", "Acme\u009b31m", false},
		{"line separator", "Ac\u2028me", false},
		{"invalid UTF-8", "Acme\xff", false},
	} {
		t.Run("project name "+tc.name, func(t *testing.T) {
			p, err := e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: tc.text})
			checkTextResult(t, err, tc.ok, "name")
			if tc.ok && p.Name != tc.text {
				t.Fatalf("name stored as %q", p.Name)
			}
		})
	}
	for _, tc := range []struct {
		name, text, want string
		ok               bool
	}{
		{"plain", "design review", "design review", true},
		{"lines and tabs kept", "a\tb\nc", "a\tb\nc", true},
		{"CRLF normalised", "a\r\nb\rc", "a\nb\nc", true},
		{"escape sequence", "a\x1b]0;title\x07", "", false},
		{"C1", "a\u0085b", "", false},
		{"DEL", "a\x7f", "", false},
		{"invalid UTF-8", "a\xc3", "", false},
	} {
		t.Run("description "+tc.name, func(t *testing.T) {
			en, err := e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: tc.text})
			checkTextResult(t, err, tc.ok, "description")
			if tc.ok && en.Description != tc.want {
				t.Fatalf("description stored as %q, want %q", en.Description, tc.want)
			}
		})
	}
}

func checkTextResult(t *testing.T, err error, ok bool, field string) {
	t.Helper()
	if ok {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error", err)
	}
	if !slices.ContainsFunc(ve.Fields, func(f app.FieldError) bool { return f.Field == field }) {
		t.Fatalf("field errors %v do not name %s", ve.Fields, field)
	}
}
