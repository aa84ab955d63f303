package app

import (
	"strings"
	"unicode/utf8"
)

// Free text (names and descriptions) reaches terminals, desktop widgets, CSV files and other
// clients, so what may be in it is decided here, once, for every front end: no C0 or C1
// control characters and no DEL, which is how terminal escape sequences are written. A
// description may hold several lines: its tabs and newlines are kept, and CRLF and CR are
// normalised to LF. A name is one line: no tab, newline or Unicode line separator either.

// IsControl says whether r is a C0 control, DEL or a C1 control character.
func IsControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f
}

// isLineBreak says whether r ends a line somewhere (U+2028 and U+2029 do in Unicode text).
func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
}

// checkName requires name to be non-blank, at most max characters, and one line of text
// without control characters.
func checkName(c *checker, field, name string, max int) {
	if strings.TrimSpace(name) == "" {
		c.add(field, "is required")
		return
	}
	c.check(utf8.RuneCountInString(name) <= max, field, "must be at most %d characters", max)
	ok := utf8.ValidString(name)
	for _, r := range name {
		if IsControl(r) || isLineBreak(r) {
			ok = false
			break
		}
	}
	c.check(ok, field, "must be one line of text without control characters")
}

// NormalizeDescription turns CRLF and lone CR into LF, the one line break descriptions keep.
func NormalizeDescription(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// checkDescription requires a (normalised) description to be valid UTF-8 whose only
// control characters are tabs and newlines, and at most max characters.
func checkDescription(c *checker, field, s string, max int) {
	c.check(utf8.RuneCountInString(s) <= max, field, "must be at most %d characters", max)
	ok := utf8.ValidString(s)
	for _, r := range s {
		if IsControl(r) && r != '\t' && r != '\n' {
			ok = false
			break
		}
	}
	c.check(ok, field, "must be text without control characters other than tabs and line breaks")
}
