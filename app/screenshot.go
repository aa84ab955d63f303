package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/google/uuid"
)

// Screenshot is one screenshot a running timer took, when its organization takes them
// (ActivitySettings.Screenshots). The row holds what is known about the image; the image
// and its thumbnail are JPEG files under the service's screenshot directory named by the
// image's SHA-256 (app/screenshotfiles.go). It belongs to the entry's user and slot.
type Screenshot struct {
	ID             uuid.UUID
	TenantID       uuid.UUID
	OrganizationID uuid.UUID
	UserID         uuid.UUID
	EntryID        uuid.UUID
	// SlotStart is the start of the activity slot the screenshot was taken in.
	SlotStart time.Time
	TakenAt   time.Time
	// Hash is the SHA-256 of the image file, 64 lower-case hex digits.
	Hash string
	// Width and Height are the image's size in pixels: all monitors, as the screen
	// holds them.
	Width, Height int
	// Bytes is the size of the image file.
	Bytes int64
	// ImagePending marks a screenshot this device took whose image has not reached its
	// team server yet; its row goes up once the image has (app/syncshots.go). It is the
	// device's own bookkeeping and never syncs.
	ImagePending bool
	Meta
}

// ScreenshotView is a screenshot as the API lists it.
type ScreenshotView struct {
	ID        uuid.UUID `json:"id"`
	UserID    uuid.UUID `json:"user_id"`
	EntryID   uuid.UUID `json:"time_entry_id"`
	SlotStart time.Time `json:"slot_start" doc:"Start of the 10-minute activity slot it was taken in (UTC)."`
	TakenAt   time.Time `json:"taken_at"`
	Hash      string    `json:"sha256" doc:"SHA-256 of the image file."`
	Width     int       `json:"width" doc:"Width in pixels (all monitors)."`
	Height    int       `json:"height" doc:"Height in pixels."`
	Bytes     int64     `json:"bytes" doc:"Size of the JPEG image."`
	Version   int64     `json:"version" doc:"Row version, for If-Match on DELETE."`
}

// View returns the screenshot as the API shows it.
func (s Screenshot) View() ScreenshotView {
	return ScreenshotView{ID: s.ID, UserID: s.UserID, EntryID: s.EntryID, SlotStart: s.SlotStart.UTC(), TakenAt: s.TakenAt.UTC(),
		Hash: s.Hash, Width: s.Width, Height: s.Height, Bytes: s.Bytes, Version: s.Version}
}

// ScreenCapturer is an activity source that can also capture the screen: one image of all
// monitors, the way the screen holds them. An activity source that cannot (another
// platform, a session without access to the screen) does not implement it.
type ScreenCapturer interface {
	CaptureScreen() (image.Image, error)
}

// errScreenshotsUnavailable says the activity source cannot capture the screen.
var errScreenshotsUnavailable = fmt.Errorf("%w: screenshots are not available on this platform or session", ErrActivityUnavailable)

// Screenshots stores screenshot rows.
type Screenshots interface {
	Insert(ctx context.Context, s Scope, sh Screenshot) error
	// Get finds a live screenshot of s.OrgID.
	Get(ctx context.Context, s Scope, id uuid.UUID) (Screenshot, error)
	// Update writes a screenshot's bookkeeping (its tombstone) under the version check.
	Update(ctx context.Context, s Scope, sh Screenshot, prev int64) error
	// List returns the live screenshots of s.OrgID taken in [From, To), of one user when
	// UserID is set, ordered by time taken, then id.
	List(ctx context.Context, s Scope, f ScreenshotFilter) ([]Screenshot, error)
	// HashInUse reports whether a live screenshot of s.TenantID (any organization) names
	// the image hash.
	HashInUse(ctx context.Context, s Scope, hash string) (bool, error)
	// PendingImages lists the live screenshots of s.TenantID (any organization) whose
	// image waits for its upload (ImagePending), oldest taken first, at most limit.
	PendingImages(ctx context.Context, s Scope, limit int) ([]Screenshot, error)
	// ImageSent clears a screenshot's ImagePending, touching nothing else of the row.
	ImageSent(ctx context.Context, s Scope, id uuid.UUID) error
	// ImageUnsent sets a screenshot's ImagePending again (the server swept its image
	// before its row came), touching nothing else of the row.
	ImageUnsent(ctx context.Context, s Scope, id uuid.UUID) error

	// Images kept in the store by s.TenantID and hash, where a server without a directory
	// of its own keeps them (app/syncshots.go). PutImage keeps an image and its
	// thumbnail, leaving one already kept as it is but for its upload time, which it
	// moves to at (the sweep's grace starts again); Image reads one (ErrNotFound when
	// none is kept); DeleteImage drops one, and one not kept is no error.
	PutImage(ctx context.Context, s Scope, hash string, image, thumb []byte, at time.Time) error
	Image(ctx context.Context, s Scope, hash string, thumb bool) ([]byte, error)
	HasImage(ctx context.Context, s Scope, hash string) (bool, error)
	DeleteImage(ctx context.Context, s Scope, hash string) error
	// SweepImages drops the images of s.TenantID kept since before (or earlier) that no
	// live screenshot names: uploaded for a row that never came (docs/sync.md,
	// "Screenshots"). It returns how many it dropped.
	SweepImages(ctx context.Context, s Scope, before time.Time) (int64, error)
}

// ScreenshotFilter selects screenshots for Screenshots.List.
type ScreenshotFilter struct {
	From, To time.Time
	UserID   *uuid.UUID
}

// SaveScreenshot stores a screenshot of the actor's running entry taken at takenAt: the
// image and its thumbnail as JPEG files by content hash, and a row. It is refused unless
// the actor's organization takes screenshots, and unless the entry is the actor's and ran
// at takenAt. Like activity slots, screenshots are measurements and are not audited.
func (s *Service) SaveScreenshot(ctx context.Context, a Actor, entryID uuid.UUID, takenAt time.Time, img image.Image) (Screenshot, error) {
	if s.shots == nil {
		return Screenshot{}, errors.New("save a screenshot: no screenshot directory")
	}
	// ImagePending: the row goes to a team server only after its image (app/syncshots.go).
	enc, err := encodeScreenshot(img)
	if err != nil {
		return Screenshot{}, fmt.Errorf("encode the screenshot: %w", err)
	}
	takenAt = takenAt.UTC().Truncate(time.Microsecond)
	s.shots.mu.Lock()
	defer s.shots.mu.Unlock()
	if err := s.shots.write(a.TenantID, enc.hash, enc.image, enc.thumb); err != nil {
		return Screenshot{}, err
	}
	var out Screenshot
	err = s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		o, err := tx.Organizations().Get(ctx, sc, a.OrgID)
		if err != nil {
			return err
		}
		if !o.Activity.Screenshots {
			return fmt.Errorf("the organization takes no screenshots: %w", ErrForbidden)
		}
		e, err := tx.TimeEntries().Get(ctx, sc, entryID)
		if err != nil {
			return err
		}
		if e.UserID != a.UserID {
			return fmt.Errorf("screenshot of another user's entry: %w", ErrNotFound)
		}
		end := now
		if e.StoppedAt != nil {
			end = *e.StoppedAt
		}
		if takenAt.Before(e.StartedAt) || takenAt.After(end) {
			return Invalid("taken_at", "the screenshot lies outside its entry's time")
		}
		loc, err := time.LoadLocation(actorZone(ctx, tx, a))
		if err != nil {
			loc = time.UTC
		}
		out = Screenshot{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID, EntryID: e.ID,
			SlotStart: SlotStart(takenAt, loc), TakenAt: takenAt, Hash: enc.hash, Width: enc.width, Height: enc.height,
			Bytes: int64(len(enc.image)), ImagePending: true, Meta: s.stamp(now)}
		return tx.Screenshots().Insert(ctx, sc, out)
	})
	if err != nil {
		s.dropUnused(ctx, a, enc.hash)
		return Screenshot{}, err
	}
	return out, nil
}

// dropUnused removes an image's files when no live row of the tenant names it. The caller
// holds s.shots.mu.
func (s *Service) dropUnused(ctx context.Context, a Actor, hash string) {
	var used bool
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		used, err = tx.Screenshots().HashInUse(ctx, a.Scope(), hash)
		return err
	})
	if err != nil || used {
		return
	}
	if err := s.shots.remove(a.TenantID, hash); err != nil {
		s.log.Warn("screenshots: remove an unused image", "err", err)
	}
}

// ListScreenshots lists the screenshots taken in a range of days, with the rules of
// Activity: members see their own, managers and above their organization's.
func (s *Service) ListScreenshots(ctx context.Context, a Actor, q ActivityQuery) ([]Screenshot, error) {
	from, to, user, err := s.activityRange(ctx, a, q, "screenshots")
	if err != nil {
		return nil, err
	}
	var out []Screenshot
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Screenshots().List(ctx, a.Scope(), ScreenshotFilter{From: from, To: to, UserID: user})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("screenshots: %w", err)
	}
	if out == nil {
		out = []Screenshot{}
	}
	return out, nil
}

// Screenshot returns one screenshot the actor may see: its own, or anyone's in the
// organization for managers and above. Another member's is not found.
func (s *Service) Screenshot(ctx context.Context, a Actor, id uuid.UUID) (Screenshot, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return Screenshot{}, err
	}
	var out Screenshot
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = visibleScreenshot(ctx, tx, a, id)
		return err
	})
	return out, err
}

func visibleScreenshot(ctx context.Context, tx Tx, a Actor, id uuid.UUID) (Screenshot, error) {
	sh, err := tx.Screenshots().Get(ctx, a.Scope(), id)
	if err != nil {
		return Screenshot{}, err
	}
	if sh.UserID != a.UserID && !a.Role.Can(PermEntriesReadAll) {
		return Screenshot{}, fmt.Errorf("another member's screenshot: %w", ErrNotFound)
	}
	return sh, nil
}

// ScreenshotImage returns the JPEG image of a screenshot the actor may see, or its
// thumbnail, from the files under the service's directory or, without one, the store
// (app/syncshots.go). A row whose image is not here (the screenshot was taken on another
// device: FetchScreenshotImage fetches it) is ErrNotFound.
func (s *Service) ScreenshotImage(ctx context.Context, a Actor, id uuid.UUID, thumb bool) ([]byte, error) {
	sh, err := s.Screenshot(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.readImage(ctx, sh.TenantID, sh.Hash, thumb)
}

// DeleteScreenshot deletes one of the actor's own screenshots: its row becomes a tombstone
// and its image goes once no other screenshot of the tenant names the same image. The entry
// and its tracked time stay as they are. A manager who sees another member's screenshot
// may not delete it. expected, when not 0, must be the row's version. A screenshot whose
// row has gone to the team server takes a change-log row, so the delete reaches the
// server and the other devices; one whose image waits for its upload never went up.
func (s *Service) DeleteScreenshot(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	if s.shots != nil {
		s.shots.mu.Lock()
		defer s.shots.mu.Unlock()
	}
	var hash string
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		sh, err := visibleScreenshot(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if sh.UserID != a.UserID {
			return fmt.Errorf("only its own user deletes a screenshot: %w", ErrForbidden)
		}
		if err := checkVersion(expected, sh.Version); err != nil {
			return err
		}
		prev := s.touch(&sh.Meta, now)
		sh.DeletedAt = &now
		if err := tx.Screenshots().Update(ctx, a.Scope(), sh, prev); err != nil {
			return err
		}
		if !sh.ImagePending {
			if err := s.logShot(ctx, tx, sh); err != nil {
				return err
			}
		}
		hash = sh.Hash
		if s.shots != nil {
			return nil // the files go once the delete has committed, below
		}
		return s.dropImageIfUnused(ctx, tx, a.TenantID, sh.Hash)
	})
	if err == nil && s.shots != nil {
		// Files are no part of the transaction: removed inside it, a delete that then
		// failed to commit (a crash, a full disk) would leave the row live and its image
		// gone, never to be uploaded or shown. A crash between the commit and this leaves
		// a file no row names: disk, not data (a server's sweep removes such files; a
		// device keeps it).
		s.dropUnused(ctx, a, hash)
	}
	return err
}
