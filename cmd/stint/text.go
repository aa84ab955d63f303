package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stinthq/stint/app"
)

// terminalSafe renders a string from the store or from an error for a terminal: control
// characters (C0, DEL, C1), which is how escape sequences are written, and the Unicode
// controls that reorder text on screen are shown as escapes like \x1b, and invalid UTF-8 as
// U+FFFD. The app refuses such names and descriptions, but rows written before it did, or
// by another client, may still hold them; the CLI never prints an escape it did not write.
func terminalSafe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r < 0x80 && app.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case app.IsControl(r) || isBidiControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// terminalLine is terminalSafe for one-line output: runs of whitespace, line breaks
// included, become one space, so a row of a listing stays one line.
func terminalLine(s string) string {
	return terminalSafe(strings.Join(strings.Fields(s), " "))
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if app.IsControl(r) || isBidiControl(r) {
			return true
		}
	}
	return false
}

// isBidiControl reports the explicit directional formatting characters (the "Trojan
// Source" ones), which make a terminal show text in an order other than the bytes'.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// jsonSafe escapes what encoding/json leaves raw and a terminal may act on: DEL and the C1
// controls, which UTF-8 terminals can read as escape introducers (U+009B is CSI). The
// result is the same JSON value.
func jsonSafe(b []byte) []byte {
	if !needsEscape(string(b)) {
		return b
	}
	var out strings.Builder
	s := string(b)
	for _, r := range s {
		if r >= 0x7f && r <= 0x9f || isBidiControl(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	return []byte(out.String())
}
