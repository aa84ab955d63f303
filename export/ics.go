package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/stinthq/stint/app"
)

// errICSSummary is returned for an iCalendar export of a summary: a calendar holds events,
// and only entries are events.
var errICSSummary = errors.New("iCalendar holds entries: export a detailed report")

// icsStamp is how iCalendar writes an instant in UTC (RFC 5545, 3.3.5, form 2).
const icsStamp = "20060102T150405Z"

// WriteICS writes a detailed report's entries as an iCalendar (RFC 5545) calendar: one
// VEVENT per entry, oldest first, whose UID is the entry's id (so importing the file again
// updates events instead of doubling them), DTSTART and DTEND in UTC (a running entry ends
// at AsOf), SUMMARY the description and project. Text is escaped and lines are folded at
// 75 octets without splitting a character; lines end in CRLF.
func WriteICS(w io.Writer, d Document) error {
	if !d.detailed() {
		return errICSSummary
	}
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Stint//Stint time tracker//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if name := strings.TrimSpace(d.Title); name != "" {
		line("X-WR-CALNAME", icsText(name))
	}
	stamp := d.AsOf.UTC().Format(icsStamp)
	for _, e := range d.oldestFirst() {
		line("BEGIN", "VEVENT")
		line("UID", e.ID.String()+"@stint")
		line("DTSTAMP", stamp)
		line("DTSTART", e.StartedAt.UTC().Format(icsStamp))
		line("DTEND", entryEnd(e, d.AsOf).UTC().Format(icsStamp))
		line("SUMMARY", icsText(icsSummary(e)))
		if desc := icsDescription(e); desc != "" {
			line("DESCRIPTION", icsText(desc))
		}
		if len(e.Tags) > 0 {
			names := make([]string, len(e.Tags))
			for i, t := range e.Tags {
				names[i] = icsText(t.Name)
			}
			line("CATEGORIES", strings.Join(names, ","))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write iCalendar: %w", err)
	}
	return nil
}

// icsSummary is an event's title: the description and, in parentheses, the project; either
// alone when the other is empty.
func icsSummary(e app.DetailedEntry) string {
	desc, project := strings.TrimSpace(e.Description), e.ProjectName
	switch {
	case desc != "" && project != "":
		return desc + " (" + project + ")"
	case desc != "":
		return desc
	case project != "":
		return project
	}
	return "Time entry"
}

// icsDescription lists what the title leaves out, a line each.
func icsDescription(e app.DetailedEntry) string {
	var lines []string
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, k+": "+v)
		}
	}
	add("Client", e.ClientName)
	add("Project", e.ProjectName)
	add("Task", e.TaskName)
	add("User", e.UserName)
	add("Tags", entryTags(e))
	if e.Billable {
		add("Billable", "yes")
	}
	return strings.Join(lines, "\n")
}

// icsText escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma get a
// backslash, a line break becomes \n, and other control characters, which TEXT may not
// hold, are dropped.
func icsText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t' || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes a content line folded so no line is longer than 75 octets (RFC 5545,
// 3.1): a break and a space before the octet that would pass it, never inside a UTF-8
// sequence. The leading space of a continuation counts toward its 75.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
