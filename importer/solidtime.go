package importer

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// solidtime's export (Organization → Export) is a ZIP of CSV files with a meta.json
// ({"version":"1.0"}): clients.csv (id, name, …), members.csv (id, user_id, name, email,
// role, …), projects.csv (id, name, color, client_id, is_billable, …), tasks.csv (id, name,
// project_id, …), tags.csv (id, name) and time_entries.csv (id, description, start, end,
// billable, user_id, member_id, project_id, task_id, client_id, tags, …). Rows refer to
// each other by id; tags is a JSON array of tag ids; start and end are UTC as
// 2006-01-02T15:04:05Z; billable is true/false. Those columns are what solidtime's own
// importer reads back (app/Service/Import/Importers/SolidtimeImporter.php).

// maxZipBytes bounds what the ZIP's files it reads hold once decompressed, all together: a
// small archive may unpack to far more (a ZIP bomb), and the API reads uploads with it.
// 256 MiB is over a million solidtime entries.
var maxZipBytes int64 = 256 << 20

func parseSolidtime(data []byte) (*File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a ZIP archive: %w", err)
	}
	files := map[string][]byte{}
	left := maxZipBytes
	for _, f := range zr.File {
		name := f.Name[strings.LastIndex(f.Name, "/")+1:]
		if !strings.HasSuffix(name, ".csv") && name != "meta.json" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, left+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if left -= int64(len(b)); left < 0 {
			return nil, fmt.Errorf("the archive's files hold more than %d MiB once unpacked: export a shorter period", maxZipBytes>>20)
		}
		files[name] = stripBOM(b)
	}
	if meta, ok := files["meta.json"]; ok {
		var m struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(meta, &m); err != nil || !strings.HasPrefix(m.Version, "1.") {
			return nil, fmt.Errorf("meta.json: want export version 1.x")
		}
	}
	if _, ok := files["time_entries.csv"]; !ok {
		return nil, fmt.Errorf("the archive has no time_entries.csv")
	}
	index := func(file, key string) (map[string]record, error) {
		out := map[string]record{}
		b, ok := files[file]
		if !ok {
			return out, nil
		}
		h, r, err := readHeader(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			rc := record{h: h, rec: append([]string(nil), rec...)}
			out[rc.get(key)] = rc
		}
	}
	clients, err := index("clients.csv", "id")
	if err != nil {
		return nil, err
	}
	projects, err := index("projects.csv", "id")
	if err != nil {
		return nil, err
	}
	tasks, err := index("tasks.csv", "id")
	if err != nil {
		return nil, err
	}
	tags, err := index("tags.csv", "id")
	if err != nil {
		return nil, err
	}
	members, err := index("members.csv", "user_id")
	if err != nil {
		return nil, err
	}
	h, r, err := readHeader(files["time_entries.csv"])
	if err != nil {
		return nil, fmt.Errorf("time_entries.csv: %w", err)
	}
	for _, c := range []string{"start", "end", "description"} {
		if h.col(c) < 0 {
			return nil, fmt.Errorf("time_entries.csv lacks the column %s", c)
		}
	}
	out := &File{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("time_entries.csv: %w", err)
		}
		if blank(rec) {
			continue
		}
		e := record{h: h, rec: rec, line: line}
		row, err := solidtimeRow(e, clients, projects, tasks, tags, members)
		if err != nil {
			out.Problems = append(out.Problems, app.ImportProblem{Line: line, Message: "time_entries.csv: " + err.Error()})
			continue
		}
		row.Line = line
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

const solidtimeLayout = "2006-01-02T15:04:05Z"

func solidtimeRow(e record, clients, projects, tasks, tags, members map[string]record) (app.ImportRow, error) {
	row := app.ImportRow{Description: e.get("description")}
	var err error
	if row.Billable, err = parseBool(e.get("billable")); err != nil {
		return row, err
	}
	if row.Start, err = time.Parse(solidtimeLayout, e.get("start")); err != nil {
		return row, fmt.Errorf("start %q: want 2006-01-02T15:04:05Z", e.get("start"))
	}
	if end := e.get("end"); end != "" {
		if row.End, err = time.Parse(solidtimeLayout, end); err != nil {
			return row, fmt.Errorf("end %q: want 2006-01-02T15:04:05Z", end)
		}
		if row.End.Before(row.Start) {
			return row, fmt.Errorf("ends before it starts")
		}
	}
	ref := func(m map[string]record, id, what string) (record, error) {
		if id == "" {
			return record{}, nil
		}
		r, ok := m[id]
		if !ok {
			return r, fmt.Errorf("%s %s is not in the export", what, id)
		}
		return r, nil
	}
	p, err := ref(projects, e.get("project_id"), "project")
	if err != nil {
		return row, err
	}
	row.Project = p.get("name")
	clientID := e.get("client_id")
	if clientID == "" && p.rec != nil {
		clientID = p.get("client_id")
	}
	c, err := ref(clients, clientID, "client")
	if err != nil {
		return row, err
	}
	row.Client = c.get("name")
	t, err := ref(tasks, e.get("task_id"), "task")
	if err != nil {
		return row, err
	}
	row.Task = t.get("name")
	if m, ok := members[e.get("user_id")]; ok {
		row.UserName, row.Email = m.get("name"), m.get("email")
	}
	if raw := e.get("tags"); raw != "" && raw != "[]" {
		var ids []string
		if err := json.Unmarshal([]byte(raw), &ids); err != nil {
			return row, fmt.Errorf("tags %q: want a JSON array of tag ids", raw)
		}
		var ns []string
		for _, id := range ids {
			tg, err := ref(tags, id, "tag")
			if err != nil {
				return row, err
			}
			ns = append(ns, tg.get("name"))
		}
		row.Tags = splitTags(strings.Join(clean(ns), ","))
	}
	return row, nil
}
