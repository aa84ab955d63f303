package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// twInterval is one interval of `timew export`: {"id":1,"start":"20160405T162205Z",
// "end":"20160405T162211Z","tags":["ProjectA","tag123"],"annotation":"..."}. Times are UTC;
// a running interval has no end. Timewarrior has no projects, clients or users: tags stay
// tags, the annotation is the description, and the rows belong to whoever imports them.
type twInterval struct {
	Start      string   `json:"start"`
	End        string   `json:"end"`
	Tags       []string `json:"tags"`
	Annotation string   `json:"annotation"`
}

// twLayout is Timewarrior's ISO 8601 basic format.
const twLayout = "20060102T150405Z"

// parseTimewarrior reads a `timew export` JSON array. Each interval's line is where its
// object starts, so problems point into the file.
func parseTimewarrior(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("want a JSON array of intervals (timew export)")
	}
	out := &File{}
	for dec.More() {
		off := dec.InputOffset()
		// The object starts after the comma and blanks that follow the previous one.
		rest := data[off:]
		skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n,"))
		line := 1 + bytes.Count(data[:int(off)+skip], []byte{'\n'})
		var iv twInterval
		if err := dec.Decode(&iv); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		row, err := iv.row()
		if err != nil {
			out.Problems = append(out.Problems, app.ImportProblem{Line: line, Message: err.Error()})
			continue
		}
		row.Line = line
		out.Rows = append(out.Rows, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("the JSON array does not end: %w", err)
	}
	return out, nil
}

func (iv twInterval) row() (app.ImportRow, error) {
	row := app.ImportRow{Description: strings.TrimSpace(iv.Annotation)}
	start, err := time.Parse(twLayout, iv.Start)
	if err != nil {
		return row, fmt.Errorf("start %q: want 20060102T150405Z", iv.Start)
	}
	row.Start = start
	if iv.End != "" {
		end, err := time.Parse(twLayout, iv.End)
		if err != nil {
			return row, fmt.Errorf("end %q: want 20060102T150405Z", iv.End)
		}
		if end.Before(start) {
			return row, fmt.Errorf("ends before it starts")
		}
		row.End = end
	}
	row.Tags = splitTags(strings.Join(clean(iv.Tags), ","))
	return row, nil
}

// clean drops commas from tag names, which Stint's tag lists use as separators.
func clean(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = strings.ReplaceAll(t, ",", " ")
	}
	return out
}
