package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestPushWritesTouchedFields: a pushed update that names the fields its change touched
// writes only those, each under last writer wins by its own stamp; one that names none (a
// device of an earlier version) writes the whole row at the mutation's stamp, as before.
func TestPushWritesTouchedFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		// fields of B's update, made from the stamps of A's create (s0), A's rename (s1)
		// and B's own (s2); nil sends none.
		fields    func(s0, s1, s2 string) app.FieldStamps
		wantName  string
		wantColor string
		wantLost  []string
		reason    app.RejectReason // "" when applied
	}{
		{"no field list: the whole row", func(_, _, _ string) app.FieldStamps { return nil }, "Website", "#222222", nil, ""},
		{"the colour only", func(_, _, s2 string) app.FieldStamps { return app.FieldStamps{"color": s2} }, "Website relaunch", "#222222", nil, ""},
		{"nothing touched", func(_, _, _ string) app.FieldStamps { return app.FieldStamps{} }, "Website relaunch", "#111111", nil, ""},
		{"a name edited before the rename loses", func(s0, _, s2 string) app.FieldStamps {
			return app.FieldStamps{"name": s0, "color": s2}
		}, "Website relaunch", "#222222", []string{"name"}, ""},
		{"a field no device edits", func(_, _, s2 string) app.FieldStamps { return app.FieldStamps{"tenant_id": s2} }, "Website relaunch", "#111111", nil, app.RejectInvalid},
		{"a stamp after the change's", func(_, _, s2 string) app.FieldStamps { return app.FieldStamps{"color": s2 + "z"} }, "Website relaunch", "#111111", nil, app.RejectInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			owner, _ := e.signup()
			a := newDevice(t, "deviceA", e.clock.Now())
			b := newDevice(t, "deviceB", e.clock.Now().Add(time.Second))
			project := app.Project{ID: app.NewID(), OrganizationID: owner.OrgID, Name: "Website", Color: "#111111"}
			create := a.mutation(app.EntityProject, project.ID, app.OpUpsert, project)
			renamed := project
			renamed.Name = "Website relaunch"
			rename := a.mutation(app.EntityProject, project.ID, app.OpUpsert, renamed)
			rename.Fields = app.FieldStamps{"name": rename.HLC}
			for _, o := range e.push(owner, batch(create, rename)) {
				wantOutcome(t, "A's create and rename", o, app.MutationApplied, "")
			}
			// B holds the project as created, and changes its colour.
			coloured := project
			coloured.Color = "#222222"
			m := b.mutation(app.EntityProject, project.ID, app.OpUpsert, coloured)
			m.Fields = tc.fields(create.HLC, rename.HLC, m.HLC)
			out := e.push(owner, batch(m))[0]
			if tc.reason != "" {
				wantOutcome(t, "B's update", out, app.MutationRejected, tc.reason)
			} else {
				wantOutcome(t, "B's update", out, app.MutationApplied, "")
			}
			if !slices.Equal(out.Lost, tc.wantLost) {
				t.Errorf("lost %v, want %v", out.Lost, tc.wantLost)
			}
			got := must[app.Project](t)(e.svc.Project(e.ctx, owner, project.ID))
			if got.Name != tc.wantName || got.Color != tc.wantColor {
				t.Errorf("server has %q %s, want %q %s", got.Name, got.Color, tc.wantName, tc.wantColor)
			}
		})
	}
}
