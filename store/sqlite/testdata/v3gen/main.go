// Command v3gen made testdata/v3 (a data dir of schema version 3, where an e-mail address
// named one account across the whole server) with the build of commit 637a1eb, before
// migration 0004 existed; the upgrade test opens a copy of it. It is kept to show how the
// data dir was made; run today it would write the current schema.
// Usage (from the repository root): go run ./store/sqlite/testdata/v3gen DIR
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

func main() {
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "v3gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	svc := app.New(st, app.Options{NodeID: "v3gen"})
	// Two tenants with accounts that have e-mail addresses, and a local workspace whose
	// owner has none.
	var tok app.CreatedToken
	for i, t := range []struct{ owner, member, org string }{
		{"ada@example.com", "bob@example.com", "Acme"},
		{"grace@example.com", "linus@example.com", "Globex"},
	} {
		sess, err := svc.Signup(ctx, app.SignupInput{Email: t.owner, Password: "correct horse battery", Name: "Owner of " + t.org,
			Organization: t.org, Timezone: "Europe/Berlin"})
		if err != nil {
			return err
		}
		a, err := svc.Authenticate(ctx, sess.Token, nil)
		if err != nil {
			return err
		}
		if _, err := svc.AddMember(ctx, a, app.MemberInput{Email: t.member, Name: "Member of " + t.org, Role: app.RoleMember,
			Password: "another long password"}); err != nil {
			return err
		}
		p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Website of " + t.org, Color: "#30a46c", Billable: true})
		if err != nil {
			return err
		}
		start := time.Date(2026, 11, 2+i, 9, 0, 0, 0, time.UTC)
		for j := range 3 {
			s := start.Add(time.Duration(j) * 2 * time.Hour)
			stop := s.Add(45 * time.Minute)
			if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: fmt.Sprintf("%s entry %d", t.org, j),
				ProjectID: &p.ID, StartedAt: s, StoppedAt: &stop}); err != nil {
				return err
			}
		}
		if i == 0 {
			if tok, err = svc.CreateToken(ctx, a, app.TokenInput{Name: "ci"}); err != nil {
				return err
			}
		}
	}
	if _, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Local", Organization: "Personal", Timezone: "UTC"}); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "token.txt"), []byte(tok.Token+"\n"), 0o600)
}
