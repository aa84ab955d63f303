package app

import (
	"strconv"
	"time"
)

// A summary report is the API's most frequent report: a week's rows by project and day for
// one person, read by every open window and script. Its parts append their own JSON, byte
// for byte as encoding/json writes them with HTML escaping off (see jsonappend.go), so the
// server encodes the body without reflection (server's summaryBody).

// AppendSummaryFieldsJSON appends s's fields as encoding/json writes them inside the object
// of a type that embeds Summary: from "from" to the "projects" array, no braces around.
func AppendSummaryFieldsJSON(b []byte, s *Summary) []byte {
	b = append(b, `"from":`...)
	b = appendJSONString(b, s.From)
	b = append(b, `,"to":`...)
	b = appendJSONString(b, s.To)
	b = append(b, `,"timezone":`...)
	b = appendJSONString(b, s.Timezone)
	b = append(b, `,"total_seconds":`...)
	b = strconv.AppendInt(b, s.TotalSeconds, 10)
	b = append(b, `,"days":`...)
	if s.Days == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, d := range s.Days {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"date":`...)
			b = appendJSONString(b, d.Date)
			b = append(b, `,"seconds":`...)
			b = strconv.AppendInt(b, d.Seconds, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"projects":`...)
	if s.Projects == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, p := range s.Projects {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"project_id":`...)
		b = appendJSONNullID(b, p.ProjectID)
		b = append(b, `,"seconds":`...)
		b = strconv.AppendInt(b, p.Seconds, 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// AppendReportGroupsJSON appends a report's group list as encoding/json writes it.
func AppendReportGroupsJSON(b []byte, gs []ReportGroup) []byte {
	if gs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, g := range gs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, string(g))
	}
	return append(b, ']')
}

// AppendReportRowsJSON appends a report's rows as encoding/json writes them (Cells left
// out, an empty period omitted).
func AppendReportRowsJSON(b []byte, rows []ReportRow) []byte {
	if rows == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range rows {
		r := &rows[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if r.Period != "" {
			b = append(b, `"period":`...)
			b = appendJSONString(b, r.Period)
			b = append(b, ',')
		}
		b = append(b, `"values":`...)
		if r.Values == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for j, v := range r.Values {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"group":`...)
				b = appendJSONString(b, string(v.Group))
				b = append(b, `,"id":`...)
				b = appendJSONNullID(b, v.ID)
				b = append(b, `,"name":`...)
				b = appendJSONString(b, v.Name)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, `,"seconds":`...)
		b = strconv.AppendInt(b, r.Seconds, 10)
		b = append(b, `,"amount":`...)
		b = AppendMoneyJSON(b, r.Amount)
		b = append(b, '}')
	}
	return append(b, ']')
}

// AppendMoneyJSON appends m as encoding/json writes it.
func AppendMoneyJSON(b []byte, m Money) []byte {
	b = append(b, `{"minor":`...)
	b = strconv.AppendInt(b, m.Minor, 10)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, m.Currency)
	return append(b, '}')
}

// AppendJSONTime appends t as time.Time's MarshalJSON does and reports true, or reports
// false (b unchanged) for a time MarshalJSON refuses.
func AppendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	ok := true
	out := appendJSONTime(b, t, &ok)
	if !ok {
		return b, false
	}
	return out, true
}
