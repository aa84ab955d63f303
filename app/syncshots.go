package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Screenshots in sync (docs/sync.md, "Screenshots"). They travel like activity slots: the
// device whose timer took one pushes its row, for its user's own entries only, and the
// user's other devices and the managers pull it. The image goes first: a device uploads
// it (ScreenshotRemote.PutScreenshotImage, content-addressed and idempotent) and only then
// gives the row its change-log row, so the server never holds a row without its image and
// refuses one that comes without. Uploads run after a round's push and pull, a few at a
// time, so entries never wait for images. A device that lacks an image (taken elsewhere)
// fetches it from the server when it is shown (FetchScreenshotImage) and keeps it.

// SyncedShot is a screenshot as sync carries it, in a pull's page and a push's row.
type SyncedShot struct {
	ID             uuid.UUID `json:"id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	UserID         uuid.UUID `json:"user_id"`
	EntryID        uuid.UUID `json:"entry_id"`
	SlotStart      time.Time `json:"slot_start" doc:"Start of the 10-minute activity slot it was taken in (UTC)."`
	TakenAt        time.Time `json:"taken_at"`
	Hash           string    `json:"sha256" doc:"SHA-256 of the JPEG image, 64 lower-case hex digits."`
	Width          int       `json:"width"`
	Height         int       `json:"height"`
	Bytes          int64     `json:"bytes"`
	Meta
}

// Synced returns the screenshot as sync carries it.
func (sh Screenshot) Synced() SyncedShot {
	return SyncedShot{ID: sh.ID, OrganizationID: sh.OrganizationID, UserID: sh.UserID, EntryID: sh.EntryID, SlotStart: sh.SlotStart.UTC(),
		TakenAt: sh.TakenAt.UTC(), Hash: sh.Hash, Width: sh.Width, Height: sh.Height, Bytes: sh.Bytes, Meta: sh.Meta}
}

// Shot returns the synced screenshot as the stores keep it, in the tenant.
func (v SyncedShot) Shot(tenant uuid.UUID) Screenshot {
	return Screenshot{ID: v.ID, TenantID: tenant, OrganizationID: v.OrganizationID, UserID: v.UserID, EntryID: v.EntryID,
		SlotStart: v.SlotStart.UTC(), TakenAt: v.TakenAt.UTC(), Hash: v.Hash, Width: v.Width, Height: v.Height, Bytes: v.Bytes, Meta: v.Meta}
}

// MaxScreenshotBytes bounds an uploaded screenshot image: a JPEG of several large monitors
// at the quality the desktop takes them is a few MiB at most.
const MaxScreenshotBytes = 16 << 20

// ScreenshotRemote is a team server that also carries screenshot images; the HTTP remote
// of package sync is one.
type ScreenshotRemote interface {
	// PutScreenshotImage uploads a JPEG image by its SHA-256; uploading one the server
	// holds already is no error.
	PutScreenshotImage(ctx context.Context, hash string, image []byte) error
	// ScreenshotImage downloads a screenshot's image, or its thumbnail, from the server
	// (the screenshot of org).
	ScreenshotImage(ctx context.Context, org, id uuid.UUID, thumb bool) ([]byte, error)
}

// errImageNotHere: the screenshot's row is here and its image is not (taken elsewhere).
var errImageNotHere = fmt.Errorf("screenshot image not on this device: %w", ErrNotFound)

// validHash reports whether h is a SHA-256 as screenshots name their images.
func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Where a service keeps images: files under its directory (a desktop, a SQLite server), or
// the store when it has none (a PostgreSQL server, whose instances share no disk).

// keepImage keeps an image and its thumbnail; one kept already stays as it is. Files take
// the service's clock as their time, which the sweep of images no row names goes by.
func (s *Service) keepImage(ctx context.Context, tenant uuid.UUID, hash string, img, thumb []byte) error {
	if s.shots != nil {
		s.shots.mu.Lock()
		defer s.shots.mu.Unlock()
		if err := s.shots.write(tenant, hash, img, thumb); err != nil {
			return err
		}
		return s.shots.stamp(tenant, hash, s.Now())
	}
	return s.store.Write(ctx, func(tx Tx) error {
		return tx.Screenshots().PutImage(ctx, Scope{TenantID: tenant}, hash, img, thumb, s.Now())
	})
}

// readImage reads a kept image or its thumbnail; errImageNotHere when none is kept.
func (s *Service) readImage(ctx context.Context, tenant uuid.UUID, hash string, thumb bool) ([]byte, error) {
	if s.shots != nil {
		return s.shots.read(tenant, hash, thumb)
	}
	var b []byte
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		b, err = tx.Screenshots().Image(ctx, Scope{TenantID: tenant}, hash, thumb)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, errImageNotHere
	}
	return b, err
}

// imageKept reports, inside a transaction, whether the image is kept.
func (s *Service) imageKept(ctx context.Context, tx Tx, tenant uuid.UUID, hash string) (bool, error) {
	if s.shots != nil {
		return s.shots.has(tenant, hash)
	}
	return tx.Screenshots().HasImage(ctx, Scope{TenantID: tenant}, hash)
}

// dropImageIfUnused drops, inside a transaction, an image no live screenshot of the tenant
// names any more. Files go at once (a transaction that then rolls back leaves a row whose
// image the server fetches no more: the device's copy is still there to show it).
func (s *Service) dropImageIfUnused(ctx context.Context, tx Tx, tenant uuid.UUID, hash string) error {
	sc := Scope{TenantID: tenant}
	used, err := tx.Screenshots().HashInUse(ctx, sc, hash)
	if err != nil || used {
		return err
	}
	if s.shots != nil {
		if err := s.shots.remove(tenant, hash); err != nil {
			s.log.Warn("screenshots: remove an unused image", "err", err)
		}
		return nil
	}
	return tx.Screenshots().DeleteImage(ctx, sc, hash)
}

// ScreenshotImageGrace is how long a server keeps an uploaded image that no screenshot
// names: its row comes in the same sync round, or in a later one when that round's push
// failed. After it, sweepImages drops the image (a screenshot deleted on its device
// between its upload and its row's push).
const ScreenshotImageGrace = 24 * time.Hour

// sweepImages drops, inside a transaction, the tenant's images kept before the instant
// that no live screenshot names, and returns how many it dropped. Files are removed at
// once, as dropImageIfUnused does; a row the same transaction wrote keeps its image. It
// runs inside a push's transaction, while services lock s.shots.mu before they open one
// (CaptureScreenshot, dropPulledImages): it only tries the lock, and leaves the files to
// the next sweep when a capture or an upload holds it.
func (s *Service) sweepImages(ctx context.Context, tx Tx, sc Scope, before time.Time) (int64, error) {
	if s.shots == nil {
		n, err := tx.Screenshots().SweepImages(ctx, sc, before)
		if err != nil {
			return 0, fmt.Errorf("sweep screenshot images: %w", err)
		}
		return n, nil
	}
	if !s.shots.mu.TryLock() {
		return 0, nil
	}
	defer s.shots.mu.Unlock()
	hashes, err := s.shots.keptBefore(sc.TenantID, before)
	if err != nil {
		return 0, fmt.Errorf("sweep screenshot images: %w", err)
	}
	var n int64
	for _, h := range hashes {
		used, err := tx.Screenshots().HashInUse(ctx, sc, h)
		if err != nil {
			return n, fmt.Errorf("sweep screenshot images: %w", err)
		}
		if used {
			continue
		}
		if err := s.shots.remove(sc.TenantID, h); err != nil {
			s.log.Warn("screenshots: remove an image no row names", "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// PutScreenshotImage keeps an uploaded screenshot image (PUT /v1/screenshot-files/{sha256}):
// the body must be a JPEG whose SHA-256 is hash. The thumbnail is made here, as the
// desktop makes it. Uploading an image kept already changes nothing. Any member may upload
// (their device's screenshots); images are the tenant's and named by content, so an
// upload reveals nothing of another member's.
func (s *Service) PutScreenshotImage(ctx context.Context, a Actor, hash string, img []byte) error {
	if err := a.require(PermEntriesOwn); err != nil {
		return err
	}
	if !validHash(hash) {
		return Invalid("sha256", "must be 64 lower-case hex digits")
	}
	sum := sha256.Sum256(img)
	if hex.EncodeToString(sum[:]) != hash {
		return Invalid("body", "the image's SHA-256 is not the one its path names")
	}
	if len(img) > MaxScreenshotBytes {
		return Invalid("body", "an image may be up to %d bytes", MaxScreenshotBytes)
	}
	var kept bool
	if err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		kept, err = s.imageKept(ctx, tx, a.TenantID, hash)
		return err
	}); err != nil || kept {
		return err
	}
	thumb, err := thumbnailOf(img)
	if err != nil {
		return Invalid("body", "must be a JPEG image: %v", err)
	}
	return s.keepImage(ctx, a.TenantID, hash, img, thumb)
}

// thumbnailOf decodes a JPEG and encodes its thumbnail.
func thumbnailOf(img []byte) ([]byte, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > 1<<28 {
		return nil, errors.New("the image's size is out of range")
	}
	m, err := jpeg.Decode(bytes.NewReader(img))
	if err != nil {
		return nil, err
	}
	b := m.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), m, b.Min, draw.Src)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, shrink(rgba, thumbnailWidth), &jpeg.Options{Quality: thumbnailQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// shotByID reads a live screenshot the actor may read, as sync carries it.
func (s *Service) shotByID(ctx context.Context, a Actor, id uuid.UUID) (SyncedShot, error) {
	sh, err := s.Screenshot(ctx, a, id)
	return sh.Synced(), err
}

// logShot writes the change-log row of a screenshot (its upload done, or its tombstone).
func (s *Service) logShot(ctx context.Context, tx Tx, sh Screenshot) error {
	return s.logChange(ctx, tx, Scope{TenantID: sh.TenantID, OrgID: sh.OrganizationID},
		change{entity: EntityScreenshot, id: sh.ID, org: &sh.OrganizationID, meta: sh.Meta, row: sh.Synced()})
}

// pushShot applies a screenshot a device pushed, under the rules of SaveScreenshot and
// DeleteScreenshot: only the screenshot's own user pushes it, of their own entry (another
// user's entry is not found), whatever their role; a manager who sees another member's
// screenshot may not delete it (forbidden). A new row is refused unless its image is on
// the server (invalid, sha256): the device uploads it first. A screenshot does not change
// once taken, so an update answers the row as it is. A delete drops the image once no
// live row of the tenant names it.
func (s *Service) pushShot(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	var in SyncedShot
	if m.Op != OpDelete {
		if err := json.Unmarshal(m.Row, &in); err != nil {
			return nil, 0, Invalid("row", "must be a screenshot as JSON")
		}
		var c checker
		c.check(validHash(in.Hash), "sha256", "must be 64 lower-case hex digits")
		c.check(in.Width > 0 && in.Height > 0, "width", "width and height must be above 0")
		c.check(in.Bytes > 0 && in.Bytes <= MaxScreenshotBytes, "bytes", "must be between 1 and %d", MaxScreenshotBytes)
		c.check(!in.TakenAt.IsZero(), "taken_at", "is required")
		c.check(!in.SlotStart.IsZero() && in.SlotStart.Truncate(time.Minute).Equal(in.SlotStart), "slot_start", "must be the start of a slot (a whole minute)")
		if err := c.err(); err != nil {
			return nil, 0, err
		}
	}
	var out Screenshot
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		if !create {
			sh, err := visibleScreenshot(ctx, tx, a, m.EntityID)
			if err != nil {
				return err
			}
			if sh.UserID != a.UserID {
				return fmt.Errorf("only its own user changes a screenshot: %w", ErrForbidden)
			}
			out = sh
			if m.Op != OpDelete {
				return nil // a screenshot does not change once taken
			}
			prev := s.touch(&out.Meta, now)
			out.DeletedAt = &now
			if err := tx.Screenshots().Update(ctx, sc, out, prev); err != nil {
				return err
			}
			if err := s.logShot(ctx, tx, out); err != nil {
				return err
			}
			return s.dropImageIfUnused(ctx, tx, a.TenantID, out.Hash)
		}
		e, err := tx.TimeEntries().Get(ctx, sc, in.EntryID)
		if err != nil {
			return err
		}
		if e.UserID != a.UserID {
			return fmt.Errorf("screenshot of another user's entry: %w", ErrNotFound)
		}
		kept, err := s.imageKept(ctx, tx, a.TenantID, in.Hash)
		if err != nil {
			return err
		}
		if !kept {
			return Invalid("sha256", "%s; upload it first (PUT /v1/screenshot-files/%s)", msgImageNotOnServer, in.Hash)
		}
		out = in.Shot(a.TenantID)
		out.ID, out.OrganizationID, out.UserID = m.EntityID, a.OrgID, a.UserID
		out.Meta = s.stamp(now)
		out.CreatedAt = bornAt(in.CreatedAt, now)
		if err := tx.Screenshots().Insert(ctx, sc, out); err != nil {
			return err
		}
		return s.logShot(ctx, tx, out)
	})
	if err != nil || m.Op == OpDelete {
		return nil, 0, err
	}
	b, err := json.Marshal(out.Synced())
	return b, out.Version, err
}

// msgImageNotOnServer is the words of pushShot's refusal of a row whose image the server
// does not hold, by which a device knows it (reuploadRefusedShot).
const msgImageNotOnServer = "the image is not on the server"

// settingSyncImageReuploads holds the ids of the device's screenshots whose row the server
// refused for want of its image and whose image goes up again (reuploadRefusedShot).
const settingSyncImageReuploads = "sync.image_reuploads"

// maxImageReuploads bounds the ids kept there (newest kept).
const maxImageReuploads = 200

// reuploadRefusedShot handles, in acknowledge's transaction, the server's refusal of a
// pushed screenshot row for want of its image: the server swept the image (uploaded more
// than ScreenshotImageGrace before the row came, the device offline between). The
// screenshot waits for its upload again, which logs its row anew, and the refusal is no
// rejection for the user. It reports whether it took the refusal; it does not take a
// second one after such an upload (the server refuses the image itself, or sweeps it at
// once), which stays a rejection, so the device does not loop.
func (s *Service) reuploadRefusedShot(ctx context.Context, tx Tx, a Actor, c Change, o MutationOutcome) (bool, error) {
	if s.shots == nil || c.Entity != EntityScreenshot || c.Op == OpDelete || o.Reason != RejectInvalid ||
		!strings.Contains(o.Message, "sha256: "+msgImageNotOnServer) {
		return false, nil
	}
	var ids []uuid.UUID
	v, err := optionalSetting(ctx, tx, settingSyncImageReuploads)
	if err != nil {
		return false, err
	}
	if v != "" {
		if err := json.Unmarshal([]byte(v), &ids); err != nil {
			return false, fmt.Errorf("device setting %s is corrupt: %w", settingSyncImageReuploads, err)
		}
	}
	if i := slices.Index(ids, c.EntityID); i >= 0 {
		// Refused again after its image went up again: the rejection stands.
		ids = slices.Delete(ids, i, i+1)
		return false, putImageReuploads(ctx, tx, ids)
	}
	org := a.OrgID
	if c.OrganizationID != nil {
		org = *c.OrganizationID
	}
	sc := Scope{TenantID: a.TenantID, OrgID: org}
	sh, err := tx.Screenshots().Get(ctx, sc, c.EntityID)
	if errors.Is(err, ErrNotFound) {
		return false, nil // deleted here meanwhile: the rejection takes its course
	}
	if err != nil {
		return false, err
	}
	if _, err := s.shots.read(sh.TenantID, sh.Hash, false); err != nil {
		return false, nil // no image here to upload again: the rejection takes its course
	}
	if err := tx.Screenshots().ImageUnsent(ctx, sc, sh.ID); err != nil {
		return false, err
	}
	ids = append(ids, sh.ID)
	if len(ids) > maxImageReuploads {
		ids = ids[len(ids)-maxImageReuploads:]
	}
	return true, putImageReuploads(ctx, tx, ids)
}

// putImageReuploads writes the ids of settingSyncImageReuploads.
func putImageReuploads(ctx context.Context, tx Tx, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return tx.Device().Delete(ctx, settingSyncImageReuploads)
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return tx.Device().Put(ctx, settingSyncImageReuploads, string(b))
}

// settingSyncImageDrops holds the hashes of screenshots a pull tombstoned, whose images
// this device drops after the pull once no live screenshot names them.
const settingSyncImageDrops = "sync.image_drops"

// noteImageDrop remembers, in the pull's transaction, an image a pulled tombstone may free.
func noteImageDrop(ctx context.Context, tx Tx, hash string) error {
	var hashes []string
	v, err := optionalSetting(ctx, tx, settingSyncImageDrops)
	if err != nil {
		return err
	}
	if v != "" {
		if err := json.Unmarshal([]byte(v), &hashes); err != nil {
			return fmt.Errorf("device setting %s is corrupt: %w", settingSyncImageDrops, err)
		}
	}
	if slices.Contains(hashes, hash) {
		return nil
	}
	b, err := json.Marshal(append(hashes, hash))
	if err != nil {
		return err
	}
	return tx.Device().Put(ctx, settingSyncImageDrops, string(b))
}

// applyPulledShot writes a pulled screenshot (applySyncedRow). A tombstone notes its image
// for dropping (dropPulledImages).
func applyPulledShot(ctx context.Context, tx Tx, tenant uuid.UUID, r RemoteRow, fresh bool, tomb int64) error {
	var w SyncedShot
	var v Screenshot
	err := upsertPulled(r, fresh, tomb, &w, func() (*Meta, Scope) {
		v = w.Shot(tenant)
		return &v.Meta, Scope{TenantID: tenant, OrgID: v.OrganizationID}
	},
		func(sc Scope) (Meta, error) { cur, err := tx.Screenshots().Get(ctx, sc, v.ID); return cur.Meta, err },
		func(sc Scope) error { return tx.Screenshots().Insert(ctx, sc, v) },
		func(sc Scope, prev int64) error { return tx.Screenshots().Update(ctx, sc, v, prev) })
	if err != nil || v.DeletedAt == nil {
		return err
	}
	return noteImageDrop(ctx, tx, v.Hash)
}

// dropPulledImages drops the images of pulled tombstones that no live screenshot of the
// tenant names.
func (s *Service) dropPulledImages(ctx context.Context, a Actor) error {
	if s.shots == nil {
		return nil
	}
	s.shots.mu.Lock()
	defer s.shots.mu.Unlock()
	return s.store.Write(ctx, func(tx Tx) error {
		v, err := optionalSetting(ctx, tx, settingSyncImageDrops)
		if err != nil || v == "" {
			return err
		}
		var hashes []string
		if err := json.Unmarshal([]byte(v), &hashes); err != nil {
			return fmt.Errorf("device setting %s is corrupt: %w", settingSyncImageDrops, err)
		}
		for _, h := range hashes {
			if !validHash(h) {
				continue
			}
			if err := s.dropImageIfUnused(ctx, tx, a.TenantID, h); err != nil {
				return err
			}
		}
		return tx.Device().Delete(ctx, settingSyncImageDrops)
	})
}

// Uploads: how many images go up at once, and at most per round; the rest wait for the
// next round, which the rows of this one's uploads start at once.
const (
	uploadConcurrency  = 3
	maxUploadsPerRound = 24
)

// uploadScreenshots uploads the images of the device's screenshots that wait for theirs,
// a few at a time, and gives each screenshot whose image went up its change-log row, so
// the next push carries it. A screenshot whose image file is gone stays on the device
// only. It returns how many went up; a failed upload stops the rest for this round.
func (s *Service) uploadScreenshots(ctx context.Context, a Actor, remote SyncRemote) (int, error) {
	up, ok := remote.(ScreenshotRemote)
	if !ok || s.shots == nil {
		return 0, nil
	}
	var pending []Screenshot
	if err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		pending, err = tx.Screenshots().PendingImages(ctx, Scope{TenantID: a.TenantID}, maxUploadsPerRound)
		return err
	}); err != nil || len(pending) == 0 {
		return 0, err
	}
	var (
		mu    sync.Mutex
		sent  int
		first error
		wg    sync.WaitGroup
		next  = make(chan Screenshot)
	)
	workers := min(uploadConcurrency, len(pending))
	if _, serial := remote.(SerialRemote); serial {
		workers = 1 // a remote that takes one request at a time (the simulation's)
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sh := range next {
				err := s.uploadOne(ctx, up, sh)
				mu.Lock()
				if err == nil {
					sent++
				} else if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, sh := range pending {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed || ctx.Err() != nil {
			break
		}
		next <- sh
	}
	close(next)
	wg.Wait()
	return sent, first
}

// uploadOne uploads one screenshot's image and logs its row.
func (s *Service) uploadOne(ctx context.Context, up ScreenshotRemote, sh Screenshot) error {
	img, err := s.shots.read(sh.TenantID, sh.Hash, false)
	if errors.Is(err, ErrNotFound) {
		s.log.Warn("screenshots: the image of a screenshot is gone; it stays on this device", "screenshot", sh.ID)
		return s.store.Write(ctx, func(tx Tx) error {
			return tx.Screenshots().ImageSent(ctx, Scope{TenantID: sh.TenantID, OrgID: sh.OrganizationID}, sh.ID)
		})
	}
	if err != nil {
		return err
	}
	if err := up.PutScreenshotImage(ctx, sh.Hash, img); err != nil {
		return fmt.Errorf("upload screenshot %s: %w", sh.ID, err)
	}
	return s.store.Write(ctx, func(tx Tx) error {
		sc := Scope{TenantID: sh.TenantID, OrgID: sh.OrganizationID}
		cur, err := tx.Screenshots().Get(ctx, sc, sh.ID)
		if errors.Is(err, ErrNotFound) {
			return nil // deleted meanwhile: the server never had it
		}
		if err != nil {
			return err
		}
		if !cur.ImagePending {
			return nil
		}
		if err := tx.Screenshots().ImageSent(ctx, sc, sh.ID); err != nil {
			return err
		}
		cur.ImagePending = false
		// The change is made now, after the device's later changes: it takes a stamp of
		// now, so the outbox's stamps keep going forward (the row keeps its own).
		cur.HLC = s.hlc.Now()
		return s.logShot(ctx, tx, cur)
	})
}

// syncScreenshots is a round's screenshot work after its push and pull: drop the images
// pulled tombstones freed, upload the images waiting, and push the rows they free at
// once. Failing uploads do not fail the round (entries synced); they are retried next
// round and logged.
func (s *Service) syncScreenshots(ctx context.Context, a Actor, remote SyncRemote, rep *SyncReport, progress func(SyncProgress)) error {
	if err := s.dropPulledImages(ctx, a); err != nil {
		return err
	}
	n, err := s.uploadScreenshots(ctx, a, remote)
	if err != nil {
		s.log.Warn("screenshots: upload", "uploaded", n, "err", err)
	}
	rep.ImagesUploaded += n
	if n == 0 {
		return nil
	}
	return s.pushAll(ctx, a, remote, rep, progress)
}

// pendingImages counts the device's screenshots whose image waits for its upload (and
// whose row, for the push after it). Sync status shows them apart from the outbox's
// changes (SyncState.ImagesPending).
func pendingImages(ctx context.Context, tx Tx, a Actor) (int, error) {
	list, err := tx.Screenshots().PendingImages(ctx, Scope{TenantID: a.TenantID}, maxPendingImagesCounted)
	return len(list), err
}

// maxPendingImagesCounted bounds the count of images waiting (one read of the pending
// rows): the status says 1000 for more.
const maxPendingImagesCounted = 1000

// FetchScreenshotImage returns a screenshot's image or thumbnail as ScreenshotImage does,
// and when this device holds the row without the image (taken on another device) fetches
// it from the team server and keeps it under the device's screenshot directory, so it is
// fetched once. A full image must match the row's SHA-256. Offline, it fails with the
// remote's error (ErrUnavailable): the caller shows a placeholder.
func (s *Service) FetchScreenshotImage(ctx context.Context, a Actor, id uuid.UUID, thumb bool, remote ScreenshotRemote) ([]byte, error) {
	b, err := s.ScreenshotImage(ctx, a, id, thumb)
	if !errors.Is(err, errImageNotHere) || remote == nil || s.shots == nil {
		return b, err
	}
	sh, err := s.Screenshot(ctx, a, id)
	if err != nil {
		return nil, err
	}
	b, err = remote.ScreenshotImage(ctx, sh.OrganizationID, id, thumb)
	if err != nil {
		return nil, fmt.Errorf("fetch the screenshot from the server: %w", err)
	}
	if !thumb {
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != sh.Hash {
			return nil, fmt.Errorf("the server's image of screenshot %s is not its SHA-256", id)
		}
	}
	s.shots.mu.Lock()
	defer s.shots.mu.Unlock()
	// The row may have gone while the image came: keep it only for a live row.
	if _, err := s.Screenshot(ctx, a, id); err != nil {
		return nil, err
	}
	if err := s.shots.writeOne(sh.TenantID, sh.Hash, thumb, b); err != nil {
		s.log.Warn("screenshots: keep a fetched image", "err", err)
	}
	return b, nil
}

// ScreenshotImage returns a screenshot's image or thumbnail, fetching it from the team
// server when this device does not hold it (Service.FetchScreenshotImage), with the
// worker's session.
func (w *SyncWorker) ScreenshotImage(ctx context.Context, a Actor, id uuid.UUID, thumb bool) ([]byte, error) {
	b, err := w.svc.ScreenshotImage(ctx, a, id, thumb)
	if !errors.Is(err, errImageNotHere) || w.opts.Dial == nil {
		return b, err
	}
	var url string
	if err := w.svc.store.Read(ctx, func(tx Tx) error {
		var err error
		url, err = optionalSetting(ctx, tx, settingSyncURL)
		return err
	}); err != nil {
		return nil, err
	}
	tok, terr := w.opts.Tokens.RemoteToken()
	if url == "" || tok == "" || terr != nil {
		return nil, err
	}
	remote, derr := w.opts.Dial(url, tok)
	if derr != nil {
		return nil, derr
	}
	up, ok := remote.(ScreenshotRemote)
	if !ok {
		return nil, err
	}
	return w.svc.FetchScreenshotImage(ctx, a, id, thumb, up)
}

// Screenshots on a join (app/syncconnect.go, moveWorkspace). A joined workspace's
// screenshots follow their entries into the team's organization: each is written anew
// there, with a new id, naming its entry's new id, and with its image pending, so the
// device uploads the image and then pushes the row like any screenshot it takes. Images
// are kept by tenant (app/screenshotfiles.go), and a join always changes the tenant: the
// files are copied to the team tenant's directory inside the join's transaction, and the
// old tenant's copies go once it has committed (joinedShotFiles); a join that fails drops
// the new copies instead, so no file is lost or left without a row.

// farFuture bounds a screenshot listing that wants every screenshot of an organization.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// workspaceShots lists the live screenshots of the local workspace's live entries.
func workspaceShots(ctx context.Context, tx Tx, sc Scope, entries []TimeEntry) ([]Screenshot, error) {
	list, err := tx.Screenshots().List(ctx, sc, ScreenshotFilter{To: farFuture})
	if err != nil {
		return nil, fmt.Errorf("local screenshots: %w", err)
	}
	live := make(map[uuid.UUID]bool, len(entries))
	for _, e := range entries {
		live[e.ID] = true
	}
	return slices.DeleteFunc(list, func(sh Screenshot) bool { return !live[sh.EntryID] }), nil
}

// joinShots writes the workspace's screenshots into the team's organization (to) as the
// user's, their entries renamed by ids, each with its image pending; copies their images
// to the team tenant's directory; and leaves the old rows as tombstones of the old tenant.
func (s *Service) joinShots(ctx context.Context, tx Tx, to Scope, user uuid.UUID, ids map[uuid.UUID]uuid.UUID, w localWorkspace, now time.Time) error {
	if len(w.shots) == 0 {
		return nil
	}
	from := w.from.Scope()
	if s.shots != nil {
		s.shots.mu.Lock()
		defer s.shots.mu.Unlock()
	}
	copied := map[string]bool{}
	for _, old := range w.shots {
		entry, ok := ids[old.EntryID]
		if !ok {
			continue
		}
		if s.shots != nil && !copied[old.Hash] {
			if err := copyShotFiles(s.shots, from.TenantID, to.TenantID, old.Hash, now); err != nil {
				return fmt.Errorf("join: screenshot image %s: %w", old.Hash, err)
			}
			copied[old.Hash] = true
		}
		sh := old
		sh.ID, sh.TenantID, sh.OrganizationID, sh.UserID, sh.EntryID = NewID(), to.TenantID, to.OrgID, user, entry
		sh.ImagePending = true
		fresh := s.stamp(now)
		fresh.CreatedAt = old.CreatedAt
		sh.Meta = fresh
		if err := tx.Screenshots().Insert(ctx, to, sh); err != nil {
			return fmt.Errorf("join: screenshot of %s: %w", sh.TakenAt.Format(time.RFC3339), err)
		}
		prev := s.touch(&old.Meta, now)
		old.DeletedAt = &now
		if err := tx.Screenshots().Update(ctx, from, old, prev); err != nil {
			return fmt.Errorf("join: retire screenshot: %w", err)
		}
	}
	return nil
}

// joinedShotFiles finishes a join's screenshot files once its transaction is over: after a
// join that committed, the old tenant's images no live row names any more go; after one
// that failed, the team tenant's copies no live row names go. Failures are logged: a file
// left over is swept like any image no row names.
func (s *Service) joinedShotFiles(ctx context.Context, w localWorkspace, team uuid.UUID, committed bool) {
	if s.shots == nil || len(w.shots) == 0 {
		return
	}
	tenant := team
	if committed {
		tenant = w.from.TenantID
	}
	s.shots.mu.Lock()
	defer s.shots.mu.Unlock()
	done := map[string]bool{}
	for _, sh := range w.shots {
		if done[sh.Hash] {
			continue
		}
		done[sh.Hash] = true
		s.dropUnused(ctx, Actor{TenantID: tenant}, sh.Hash)
	}
}

// copyShotFiles copies an image and its thumbnail from one tenant's directory to
// another's, kept at the instant; a file that is not there is not copied (the upload then
// finds the image gone and keeps the screenshot on the device, as for any screenshot).
// The caller holds f.mu.
func copyShotFiles(f *screenshotFiles, from, to uuid.UUID, hash string, at time.Time) error {
	for _, thumb := range []bool{true, false} {
		b, err := f.read(from, hash, thumb)
		if errors.Is(err, errImageNotHere) {
			continue
		}
		if err != nil {
			return err
		}
		if err := f.writeOne(to, hash, thumb, b); err != nil {
			return err
		}
		if err := os.Chtimes(f.path(to, hash, thumb), at, at); err != nil {
			return fmt.Errorf("stamp a screenshot: %w", err)
		}
	}
	return nil
}
