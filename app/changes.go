package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// LatestChange returns the sequence number of the newest change to the actor's tenant, or
// after itself when nothing changed since. Every mutation, from this process or another
// (the CLI, the API, sync), writes a change-log row, so a front end polling this notices
// all of them. Pass 0 the first time.
func (s *Service) LatestChange(ctx context.Context, a Actor, after int64) (int64, error) {
	var seq int64
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		seq, err = tx.Changes().LatestSeq(ctx, Scope{TenantID: a.TenantID})
		return err
	})
	if err != nil {
		return after, err
	}
	return max(seq, after), nil
}

// FieldStamps are the fields a local change touched, each with the HLC stamp of its last
// edit (docs/sync.md, Conflicts). A push sends them with the row, and the server applies
// only these fields, each under last writer wins by its own stamp: a field the device did
// not touch cannot overwrite a newer edit of it made elsewhere. Nil means not known (a
// change from a path that does not say): the whole row counts as written at the change's
// stamp, as a device that sends no field list has it.
type FieldStamps map[string]string

// touchedFields are the fields of a change to one row: on a create every field the entity
// syncs, on an update those whose value differs between before and after, all at stamp.
// Entities whose fields the server does not merge (memberships), and updates whose row
// before is not known, give nil.
func touchedFields(entity string, before, after any, stamp string) (FieldStamps, error) {
	names, ok := pushedFields[entity]
	if !ok || after == nil {
		return nil, nil
	}
	out := FieldStamps{}
	if before == nil {
		for _, f := range names {
			out[f] = stamp
		}
		return out, nil
	}
	var x, y map[string]json.RawMessage
	bx, err := json.Marshal(before)
	if err != nil {
		return nil, err
	}
	by, err := json.Marshal(after)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(bx, &x); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(by, &y); err != nil {
		return nil, err
	}
	flattenFields(x, names)
	flattenFields(y, names)
	for _, f := range names {
		if !sameValue(x[f], y[f]) {
			out[f] = stamp
		}
	}
	return out, nil
}

// MergeFieldStamps merges the fields of a pending change with those of the change that
// replaces it in the outbox (several edits of a row before a push): every field either
// touched, each at its later stamp. Either side not known makes the merge not known.
func MergeFieldStamps(older, newer FieldStamps) FieldStamps {
	if older == nil || newer == nil {
		return nil
	}
	out := make(FieldStamps, len(older)+len(newer))
	for f, at := range older {
		out[f] = at
	}
	for f, at := range newer {
		out[f] = max(out[f], at)
	}
	return out
}

// allFields is the short form of "every field the entity syncs" in a stored field list.
const allFields = "*"

// EncodeFieldStamps is the stored form of a change's fields (change_log.fields), kept
// small because the outbox may hold many thousands of rows: field names separated by
// commas, each followed by @ and its stamp unless the stamp is the change's own (hlc), and
// "*" for every field the entity syncs. A change without fields (nil) is stored as NULL:
// ok is false.
func EncodeFieldStamps(entity string, fs FieldStamps, hlc string) (v string, ok bool) {
	if fs == nil {
		return "", false
	}
	item := func(f, at string) string {
		if at == hlc {
			return f
		}
		return f + "@" + at
	}
	var items []string
	names := pushedFields[entity]
	rest := fs
	if len(names) > 0 && len(fs) == len(names) {
		// Every field: "*" at the oldest stamp, then the fields edited since.
		oldest := ""
		all := true
		for _, f := range names {
			at, ok := fs[f]
			if !ok {
				all = false
				break
			}
			if oldest == "" || at < oldest {
				oldest = at
			}
		}
		if all {
			items = append(items, item(allFields, oldest))
			rest = FieldStamps{}
			for f, at := range fs {
				if at != oldest {
					rest[f] = at
				}
			}
		}
	}
	keys := make([]string, 0, len(rest))
	for f := range rest {
		keys = append(keys, f)
	}
	slices.Sort(keys)
	for _, f := range keys {
		items = append(items, item(f, rest[f]))
	}
	return strings.Join(items, ","), true
}

// DecodeFieldStamps reads a stored field list (EncodeFieldStamps) back; ok false (NULL)
// gives nil.
func DecodeFieldStamps(entity, v string, ok bool, hlc string) (FieldStamps, error) {
	if !ok {
		return nil, nil
	}
	out := FieldStamps{}
	if v == "" {
		return out, nil
	}
	items := strings.Split(v, ",")
	// "*" first, wherever it stands: a field named besides it was edited since.
	slices.SortStableFunc(items, func(x, y string) int {
		return cmp.Compare(bool2int(!strings.HasPrefix(x, allFields)), bool2int(!strings.HasPrefix(y, allFields)))
	})
	for _, it := range items {
		f, at, stamped := strings.Cut(it, "@")
		if !stamped {
			at = hlc
		}
		if f == allFields {
			for _, n := range pushedFields[entity] {
				out[n] = at
			}
			continue
		}
		if f == "" {
			return nil, fmt.Errorf("change fields %q: empty field name", v)
		}
		out[f] = max(out[f], at)
	}
	return out, nil
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}
