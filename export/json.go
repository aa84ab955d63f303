package export

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/stinthq/stint/app"
)

// DetailedJSON is a detailed report as JSON: the entries (newest first, as the API lists
// them) with their total.
type DetailedJSON struct {
	From         string              `json:"from"`
	To           string              `json:"to"`
	Timezone     string              `json:"timezone"`
	AsOf         time.Time           `json:"as_of"`
	TotalSeconds int64               `json:"total_seconds"`
	Entries      []app.DetailedEntry `json:"entries"`
}

// JSONValue is what a JSON export of d encodes: the summary report as the API returns it,
// or a DetailedJSON. Both are app's own types, so fields app adds to them (amounts, say)
// appear in the file without a change here.
func JSONValue(d Document) any {
	if !d.detailed() {
		return d.Summary
	}
	out := DetailedJSON{From: d.From, To: d.To, Timezone: d.Timezone, AsOf: d.AsOf, Entries: d.Entries}
	if out.Entries == nil {
		out.Entries = []app.DetailedEntry{}
	}
	for _, e := range d.Entries {
		out.TotalSeconds += e.Seconds
	}
	return out
}

// WriteJSON writes JSONValue(d), indented, with a final newline.
func WriteJSON(w io.Writer, d Document) error {
	b, err := json.MarshalIndent(JSONValue(d), "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
