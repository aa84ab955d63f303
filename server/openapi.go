package server

import (
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The OpenAPI document states the rules the server enforces. Most come from struct tags on
// the handlers' inputs; what a tag cannot say is added here, after every operation is
// registered: the free-text rules the app applies to names and descriptions, and the
// statuses and headers the middleware chain can answer with.

// Free-text patterns, written to mean the same in Go's regexp (huma validates with it) and
// in ECMA-262 (what JSON Schema tools use): \xHH escapes and literal characters only.
const (
	// textControls are the C0 controls, DEL and the C1 controls.
	textControls = `\x00-\x1F\x7F-\x9F`
	// lineBreaks are the Unicode line and paragraph separators (literal U+2028, U+2029).
	lineBreaks = "\u2028\u2029"
	// textSpaces are the other characters unicode.IsSpace knows besides ASCII and C1 ones.
	textSpaces = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
)

// textRule is what a `text` struct tag asks of a string field.
type textRule struct {
	pattern, description string
}

// textRules are the `text` tag values: a name is one line of text with something besides
// spaces in it ("name?" also allows ""); a description keeps tabs and line breaks only.
func textRules() map[string]textRule {
	line := `[^` + textControls + lineBreaks + `]*`
	name := line + `[^\x00-\x20\x7F-\x9F` + lineBreaks + textSpaces + `]` + line
	return map[string]textRule{
		"name":        {`^` + name + `$`, "one line of text, not blank, without control characters"},
		"name?":       {`^(` + name + `)?$`, "empty, or one line of text without control characters"},
		"description": {`^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$`, "text without control characters other than tab, CR and LF"},
	}
}

// markTextRules gives string fields tagged `text:"name"`, `text:"name?"` or
// `text:"description"` the matching pattern, in the document and in huma's validation.
func markTextRules(reg huma.Registry) {
	rules := textRules()
	for name, sch := range reg.Map() {
		t := reg.TypeFromRef(schemaPrefix + name)
		if t == nil || t.Kind() != reflect.Struct {
			continue
		}
		for _, f := range reflect.VisibleFields(t) {
			rule, ok := rules[f.Tag.Get("text")]
			if !ok {
				continue
			}
			jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			p := sch.Properties[jsonName]
			if p == nil {
				panic("server: text tag on " + t.String() + "." + f.Name + " has no schema property") // a programming error
			}
			// huma words its error from PatternDescription, but that is not an OpenAPI
			// keyword: it is used for the message, then moved into the description.
			p.Pattern, p.PatternDescription = rule.pattern, rule.description
			p.PrecomputeMessages()
			p.PatternDescription = ""
			p.Description = strings.TrimSpace(p.Description + " " + upperFirst(rule.description) + ".")
		}
	}
}

// documentResponses adds to every operation the statuses and headers that the middleware
// chain, not the handler, produces, and keeps 412 where If-Match applies only.
func documentResponses(oapi *huma.OpenAPI) {
	problem := func(op *huma.Operation) *huma.Response {
		// In status order, so the template is the same on every run (an operation may
		// document a problem of its own for one status, as sync-push does for 409).
		for _, code := range slices.Sorted(maps.Keys(op.Responses)) {
			if c := op.Responses[code].Content[problemContentType]; c != nil {
				return &huma.Response{Content: map[string]*huma.MediaType{problemContentType: {Schema: c.Schema}}}
			}
		}
		return nil
	}
	for path, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			tmpl := problem(op)
			if tmpl == nil {
				panic("server: operation " + op.OperationID + " documents no problem response") // a programming error
			}
			add := func(status int) *huma.Response {
				key := strconv.Itoa(status)
				if r := op.Responses[key]; r != nil {
					return r
				}
				r := *tmpl
				r.Description = http.StatusText(status)
				op.Responses[key] = &r
				return &r
			}
			// Every request passes the Host check, the header limit and the body limit
			// (a GET with a large body too); unknown query parameters are refused
			// everywhere; any request can time out.
			add(http.StatusMisdirectedRequest)
			add(http.StatusUnprocessableEntity)
			add(http.StatusRequestHeaderFieldsTooLarge)
			add(http.StatusRequestEntityTooLarge)
			add(http.StatusInternalServerError)
			if r := add(http.StatusServiceUnavailable); r.Content[problemContentType] != nil {
				setHeader(r, "Retry-After", "Seconds to wait before trying again.", true)
			}
			if op.RequestBody != nil {
				add(http.StatusBadRequest)
				add(http.StatusUnsupportedMediaType)
			}
			if slices.ContainsFunc(op.Parameters, func(p *huma.Param) bool { return p.Name == "If-Match" }) {
				add(http.StatusPreconditionFailed)
			} else {
				delete(op.Responses, strconv.Itoa(http.StatusPreconditionFailed))
			}
			if r := op.Responses[strconv.Itoa(http.StatusUnauthorized)]; r != nil {
				setHeader(r, "WWW-Authenticate", "The Bearer challenge (RFC 6750).", true)
			}
			if strings.HasPrefix(path, authPrefix) || op.OperationID == "add-member" {
				setHeader(add(http.StatusTooManyRequests), "Retry-After", "Seconds to wait before trying again.", true)
			}
			if slices.ContainsFunc(op.Parameters, func(p *huma.Param) bool { return p.Name == idempotencyHeader }) {
				for code, r := range op.Responses {
					if strings.HasPrefix(code, "2") {
						setHeader(r, replayedHeader, "true when this is the recorded response to an earlier request with the same Idempotency-Key.", false)
					}
				}
			}
		}
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// declareTags lists every tag the operations use at the top of the document, as OpenAPI
// expects, in the order of the paths.
func declareTags(oapi *huma.OpenAPI) {
	seen := map[string]bool{}
	for _, t := range oapi.Tags {
		seen[t.Name] = true
	}
	for _, path := range slices.Sorted(maps.Keys(oapi.Paths)) {
		item := oapi.Paths[path]
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			for _, name := range op.Tags {
				if !seen[name] {
					seen[name] = true
					oapi.Tags = append(oapi.Tags, &huma.Tag{Name: name, Description: tagDescriptions()[name]})
				}
			}
		}
	}
}

// tagDescriptions say what each group of operations is about.
func tagDescriptions() map[string]string {
	return map[string]string{
		"health":        "Liveness and readiness checks, without a token.",
		"auth":          "Sign-up and login, which return session tokens; rate limited per client address.",
		"me":            "The signed-in user and the organization in use.",
		"tokens":        "Personal API tokens of the signed-in user.",
		"organizations": "Organizations of the tenant.",
		"members":       "Members of the organization and their roles.",
		"invitations":   "One-time codes that let someone join the organization with a role; accepting one is rate limited per client address.",
		"clients":       "Clients that projects are for.",
		"projects":      "Projects time is tracked on.",
		"tasks":         "Tasks within projects.",
		"tags":          "Tags for time entries.",
		"time entries":  "Tracked time.",
		"timer":         "The running timer of the signed-in user.",
		"reports":       "Totals over date ranges.",
		"activity":      "What the desktop's activity timer measured while timers ran: 10-minute slots with input counts and applications.",
		"rates":         "Hourly rates of the organization, its members, clients and projects, with effective dates.",
		"budgets":       "Project budgets in hours or money, with their progress.",
		"invoices":      "Invoices of billable time, numbered per organization; invoiced entries are locked until a manager unlocks them.",
		"imports":       "Time entries brought over from other trackers' exports; importing a file again creates nothing.",
		"sync":          "Offline-first sync of devices with this server (docs/sync.md).",
	}
}

// setHeader documents a response header with a string value.
func setHeader(r *huma.Response, name, description string, required bool) {
	if r.Headers == nil {
		r.Headers = map[string]*huma.Param{}
	}
	r.Headers[name] = &huma.Param{Description: description, Required: required, Schema: &huma.Schema{Type: huma.TypeString}}
}
