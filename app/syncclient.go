package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// The sync client (docs/sync.md, "Client"): a device pushes its outbox to a team server and
// pulls what changed there. The round's rules live here, beside the outbox and the store they
// touch; the wire (HTTP) is behind SyncRemote, implemented by package sync, so app stays free
// of net/http.

// SyncRemote is a team server as the sync client sees it.
type SyncRemote interface {
	// Push sends one batch. A batch the server refuses for its size or the time it would
	// take (413, 503) fails with ErrBatchTooLarge; a server that cannot be reached with
	// ErrUnavailable.
	Push(ctx context.Context, b PushBatch) ([]MutationOutcome, error)
	// Pull reads one page after the cursor.
	Pull(ctx context.Context, in SyncPullInput) (RemotePage, error)
}

// ErrBatchTooLarge is a push the server refused as too big for one request or one unit of
// work; the client sends half as many mutations.
var ErrBatchTooLarge = errors.New("the server refused the batch as too large")

// RemoteRow is one pulled row as the server sent it: Row is the entity's JSON.
type RemoteRow struct {
	Kind    SyncKind        `json:"kind"`
	ID      uuid.UUID       `json:"id"`
	Version int64           `json:"server_version"`
	HLC     string          `json:"hlc"`
	Row     json.RawMessage `json:"row"`
}

// RemotePage is one pulled page.
type RemotePage struct {
	Rows   []RemoteRow `json:"rows"`
	Cursor int64       `json:"cursor"`
	Head   int64       `json:"head"`
	More   bool        `json:"more"`
	Reset  bool        `json:"reset,omitempty"`
}

// Device settings of the sync client. The session token is not among them: it lives in a
// file of its own (RemoteTokenFile), like the local API token, so a copy of the database
// opens nothing.
const (
	settingSyncURL         = "sync.url"
	settingSyncCursor      = "sync.cursor"
	settingSyncLastSuccess = "sync.last_success"
	settingSyncLastError   = "sync.last_error"
	settingSyncLastErrorAt = "sync.last_error_at"
	settingSyncRejections  = "sync.rejections"
)

// RemoteTokenFileName names the file in the data directory holding the team server session.
const RemoteTokenFileName = "remote-token"

// RemoteTokenFile is the session token file of the data directory dir, kept like the local
// API token's (mode 0600, replaced atomically).
func RemoteTokenFile(dir string) TokenFile { return TokenFile(filepath.Join(dir, RemoteTokenFileName)) }

// RemoteToken returns the stored session token, "" when the device is not logged in.
func (f TokenFile) RemoteToken() (string, error) { return f.read() }

// maxKeptRejections bounds the rejections a device keeps for its user (newest kept).
const maxKeptRejections = 200

// pushBatchSize is a round's first batch size: as many as the server takes. Each batch
// costs a request, a transaction (an fsync on a SQLite server) and an acknowledgement here.
// Batches were 100 while a PostgreSQL server updated its tenant row for every stamp, which
// made a batch's cost grow with the square of its size; it takes one update per transaction
// now (its migration 0008).
const pushBatchSize = MaxPushBatch

// SyncRejection is a local change the server refused, kept for the user with its reason and
// the row as the device had it. The device's row then becomes the server's (Outcome
// "reverted"), or goes when the server has none the user may see ("removed"); a row changed
// again meanwhile stays for its newer change ("kept").
type SyncRejection struct {
	MutationID uuid.UUID       `json:"mutation_id"`
	Entity     string          `json:"entity"`
	EntityID   uuid.UUID       `json:"entity_id"`
	Op         ChangeOp        `json:"op"`
	Reason     RejectReason    `json:"reason"`
	Message    string          `json:"message"`
	At         time.Time       `json:"at"`
	Row        json.RawMessage `json:"row,omitempty"`
	Outcome    string          `json:"outcome,omitempty"`
}

// What became of the device's row after a rejection.
const (
	RejectionReverted = "reverted" // the device took the server's row
	RejectionRemoved  = "removed"  // the server has no such row for the user: the device's copy went
	RejectionKept     = "kept"     // changed again since: the newer change is pushed next
)

// SyncState is what the device knows about its sync: the server, the pull cursor, the
// outbox and how the last rounds went.
type SyncState struct {
	URL         string          `json:"url,omitempty"`
	Connected   bool            `json:"connected"`
	Cursor      int64           `json:"cursor"`
	Pending     int             `json:"pending"`
	LastSuccess *time.Time      `json:"last_success,omitempty"`
	LastError   string          `json:"last_error,omitempty"`
	LastErrorAt *time.Time      `json:"last_error_at,omitempty"`
	Rejections  []SyncRejection `json:"rejections" nullable:"false"`

	// OfflineSince is when the server stopped answering, kept across restarts until a
	// round reaches it again (syncstatus.go).
	OfflineSince *time.Time `json:"offline_since,omitempty"`
	// Deferred are the rows pulled from the server that wait to be applied, with why.
	Deferred []SyncDeferred `json:"deferred" nullable:"false"`
	// ImagesPending counts the screenshots whose image waits for its upload (at most
	// 1,000 are counted); their rows are not in Pending until the image is up
	// (app/syncshots.go).
	ImagesPending int `json:"images_pending"`
}

// SyncProgress reports a round's work as it goes, for a progress line.
type SyncProgress struct {
	Pushed, Pulled int
	// Cursor and Head are the pull's place after its last page and the server's newest
	// version: on a first sync Cursor/Head is how far it has come (syncstatus.go).
	Cursor, Head int64
}

// SyncReport sums up a round.
type SyncReport struct {
	Pushed   int `json:"pushed"`
	Rejected int `json:"rejected"`
	Pulled   int `json:"pulled"`
	Pending  int `json:"pending"`
	// ImagesUploaded counts the screenshot images the round uploaded (app/syncshots.go).
	ImagesUploaded int `json:"images_uploaded"`
}

// ConnectRemote makes this installation a device of a team server whose first pull brings
// the session's workspace: ConnectWorkspace with a fresh plan. A device whose own local
// workspace holds data is refused with ErrConflict: publish or join it (PlanConnect).
func (s *Service) ConnectRemote(ctx context.Context, f TokenFile, url string, sess Session) error {
	plan, err := s.PlanConnect(ctx, sess, ConnectFresh, TeamCatalog{})
	if err != nil {
		return err
	}
	return s.ConnectWorkspace(ctx, f, url, sess, plan)
}

// DisconnectRemote forgets the team server: its session token and URL. The data pulled and
// the outbox stay; logging in to the same server again carries on from the same cursor.
func (s *Service) DisconnectRemote(ctx context.Context, f TokenFile) error {
	err := s.store.Write(ctx, func(tx Tx) error { return tx.Device().Delete(ctx, settingSyncURL) })
	if err != nil {
		return err
	}
	return f.remove()
}

// SyncStatus reads the device's sync state; f is where the session token would be.
func (s *Service) SyncStatus(ctx context.Context, f TokenFile) (SyncState, error) {
	st := SyncState{Rejections: []SyncRejection{}, Deferred: []SyncDeferred{}}
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if st.URL, err = optionalSetting(ctx, tx, settingSyncURL); err != nil {
			return err
		}
		if st.Cursor, err = syncCursor(ctx, tx); err != nil {
			return err
		}
		if st.LastSuccess, err = timeSetting(ctx, tx, settingSyncLastSuccess); err != nil {
			return err
		}
		if st.LastErrorAt, err = timeSetting(ctx, tx, settingSyncLastErrorAt); err != nil {
			return err
		}
		if st.LastError, err = optionalSetting(ctx, tx, settingSyncLastError); err != nil {
			return err
		}
		if st.OfflineSince, err = timeSetting(ctx, tx, settingSyncOfflineSince); err != nil {
			return err
		}
		if st.Rejections, err = rejections(ctx, tx); err != nil {
			return err
		}
		a, err := localActor(ctx, tx)
		if errors.Is(err, ErrNotFound) {
			a, err = syncActor(ctx, tx)
		}
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.Deferred, err = deferredReport(ctx, tx, a.TenantID); err != nil {
			return err
		}
		if st.Pending, err = pendingCount(ctx, tx, a); err != nil {
			return err
		}
		st.ImagesPending, err = pendingImages(ctx, tx, a)
		return err
	})
	if err != nil {
		return st, err
	}
	tok, err := f.read()
	st.Connected = err == nil && tok != "" && st.URL != ""
	return st, err
}

// pendingCount is how many changes wait in the outbox: one COUNT, not a read of the rows.
func pendingCount(ctx context.Context, tx Tx, a Actor) (int, error) {
	return tx.Changes().Count(ctx, Scope{TenantID: a.TenantID})
}

func optionalSetting(ctx context.Context, tx Tx, key string) (string, error) {
	v, err := tx.Device().Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return v, err
}

func timeSetting(ctx context.Context, tx Tx, key string) (*time.Time, error) {
	v, err := optionalSetting(ctx, tx, key)
	if err != nil || v == "" {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil, fmt.Errorf("device setting %s is corrupt: %w", key, err)
	}
	return &t, nil
}

func syncCursor(ctx context.Context, tx Tx) (int64, error) {
	v, err := optionalSetting(ctx, tx, settingSyncCursor)
	if err != nil || v == "" {
		return 0, err
	}
	c, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("device setting %s is corrupt: %w", settingSyncCursor, err)
	}
	return c, nil
}

func rejections(ctx context.Context, tx Tx) ([]SyncRejection, error) {
	v, err := optionalSetting(ctx, tx, settingSyncRejections)
	out := []SyncRejection{}
	if err != nil || v == "" {
		return out, err
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("device setting %s is corrupt: %w", settingSyncRejections, err)
	}
	return out, nil
}

// syncActor is the device's user as the local workspace settings name them, without the
// membership check localActor makes: before the first pull the membership is not there yet.
func syncActor(ctx context.Context, tx Tx) (Actor, error) {
	ids := make([]uuid.UUID, 3)
	for i, key := range []string{settingLocalTenant, settingLocalOrg, settingLocalUser} {
		v, err := tx.Device().Get(ctx, key)
		if err != nil {
			return Actor{}, err
		}
		if ids[i], err = uuid.Parse(v); err != nil {
			return Actor{}, fmt.Errorf("device setting %s is corrupt: %w", key, err)
		}
	}
	return Actor{TenantID: ids[0], OrgID: ids[1], UserID: ids[2]}, nil
}

// SyncRound runs one round against the remote (docs/sync.md, Client): push the outbox in
// batches and acknowledge what the server answered, keeping rejections; then pull pages
// until the server has no more, each page and its cursor in one transaction. progress, when
// not nil, hears after each batch and page. The round's outcome is recorded for SyncStatus.
func (s *Service) SyncRound(ctx context.Context, remote SyncRemote, progress func(SyncProgress)) (SyncReport, error) {
	var rep SyncReport
	var a Actor
	err := s.store.Read(ctx, func(tx Tx) error {
		url, err := optionalSetting(ctx, tx, settingSyncURL)
		if err != nil {
			return err
		}
		if url == "" {
			return fmt.Errorf("not connected to a team server: %w", ErrNotFound)
		}
		a, err = syncActor(ctx, tx)
		return err
	})
	if err == nil {
		err = s.requeueRefusedZone(ctx, a)
	}
	if err == nil {
		err = s.pushAll(ctx, a, remote, &rep, progress)
	}
	if err == nil {
		err = s.pullAll(ctx, a, remote, &rep, progress)
	}
	if err == nil {
		err = s.syncScreenshots(ctx, a, remote, &rep, progress)
	}
	if rerr := s.recordRound(ctx, a, err, &rep); rerr != nil {
		return rep, errors.Join(err, rerr)
	}
	return rep, err
}

// recordRound keeps the round's outcome and counts what is still waiting.
func (s *Service) recordRound(ctx context.Context, a Actor, roundErr error, rep *SyncReport) error {
	now := s.Now().Format(time.RFC3339Nano)
	return s.store.Write(ctx, func(tx Tx) error {
		if roundErr != nil {
			if errors.Is(roundErr, ErrNotFound) && a.TenantID == uuid.Nil {
				return nil // never connected: nothing to record
			}
			return errors.Join(tx.Device().Put(ctx, settingSyncLastError, roundErr.Error()),
				tx.Device().Put(ctx, settingSyncLastErrorAt, now), noteOffline(ctx, tx, roundErr, now))
		}
		n, err := pendingCount(ctx, tx, a)
		if err != nil {
			return err
		}
		rep.Pending = n
		return errors.Join(tx.Device().Put(ctx, settingSyncLastSuccess, now), tx.Device().Delete(ctx, settingSyncLastError),
			tx.Device().Delete(ctx, settingSyncLastErrorAt), tx.Device().Delete(ctx, settingSyncOfflineSince))
	})
}

// pushAll pushes the outbox until it is empty, halving the batch whenever the server finds
// one too large, and acknowledges each batch's answers.
func (s *Service) pushAll(ctx context.Context, a Actor, remote SyncRemote, rep *SyncReport, progress func(SyncProgress)) error {
	size := pushBatchSize
	for {
		var b PushBatch
		var changes []Change
		err := s.store.Read(ctx, func(tx Tx) error {
			var err error
			changes, err = tx.Changes().After(ctx, Scope{TenantID: a.TenantID}, 0, size)
			if err != nil {
				return fmt.Errorf("push: outbox: %w", err)
			}
			b = PushBatch{Protocol: SyncProtocol, Mutations: make([]Mutation, len(changes))}
			for i, c := range changes {
				if b.Mutations[i], err = mutationFor(ctx, tx, a, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(changes) == 0 {
			return err
		}
		out, err := remote.Push(ctx, b)
		if errors.Is(err, ErrBatchTooLarge) && size > 1 {
			size /= 2
			continue
		}
		if err != nil {
			return fmt.Errorf("push: %w", err)
		}
		if len(out) == 0 {
			return errors.New("push: the server answered no mutation")
		}
		if err := s.acknowledge(ctx, a, changes, b.Mutations, out, rep); err != nil {
			return err
		}
		if progress != nil {
			progress(SyncProgress{Pushed: rep.Pushed, Pulled: rep.Pulled})
		}
	}
}

// acknowledge drops the changes the server answered from the outbox and keeps the
// rejections, in one transaction. A change replaced while the batch was out has a newer seq
// and stays. A rejected change's row converges to the server's at once (docs/sync.md,
// Client): the server's row as the answer carries it, or none when the server has no row
// the user may see; the device's own is kept in the rejection.
func (s *Service) acknowledge(ctx context.Context, a Actor, changes []Change, sent []Mutation, out []MutationOutcome, rep *SyncReport) error {
	byID := make(map[uuid.UUID]Change, len(changes))
	for _, c := range changes {
		byID[c.ID] = c
	}
	rows := make(map[uuid.UUID]json.RawMessage, len(sent))
	for _, m := range sent {
		rows[m.ID] = m.Row
	}
	var through int64
	var rejected []SyncRejection
	var answers []MutationOutcome
	for _, o := range out {
		c, ok := byID[o.ID]
		if !ok {
			return fmt.Errorf("push: the server answered mutation %s, which was not sent", o.ID)
		}
		through = max(through, c.Seq)
		if o.Status == MutationRejected {
			rejected = append(rejected, SyncRejection{MutationID: o.ID, Entity: c.Entity, EntityID: c.EntityID, Op: c.Op,
				Reason: o.Reason, Message: o.Message, At: s.Now(), Row: rows[o.ID]})
			answers = append(answers, o)
		}
	}
	return s.store.Write(ctx, func(tx Tx) error {
		if _, err := tx.Changes().Acknowledge(ctx, Scope{TenantID: a.TenantID}, through); err != nil {
			return fmt.Errorf("push: acknowledge: %w", err)
		}
		// A screenshot row refused for want of its swept image uploads again instead
		// (reuploadRefusedShot): no rejection for the user.
		var refused []SyncRejection
		var refusedAnswers []MutationOutcome
		for i := range rejected {
			retry, err := s.reuploadRefusedShot(ctx, tx, a, byID[rejected[i].MutationID], answers[i])
			if err != nil {
				return fmt.Errorf("push: %s %s rejected: %w", rejected[i].Entity, rejected[i].EntityID, err)
			}
			if !retry {
				refused, refusedAnswers = append(refused, rejected[i]), append(refusedAnswers, answers[i])
			}
		}
		rejected, answers := refused, refusedAnswers
		if len(rejected) > 0 {
			pending, err := pendingEntities(ctx, tx, a)
			if err != nil {
				return err
			}
			for i := range rejected {
				outcome, err := s.takeServerRow(ctx, tx, a, byID[rejected[i].MutationID], answers[i], pending)
				if err != nil {
					return fmt.Errorf("push: %s %s rejected: %w", rejected[i].Entity, rejected[i].EntityID, err)
				}
				rejected[i].Outcome = outcome
			}
		}
		if len(rejected) > 0 {
			kept, err := rejections(ctx, tx)
			if err != nil {
				return err
			}
			kept = append(kept, rejected...)
			if len(kept) > maxKeptRejections {
				kept = kept[len(kept)-maxKeptRejections:]
			}
			b, err := json.Marshal(kept)
			if err != nil {
				return err
			}
			if err := tx.Device().Put(ctx, settingSyncRejections, string(b)); err != nil {
				return err
			}
		}
		rep.Pushed += len(out)
		rep.Rejected += len(rejected)
		return nil
	})
}

// takeServerRow makes the device's row of a rejected change the server's: the row the
// answer carries, or a tombstone when it carries none (the server has no row the user may
// see). A row changed again since keeps its newer change, which is pushed next.
func (s *Service) takeServerRow(ctx context.Context, tx Tx, a Actor, c Change, o MutationOutcome, pending map[uuid.UUID]bool) (string, error) {
	if pending[c.EntityID] {
		return RejectionKept, nil
	}
	kind := SyncKind(c.Entity)
	if len(o.Row) > 0 {
		// A refused delete left a tombstone here, which the server's live row replaces at
		// the tombstone's version (the change's).
		tomb := int64(0)
		if c.Op == OpDelete {
			tomb = c.Version
		}
		r := RemoteRow{Kind: kind, ID: c.EntityID, HLC: o.HLC, Row: o.Row}
		err := applyRow(ctx, tx, a.TenantID, r, false, tomb)
		if err != nil && !errors.Is(err, ErrConflict) {
			missing, merr := missingReferent(ctx, tx, a.TenantID, r)
			if merr != nil || !missing {
				return "", errors.Join(err, merr)
			}
		}
		if err != nil {
			// The device cannot take it as it stands (a running entry while another
			// runs here, a row naming one not pulled yet): it waits among the deferred
			// rows like a pulled one, and the next pull brings what makes room for it.
			if err := deferRow(ctx, tx, r); err != nil {
				return "", err
			}
			// Over the refused delete's tombstone, which the row replaces when it lands.
			if tomb != 0 {
				if err := rememberTombstone(ctx, tx, c.EntityID, tomb); err != nil {
					return "", err
				}
			}
		}
		return RejectionReverted, nil
	}
	org := a.OrgID
	if c.OrganizationID != nil {
		org = *c.OrganizationID
	}
	row, err := localRow(ctx, tx, Scope{TenantID: a.TenantID, OrgID: org}, c.Entity, c.EntityID)
	if errors.Is(err, ErrNotFound) {
		// Gone here too: a refused delete's tombstone, at the change's version. The server
		// may still get the row later (a create held up in the network arrives after the
		// delete): remember the version for a pull that brings it live.
		if c.Op == OpDelete {
			return RejectionRemoved, rememberTombstone(ctx, tx, c.EntityID, c.Version)
		}
		return RejectionRemoved, nil
	}
	if err != nil {
		return "", err
	}
	tomb, err := withDeletedAt(row, s.Now())
	if err != nil {
		return "", err
	}
	if err := applyRow(ctx, tx, a.TenantID, RemoteRow{Kind: kind, ID: c.EntityID, HLC: s.hlc.Now(), Row: tomb}, false, 0); err != nil {
		return "", err
	}
	var meta Meta
	if err := json.Unmarshal(row, &meta); err != nil {
		return "", err
	}
	return RejectionRemoved, rememberTombstone(ctx, tx, c.EntityID, meta.Version)
}

// withDeletedAt is a row's JSON as a tombstone deleted at the instant.
func withDeletedAt(row json.RawMessage, at time.Time) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(row, &fields); err != nil {
		return nil, err
	}
	b, err := json.Marshal(at)
	if err != nil {
		return nil, err
	}
	fields["deleted_at"] = b
	return json.Marshal(fields)
}

// pendingEntities is the set of rows with a change in the outbox.
func pendingEntities(ctx context.Context, tx Tx, a Actor) (map[uuid.UUID]bool, error) {
	pending := map[uuid.UUID]bool{}
	for after := int64(0); ; {
		cs, err := tx.Changes().After(ctx, Scope{TenantID: a.TenantID}, after, 5000)
		if err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		for _, c := range cs {
			pending[c.EntityID] = true
		}
		if len(cs) < 5000 {
			return pending, nil
		}
		after = cs[len(cs)-1].Seq
	}
}

// localRow reads a live row of one of the pushed entities as JSON.
func localRow(ctx context.Context, tx Tx, sc Scope, entity string, id uuid.UUID) (json.RawMessage, error) {
	var row any
	var err error
	switch entity {
	case EntityClient:
		row, err = tx.Clients().Get(ctx, sc, id)
	case EntityProject:
		row, err = tx.Projects().Get(ctx, sc, id)
	case EntityTask:
		row, err = tx.Tasks().Get(ctx, sc, id)
	case EntityTag:
		row, err = tx.Tags().Get(ctx, sc, id)
	case EntityTimeEntry:
		row, err = tx.TimeEntries().Get(ctx, sc, id)
	case EntityRate, EntityBudget, EntityActivitySlot, EntityScreenshot:
		row, err = localSyncedRow(ctx, tx, sc, entity, id)
	default:
		// Organizations, users and memberships are made and removed on the server: a
		// refused change of one leaves the device's row for a pull to set right.
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(row)
}

// mutationFor makes the mutation of a change: the entity as it is now; a delete names only
// its organization.
func mutationFor(ctx context.Context, tx Tx, a Actor, c Change) (Mutation, error) {
	m := Mutation{ID: c.ID, DeviceSeq: c.Seq, HLC: c.HLC, Entity: c.Entity, EntityID: c.EntityID, Op: c.Op, Fields: c.Fields}
	org := a.OrgID
	if c.OrganizationID != nil {
		org = *c.OrganizationID
	}
	sc := Scope{TenantID: a.TenantID, OrgID: org}
	var row any
	var err error
	if c.Op == OpUpsert {
		switch c.Entity {
		case EntityClient:
			row, err = tx.Clients().Get(ctx, sc, c.EntityID)
		case EntityProject:
			row, err = tx.Projects().Get(ctx, sc, c.EntityID)
		case EntityTask:
			row, err = tx.Tasks().Get(ctx, sc, c.EntityID)
		case EntityTag:
			row, err = tx.Tags().Get(ctx, sc, c.EntityID)
		case EntityTimeEntry:
			row, err = tx.TimeEntries().Get(ctx, sc, c.EntityID)
		case EntityRate, EntityBudget, EntityActivitySlot, EntityInvoice, EntityScreenshot:
			row, err = localSyncedRow(ctx, tx, sc, c.Entity, c.EntityID)
		case EntityOrganization:
			// Its name, zone and activity settings, set by an owner or admin here
			// (app/syncorg.go).
			row, err = tx.Organizations().Get(ctx, Scope{TenantID: a.TenantID, OrgID: c.EntityID}, c.EntityID)
		case EntityUser:
			// The user's own time zone, set here (app/syncuser.go); the server refuses
			// another user's row.
			row, err = tx.Users().Get(ctx, Scope{TenantID: a.TenantID}, c.EntityID)
		default:
			// Memberships are changed on the server (members, roles); the server
			// answers what it does not take.
			row = map[string]uuid.UUID{"id": c.EntityID}
		}
	}
	if errors.Is(err, ErrNotFound) {
		// Deleted since the change was logged: push the delete.
		m.Op, row, err = OpDelete, nil, nil
	}
	if m.Op == OpDelete {
		m.Fields = nil
	}
	if err != nil {
		return Mutation{}, fmt.Errorf("push: %s %s: %w", c.Entity, c.EntityID, err)
	}
	if row == nil {
		row = map[string]uuid.UUID{"organization_id": org}
	}
	if e, ok := row.(TimeEntry); ok {
		m.Row, err = marshalEntry(e)
	} else {
		m.Row, err = json.Marshal(row)
	}
	if err != nil {
		return Mutation{}, err
	}
	return m, nil
}

// pullAll pulls pages until the server has no more. The next page is fetched while this
// one is applied (its cursor is known from the answer), so the network and the server's
// read overlap the local writes; a page that fails to apply drops the one fetched ahead.
func (s *Service) pullAll(ctx context.Context, a Actor, remote SyncRemote, rep *SyncReport, progress func(SyncProgress)) error {
	var cursor int64
	var resync bool // a resync after a reset is under way (sync.resync_through)
	if err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if cursor, err = syncCursor(ctx, tx); err != nil {
			return err
		}
		mark, err := optionalSetting(ctx, tx, settingSyncResync)
		resync = mark != ""
		return err
	}); err != nil {
		return err
	}
	fresh := cursor == 0 // nothing pulled yet: rows are new, inserted without a look first
	_, serial := remote.(SerialRemote)
	type fetched struct {
		page RemotePage
		err  error
	}
	var next chan fetched // the page being fetched ahead, nil when none
	var stop context.CancelFunc
	fetch := func(cursor int64) {
		fctx, cancel := context.WithCancel(ctx)
		ch := make(chan fetched, 1)
		in := SyncPullInput{Protocol: SyncProtocol, Cursor: cursor, Limit: MaxSyncPullLimit, Resync: resync}
		next, stop = ch, cancel
		if serial {
			p, err := remote.Pull(fctx, in)
			ch <- fetched{p, err}
			return
		}
		go func() {
			p, err := remote.Pull(fctx, in)
			ch <- fetched{p, err}
		}()
	}
	// drop abandons the page fetched ahead and waits for its call to end, so no pull
	// outlives the round or runs beside the next one.
	drop := func() {
		if next != nil {
			stop()
			<-next
			next = nil
		}
	}
	defer drop()
	fetch(cursor)
	asked := cursor
	// reach: every page of this pull since it started from 0 in this round was read with
	// the user's memberships committed through this version (the head of its first page);
	// -1 when it did not start from 0 in this round (visibilityChanges).
	reach := int64(-1)
	for {
		f := <-next
		stop()
		next = nil
		if f.err != nil {
			return fmt.Errorf("pull: %w", f.err)
		}
		page := f.page
		seen := reach
		if asked == 0 && !page.Reset {
			reach, seen = page.Head, math.MaxInt64 // a page from 0 was read with every membership on it
		}
		if page.Reset {
			if asked == 0 {
				return errors.New("pull: the server answered a pull from 0 with a reset")
			}
			if err := s.startResync(ctx, a); err != nil {
				return err
			}
			fresh, resync = false, true // the device holds the rows: look before writing
			fetch(0)
			asked = 0
			continue
		}
		if page.More {
			fetch(page.Cursor)
			asked = page.Cursor
		}
		restart, err := s.applyPage(ctx, a, page, fresh, seen)
		if err != nil {
			return err
		}
		rep.Pulled += len(page.Rows)
		if progress != nil {
			progress(SyncProgress{Pushed: rep.Pushed, Pulled: rep.Pulled, Cursor: page.Cursor, Head: page.Head})
		}
		if restart {
			// What the user may see changed: pull everything again; the page fetched
			// ahead is dropped.
			drop()
			fresh, resync = false, true
			fetch(0)
			asked = 0
			continue
		}
		if !page.More {
			return nil
		}
	}
}

// SerialRemote is a SyncRemote whose pulls must not run beside the device's own writes: a
// round then fetches each page in turn instead of fetching the next one while it applies
// the last. The deterministic simulation's network is one: its faults, and the users'
// actions it lets happen during a round, must come in an order fixed by the seed.
type SerialRemote interface {
	SyncRemote
	Serial()
}

// kindOrder is the order rows of one page are applied in, referents first.
func kindOrder(k SyncKind) int {
	if i := slices.Index(SyncKinds, k); i >= 0 {
		return i
	}
	return len(SyncKinds)
}

// applyPage writes a pulled page and its cursor in one transaction. Rows keep the server's
// ids, versions and stamps and write no change-log row: they are not local changes. A row
// with a pending local change is left as the device has it: the change is pushed next round
// and the server's answer comes back in a later pull (read-your-writes).
//
// A row appears once, at its latest version, so it may name a row a later page brings (a
// project whose client was edited after it). Such a row is kept, in the same transaction,
// among the deferred rows, and applied with a later page once what it names is there. So
// is a row the device's store refuses as it stands (a running entry while the device's
// other running entry has not been stopped by a later row yet, or a pending local one has
// not been pushed and answered yet): it is tried again with every page until it fits.
//
// fresh says the device had pulled nothing when the round began: its rows are inserted
// without looking for a local copy first (a first sync of 100,000 rows saves as many
// reads), and one that turns out to be there takes the usual path.
//
// A page that changes what the user may see (their role in an organization, or the
// membership itself) starts a resync as a reset does (beginResync): the cursor goes back
// to 0, and when the pull from 0 has reached the head again, the rows it did not bring
// (no longer visible) are dropped (finishResync). restart reports that the pull must go
// on from 0.
func (s *Service) applyPage(ctx context.Context, a Actor, page RemotePage, fresh bool, reach int64) (restart bool, err error) {
	err = s.store.Write(ctx, func(tx Tx) error {
		deferred, err := deferredRows(ctx, tx)
		if err != nil {
			return err
		}
		rows := latestOnly(append(deferred, page.Rows...))
		slices.SortStableFunc(rows, func(x, y RemoteRow) int { return cmp.Compare(kindOrder(x.Kind), kindOrder(y.Kind)) })
		pending, err := pendingEntities(ctx, tx, a)
		if err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		if restart, err = visibilityChanges(ctx, tx, a, page.Rows, reach); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		for _, r := range page.Rows {
			if r.HLC != "" {
				_ = s.hlc.Observe(r.HLC) // a stamp this device cannot read only costs ordering
			}
		}
		// Apply in passes: a row whose referent is missing waits for the next pass, and
		// for a later page when a pass makes no progress.
		bulk := true
		for len(rows) > 0 {
			var wait []RemoteRow
			for i := 0; i < len(rows); i++ {
				r := rows[i]
				if bulk && r.Kind == SyncTimeEntry {
					// The entries come last (kind order), after what they name: on a
					// fresh device most go in at once, on another most stopped ones
					// go over the device's copies at once; the rest go on one by one.
					bulk = false
					rest, err := bulkPulledEntries(ctx, tx, a.TenantID, rows[i:], pending, !fresh)
					if err != nil {
						return fmt.Errorf("pull: %w", err)
					}
					rows = append(rows[:i:i], rest...)
					i--
					continue
				}
				if pending[r.ID] {
					continue
				}
				err := applyRow(ctx, tx, a.TenantID, r, fresh, 0)
				if err == nil {
					continue
				}
				if errors.Is(err, ErrConflict) {
					// Over a tombstone this device left when the server had no such row?
					if v, ok, terr := tombstoneVersion(ctx, tx, r.ID); terr != nil {
						return fmt.Errorf("pull: %w", terr)
					} else if ok {
						if err = applyRow(ctx, tx, a.TenantID, r, false, v); err == nil {
							if err := forgetTombstone(ctx, tx, r.ID); err != nil {
								return fmt.Errorf("pull: %w", err)
							}
							continue
						}
					}
				}
				if errors.Is(err, ErrConflict) {
					// A row the device cannot take as it stands yet (a second running
					// entry): it waits for the rows that make room for it.
					wait = append(wait, r)
					continue
				}
				missing, merr := missingReferent(ctx, tx, a.TenantID, r)
				if merr != nil {
					return fmt.Errorf("pull: %s %s: %w", r.Kind, r.ID, errors.Join(err, merr))
				}
				if !missing {
					return fmt.Errorf("pull: %s %s: %w", r.Kind, r.ID, err)
				}
				wait = append(wait, r)
			}
			if len(wait) == len(rows) {
				break
			}
			rows = wait
		}
		if !page.More && !restart {
			if rows, err = s.giveUpDeferred(ctx, tx, a, rows); err != nil {
				return fmt.Errorf("pull: %w", err)
			}
		}
		if err := putDeferredRows(ctx, tx, rows); err != nil {
			return err
		}
		if err := s.hlc.keepMark(ctx, tx); err != nil {
			return err
		}
		cursor := page.Cursor
		if restart {
			if err := s.beginResync(ctx, tx, a); err != nil {
				return fmt.Errorf("pull: %w", err)
			}
			cursor = 0
		} else if !page.More {
			if err := finishResync(ctx, tx, a); err != nil {
				return err
			}
		}
		return tx.Device().Put(ctx, settingSyncCursor, strconv.FormatInt(cursor, 10))
	})
	return restart, err
}

// minBulkPulledUpdates is the fewest entries a page writes over the device's copies in bulk:
// below it the one-by-one path's look and update per row cost less than the bulk path's
// checks of what the entries name, which a page of one new entry (the usual page of a
// device that stays online) would pay for nothing.
const minBulkPulledUpdates = 16

// bulkPulledEntries writes the leading time entries of rows several to a statement and
// returns the rows it did not write, in order, for the one-by-one path. On a device that
// had pulled nothing when the round began it inserts them (SyncRows.InsertPulledEntries);
// on another (update) it writes the stopped ones over the device's live copies
// (SyncRows.UpdatePulledEntries), as the one-by-one path would after reading each. Left
// for the one-by-one path: entries with a pending local change, naming a row the device
// does not have yet, that the store refused (an id already there, a second running entry)
// or, on update, running or without a live copy; and every row after the entries. The
// one-by-one path decides what becomes of them exactly as before; this only spares a
// first sync, and a drain pulling back what it pushed, a statement, a stamp and a look per
// row. On update, the entries the device already has as the server sent them (a drain's
// own, SyncRows.UnchangedPulledEntries) count as written without being written again.
func bulkPulledEntries(ctx context.Context, tx Tx, tenant uuid.UUID, rows []RemoteRow, pending map[uuid.UUID]bool, update bool) ([]RemoteRow, error) {
	end := 0
	for end < len(rows) && rows[end].Kind == SyncTimeEntry {
		end++
	}
	if update && end < minBulkPulledUpdates {
		return rows, nil
	}
	es := make([]TimeEntry, 0, end)
	for _, r := range rows[:end] {
		if pending[r.ID] {
			continue
		}
		var e TimeEntry
		if err := decodeEntry(r.Row, &e); err != nil || e.ID != r.ID {
			continue // the one-by-one path reports it
		}
		if update && e.StoppedAt == nil {
			continue
		}
		e.TenantID, e.HLC = tenant, r.HLC
		if e.TagIDs == nil {
			e.TagIDs = []uuid.UUID{}
		}
		es = append(es, e)
	}
	if len(es) == 0 {
		return rows, nil
	}
	var ids []uuid.UUID
	if update {
		// A drain's own entries come back as the device has them: nothing to write.
		same, err := tx.Sync().UnchangedPulledEntries(ctx, Scope{TenantID: tenant}, es)
		if err != nil {
			return nil, err
		}
		if len(same) > 0 {
			skip := make(map[uuid.UUID]bool, len(same))
			for _, id := range same {
				skip[id] = true
			}
			es = slices.DeleteFunc(es, func(e TimeEntry) bool { return skip[e.ID] })
			ids = same
		}
	}
	missing, err := missingReferents(ctx, tx, tenant, es)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		es = slices.DeleteFunc(es, func(e TimeEntry) bool { return missing[e.ID] })
	}
	if len(es) > 0 {
		write := tx.Sync().InsertPulledEntries
		if update {
			write = tx.Sync().UpdatePulledEntries
		}
		written, err := write(ctx, Scope{TenantID: tenant}, es)
		if err != nil {
			return nil, err
		}
		ids = append(ids, written...)
	}
	if len(ids) == 0 {
		return rows, nil
	}
	done := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	rest := make([]RemoteRow, 0, len(rows)-len(ids))
	for _, r := range rows {
		if r.Kind != SyncTimeEntry || !done[r.ID] {
			rest = append(rest, r)
		}
	}
	return rest, nil
}

// missingReferents returns the entries that name a row the device does not have (an
// organization, user, project, task or tag; tombstones count as present), as
// missingReferent decides for one row, with one look per named row instead of per entry.
func missingReferents(ctx context.Context, tx Tx, tenant uuid.UUID, es []TimeEntry) (map[uuid.UUID]bool, error) {
	ts := Scope{TenantID: tenant}
	absent := map[uuid.UUID]bool{}
	orgs, users := map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	named := map[string]map[uuid.UUID]bool{EntityProject: {}, EntityTask: {}, EntityTag: {}}
	for _, e := range es {
		orgs[e.OrganizationID], users[e.UserID] = true, true
		if e.ProjectID != nil {
			named[EntityProject][*e.ProjectID] = true
		}
		if e.TaskID != nil {
			named[EntityTask][*e.TaskID] = true
		}
		for _, id := range e.TagIDs {
			named[EntityTag][id] = true
		}
	}
	for id := range orgs {
		if _, err := tx.Organizations().Get(ctx, ts, id); errors.Is(err, ErrNotFound) {
			absent[id] = true
		} else if err != nil {
			return nil, err
		}
	}
	for id := range users {
		if _, err := tx.Users().Get(ctx, ts, id); errors.Is(err, ErrNotFound) {
			absent[id] = true
		} else if err != nil {
			return nil, err
		}
	}
	for entity, set := range named {
		if len(set) == 0 {
			continue
		}
		ids := make([]uuid.UUID, 0, len(set))
		for id := range set {
			ids = append(ids, id)
		}
		found, err := tx.SyncMutations().LocateAnyTenant(ctx, ts, entity, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if loc, ok := found[id]; !ok || loc.OtherTenant {
				absent[id] = true
			}
		}
	}
	missing := map[uuid.UUID]bool{}
	if len(absent) == 0 {
		return missing, nil
	}
	for _, e := range es {
		m := absent[e.OrganizationID] || absent[e.UserID] || (e.ProjectID != nil && absent[*e.ProjectID]) ||
			(e.TaskID != nil && absent[*e.TaskID])
		for _, id := range e.TagIDs {
			m = m || absent[id]
		}
		if m {
			missing[e.ID] = true
		}
	}
	return missing, nil
}

// visibilityChanges reports whether the page may change what the device's user may see: a
// membership of theirs at another version than the device has. Comparing reaches would
// not do: rows pulled before the membership row reaches the device were read with the
// server's reach of the moment, which the device's copy of the membership may never have
// shown (promoted and demoted again between two rounds).
//
// A membership the device has not seen yet changes it too (the user added to another
// organization: that organization's rows below the cursor were never sent), unless every
// page the device pulled was read with it: the pull started from 0 in this round and the
// membership's server version is at most reach, the head its first page was read at (a
// first pull of a user in two organizations). reach is -1 when the pull did not start
// from 0 in this round.
func visibilityChanges(ctx context.Context, tx Tx, a Actor, rows []RemoteRow, reach int64) (bool, error) {
	for _, r := range rows {
		if r.Kind != SyncMembership {
			continue
		}
		var m Membership
		if err := json.Unmarshal(r.Row, &m); err != nil {
			return false, fmt.Errorf("membership %s: %w", r.ID, err)
		}
		if m.UserID != a.UserID {
			continue
		}
		cur, err := tx.Memberships().Get(ctx, Scope{TenantID: a.TenantID, OrgID: m.OrganizationID}, m.UserID)
		if errors.Is(err, ErrNotFound) {
			if reach >= 0 && r.Version <= reach {
				continue
			}
			switch away, err := removalElsewhere(ctx, tx, a.TenantID, m); {
			case err != nil:
				return false, err
			case away:
				continue // nothing of that organization came through it
			}
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if cur.Version != m.Version {
			return true, nil
		}
	}
	return false, nil
}

// removalElsewhere reports whether m is a removed membership in an organization the device
// does not hold: the user was added to it and removed again before the device pulled any
// of it. The user's own memberships are pulled in every organization (a removal must reach
// the device), and such a one changes nothing on the device and is not kept: it would
// name an organization the device never gets.
func removalElsewhere(ctx context.Context, tx Tx, tenant uuid.UUID, m Membership) (bool, error) {
	if m.DeletedAt == nil {
		return false, nil
	}
	_, err := tx.Organizations().Get(ctx, Scope{TenantID: tenant, OrgID: m.OrganizationID}, m.OrganizationID)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	return false, err
}

// latestOnly keeps the last of the rows sharing an id (a deferred row the page brings anew).
func latestOnly(rows []RemoteRow) []RemoteRow {
	last := make(map[uuid.UUID]int, len(rows))
	for i, r := range rows {
		last[r.ID] = i
	}
	out := rows[:0:0]
	for i, r := range rows {
		if last[r.ID] == i {
			out = append(out, r)
		}
	}
	return out
}

// settingSyncDeferred holds pulled rows waiting for a row they name.
const settingSyncDeferred = "sync.deferred"

func deferredRows(ctx context.Context, tx Tx) ([]RemoteRow, error) {
	v, err := optionalSetting(ctx, tx, settingSyncDeferred)
	if err != nil || v == "" {
		return nil, err
	}
	var rows []RemoteRow
	if err := json.Unmarshal([]byte(v), &rows); err != nil {
		return nil, fmt.Errorf("device setting %s is corrupt: %w", settingSyncDeferred, err)
	}
	return rows, nil
}

// settingSyncTombstones holds the versions of tombstones this device left of rows the
// server had no copy of when it refused their change: a row the store's reads no longer
// show, which a pull bringing the row live (the server got it after all) writes over.
const settingSyncTombstones = "sync.tombstones"

func tombstones(ctx context.Context, tx Tx) (map[uuid.UUID]int64, error) {
	v, err := optionalSetting(ctx, tx, settingSyncTombstones)
	out := map[uuid.UUID]int64{}
	if err != nil || v == "" {
		return out, err
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("device setting %s is corrupt: %w", settingSyncTombstones, err)
	}
	return out, nil
}

func putTombstones(ctx context.Context, tx Tx, ts map[uuid.UUID]int64) error {
	if len(ts) == 0 {
		return tx.Device().Delete(ctx, settingSyncTombstones)
	}
	b, err := json.Marshal(ts)
	if err != nil {
		return err
	}
	return tx.Device().Put(ctx, settingSyncTombstones, string(b))
}

func rememberTombstone(ctx context.Context, tx Tx, id uuid.UUID, version int64) error {
	ts, err := tombstones(ctx, tx)
	if err != nil {
		return err
	}
	ts[id] = version
	return putTombstones(ctx, tx, ts)
}

func forgetTombstone(ctx context.Context, tx Tx, id uuid.UUID) error {
	ts, err := tombstones(ctx, tx)
	if err != nil {
		return err
	}
	delete(ts, id)
	return putTombstones(ctx, tx, ts)
}

func tombstoneVersion(ctx context.Context, tx Tx, id uuid.UUID) (int64, bool, error) {
	ts, err := tombstones(ctx, tx)
	v, ok := ts[id]
	return v, ok, err
}

// deferRow adds a row to the deferred rows.
func deferRow(ctx context.Context, tx Tx, r RemoteRow) error {
	rows, err := deferredRows(ctx, tx)
	if err != nil {
		return err
	}
	return putDeferredRows(ctx, tx, latestOnly(append(rows, r)))
}

func putDeferredRows(ctx context.Context, tx Tx, rows []RemoteRow) error {
	if len(rows) == 0 {
		return tx.Device().Delete(ctx, settingSyncDeferred)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	return tx.Device().Put(ctx, settingSyncDeferred, string(b))
}

// missingReferent reports whether a pulled row names a row the device does not have yet
// (tombstones count as present).
func missingReferent(ctx context.Context, tx Tx, tenant uuid.UUID, r RemoteRow) (bool, error) {
	var ref struct {
		OrganizationID uuid.UUID   `json:"organization_id"`
		UserID         uuid.UUID   `json:"user_id"`
		ClientID       *uuid.UUID  `json:"client_id"`
		ProjectID      *uuid.UUID  `json:"project_id"`
		TaskID         *uuid.UUID  `json:"task_id"`
		TagIDs         []uuid.UUID `json:"tag_ids"`
		EntryID        *uuid.UUID  `json:"entry_id"` // an activity slot's
	}
	if err := json.Unmarshal(r.Row, &ref); err != nil {
		return false, err
	}
	ts := Scope{TenantID: tenant}
	if ref.OrganizationID != uuid.Nil {
		if _, err := tx.Organizations().Get(ctx, ts, ref.OrganizationID); errors.Is(err, ErrNotFound) {
			return true, nil
		} else if err != nil {
			return false, err
		}
	}
	if ref.UserID != uuid.Nil {
		if _, err := tx.Users().Get(ctx, ts, ref.UserID); errors.Is(err, ErrNotFound) {
			return true, nil
		} else if err != nil {
			return false, err
		}
	}
	named := map[string][]uuid.UUID{}
	if ref.ClientID != nil {
		named[EntityClient] = append(named[EntityClient], *ref.ClientID)
	}
	if ref.ProjectID != nil {
		named[EntityProject] = append(named[EntityProject], *ref.ProjectID)
	}
	if ref.TaskID != nil {
		named[EntityTask] = append(named[EntityTask], *ref.TaskID)
	}
	named[EntityTag] = append(named[EntityTag], ref.TagIDs...)
	if ref.EntryID != nil {
		named[EntityTimeEntry] = append(named[EntityTimeEntry], *ref.EntryID)
	}
	for entity, ids := range named {
		if len(ids) == 0 {
			continue
		}
		found, err := tx.SyncMutations().LocateAnyTenant(ctx, ts, entity, ids)
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if loc, ok := found[id]; !ok || loc.OtherTenant {
				return true, nil
			}
		}
	}
	return false, nil
}

// applyRow writes one pulled row as the server sent it: inserted when the device has no live
// row with its id, else updated over the device's version. fresh tries the insert first;
// tomb, when not 0, is the version of the device's tombstone of the row, which a live row
// replaces.
func applyRow(ctx context.Context, tx Tx, tenant uuid.UUID, r RemoteRow, fresh bool, tomb int64) error {
	ts := Scope{TenantID: tenant}
	switch r.Kind {
	case SyncOrganization:
		var v Organization
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) { v.TenantID = tenant; return &v.Meta, Scope{TenantID: tenant, OrgID: v.ID} },
			func(sc Scope) (Meta, error) { cur, err := tx.Organizations().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Organizations().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Organizations().Update(ctx, sc, v, prev) })
	case SyncUser:
		var v User
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) { v.TenantID = tenant; return &v.Meta, ts },
			func(sc Scope) (Meta, error) { cur, err := tx.Users().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Users().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Users().Update(ctx, sc, v, prev) })
	case SyncMembership:
		var v Membership
		if err := json.Unmarshal(r.Row, &v); err != nil {
			return fmt.Errorf("membership %s: %w", r.ID, err)
		}
		if away, err := removalElsewhere(ctx, tx, tenant, v); away || err != nil {
			return err
		}
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) {
				cur, err := tx.Memberships().Get(ctx, sc, v.UserID)
				return cur.Meta, err
			},
			func(sc Scope) error { return tx.Memberships().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Memberships().Update(ctx, sc, v, prev) })
	case SyncClient:
		var v Client
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Clients().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Clients().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Clients().Update(ctx, sc, v, prev) })
	case SyncProject:
		var v Project
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Projects().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Projects().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Projects().Update(ctx, sc, v, prev) })
	case SyncTask:
		var v Task
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Tasks().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Tasks().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Tasks().Update(ctx, sc, v, prev) })
	case SyncTag:
		var v Tag
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.Tags().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.Tags().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.Tags().Update(ctx, sc, v, prev) })
	case SyncTimeEntry:
		var v TimeEntry
		return upsertPulled(r, fresh, tomb, &v, func() (*Meta, Scope) {
			v.TenantID = tenant
			if v.TagIDs == nil {
				v.TagIDs = []uuid.UUID{}
			}
			return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
		},
			func(sc Scope) (Meta, error) { cur, err := tx.TimeEntries().Get(ctx, sc, v.ID); return cur.Meta, err },
			func(sc Scope) error { return tx.TimeEntries().Insert(ctx, sc, v) },
			func(sc Scope, prev int64) error { return tx.TimeEntries().Update(ctx, sc, v, prev) })
	}
	if ok, err := applySyncedRow(ctx, tx, tenant, r, fresh, tomb); ok {
		return err
	}
	return fmt.Errorf("unknown kind %q: %w", r.Kind, ErrConflict)
}

// upsertPulled decodes r into dst, lets prepare fill what the wire leaves out, and inserts
// or updates it. With fresh the insert comes first: a failed statement leaves the
// transaction as it was, and the row then goes the usual way (look, then insert or update).
func upsertPulled[T any](r RemoteRow, fresh bool, tomb int64, dst *T, prepare func() (*Meta, Scope), get func(Scope) (Meta, error),
	insert func(Scope) error, update func(Scope, int64) error) error {
	if err := json.Unmarshal(r.Row, dst); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	meta, sc := prepare()
	meta.HLC = r.HLC
	if fresh && insert(sc) == nil {
		return nil
	}
	cur, err := get(sc)
	if errors.Is(err, ErrNotFound) {
		if err := insert(sc); err != nil {
			if meta.DeletedAt != nil {
				return nil // a tombstone of a row the device has deleted too, or never had
			}
			if !errors.Is(err, ErrConflict) {
				return err
			}
			if tomb != 0 {
				return update(sc, tomb)
			}
			return err
		}
		return nil
	}
	if err != nil {
		return err
	}
	return update(sc, cur.Version)
}

// remove deletes the file; one that is not there is no error.
func (f TokenFile) remove() error {
	if f == "" {
		return nil
	}
	if err := os.Remove(string(f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", filepath.Base(string(f)), err)
	}
	return nil
}
