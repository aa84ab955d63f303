package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/internal/jsonwire"
)

// A drain pushes 20,000 changes in batches of 500, and huma decoded each batch twice: into
// any, to check it against the schema, then into syncPushBody, each time through the strict
// decoder's checks and encoding/json's reflection; about a sixth of the server's work in a
// drain. The push operation therefore takes its body as bytes and decodes it once here:
// a body of the shape devices send (known keys spelled as declared, strings without
// escapes, plain integers, every constraint of the schema met) is read directly, after the
// strict decoder's checks; any other body goes through what huma did, step by step, so it
// gets the answer it always got (400, 415 or 422, with the same problem).

// pushBodies decodes the push bodies of one server.
type pushBodies struct {
	api   huma.API
	types *jsonTypes
	// schema is the operation's body schema, set once the operation is registered.
	schema *huma.Schema
}

// maxPushMutations is syncPushBody.Mutations' maxItems.
const maxPushMutations = 500

// decode returns the body, or the problem huma would have answered for it.
func (p *pushBodies) decode(contentType string, raw []byte) (syncPushBody, error) {
	if contentType == "" || contentType == "application/json" {
		if b, ok := p.direct(raw); ok {
			return b, nil
		}
	}
	return p.checked(contentType, raw)
}

// checked is huma's handling of a request body (processRegularMsgBody): decode it into
// any and validate that against the schema, then decode it into the body's type.
func (p *pushBodies) checked(contentType string, raw []byte) (syncPushBody, error) {
	detail := func(err error) error {
		return &huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(raw)}
	}
	var parsed any
	if err := p.api.Unmarshal(contentType, raw, &parsed); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, huma.ErrUnknownContentType) {
			status = http.StatusUnsupportedMediaType
		}
		return syncPushBody{}, huma.NewError(status, "validation failed", detail(err))
	}
	res := &huma.ValidateResult{}
	pb := huma.NewPathBuffer(make([]byte, 0, 128), 0)
	pb.Push("body")
	huma.Validate(p.api.OpenAPI().Components.Schemas, p.schema, pb, huma.ModeWriteToServer, parsed, res)
	if len(res.Errors) > 0 {
		return syncPushBody{}, huma.NewError(http.StatusUnprocessableEntity, "validation failed", res.Errors...)
	}
	var b syncPushBody
	if err := p.api.Unmarshal(contentType, raw, &b); err != nil {
		return syncPushBody{}, huma.NewError(http.StatusUnprocessableEntity, "validation failed", detail(err))
	}
	return b, nil
}

// direct decodes a body of the shape devices send, one huma would take as it is, and
// gives what decoding it into syncPushBody gives; false leaves it to checked. The body
// first passes the strict decoder's checks (strictUnmarshal without its decoding).
func (p *pushBodies) direct(raw []byte) (syncPushBody, bool) {
	if !utf8.Valid(raw) || !json.Valid(raw) {
		return syncPushBody{}, false
	}
	sc := jsonScan{data: raw, types: p.types}
	if sc.value(reflect.TypeFor[syncPushBody]()) != nil || checkSurrogates(raw) != nil {
		return syncPushBody{}, false
	}
	// The rows are slices of one copy: huma reuses its buffer once the request is done.
	r := &pushReader{jsonwire.Reader{B: bytes.Clone(raw)}}
	var b syncPushBody
	var protocol, mutations bool
	ok := r.Object(func(key []byte) bool {
		switch string(key) {
		case "protocol":
			v, ok := r.Int()
			b.Protocol, protocol = int(v), true
			return ok && v >= 1 && v <= math.MaxInt
		case "device_id":
			s, ok := r.Str()
			b.DeviceID = string(s)
			return ok && utf8.RuneCount(s) <= 64
		case "mutations":
			mutations = true
			return r.mutations(&b.Mutations)
		}
		return false // unknown: the schema refuses it
	})
	return b, ok && r.End() && protocol && mutations && len(b.Mutations) <= maxPushMutations
}

func (r *pushReader) mutations(dst *[]syncMutationBody) bool {
	ms := []syncMutationBody{}
	ok := r.Array(func() bool {
		var m syncMutationBody
		var has [6]bool
		ok := r.Object(func(key []byte) bool {
			switch string(key) {
			case "id":
				has[0] = true
				return r.id(&m.ID)
			case "device_seq":
				v, ok := r.Int()
				m.DeviceSeq, has[1] = v, true
				return ok && v >= 0
			case "hlc":
				has[2] = true
				return r.text(&m.HLC, 200)
			case "entity":
				has[3] = true
				return r.text(&m.Entity, 32)
			case "entity_id":
				has[4] = true
				return r.id(&m.EntityID)
			case "op":
				has[5] = true
				return r.text(&m.Op, 16)
			case "row":
				raw, ok := r.Skip()
				m.Row = raw
				return ok && string(raw) != "null" // json.RawMessage keeps null; leave it to checked
			case "fields":
				return r.fields(&m.Fields)
			}
			return false
		})
		ms = append(ms, m)
		return ok && has == [6]bool{true, true, true, true, true, true} && len(ms) <= maxPushMutations
	})
	*dst = ms
	return ok // a null among the mutations is not an array: the schema refuses it
}

func (r *pushReader) fields(dst *map[string]string) bool {
	m := map[string]string{}
	ok := r.Object(func(key []byte) bool {
		v, ok := r.Str()
		m[string(key)] = string(v)
		return ok
	})
	*dst = m
	return ok
}

// pushReader is a cursor over a push body already known to be valid JSON.
type pushReader struct{ jsonwire.Reader }

// text reads a string of at most max characters into dst.
func (r *pushReader) text(dst *string, max int) bool {
	s, ok := r.Str()
	*dst = string(s)
	return ok && utf8.RuneCount(s) <= max
}

// id reads a UUID in its standard form, the one every decoder and the schema's format
// agree on.
func (r *pushReader) id(dst *uuid.UUID) bool {
	s, ok := r.Str()
	return ok && len(s) == 36 && dst.UnmarshalText(s) == nil
}
