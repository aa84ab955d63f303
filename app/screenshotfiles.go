package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Screenshots are JPEG files: a screen is mostly flat colour and text, which JPEG at these
// qualities keeps legible at a tenth of PNG's size for photos and gradients, and at about
// its size for text (README: Activity gives the measured sizes).
const (
	// screenshotQuality is the JPEG quality of a full screenshot.
	screenshotQuality = 60
	// thumbnailWidth is the width of a thumbnail, and thumbnailQuality its JPEG quality.
	thumbnailWidth   = 320
	thumbnailQuality = 70
)

// ScreenshotDirName is the directory under the data directory that holds screenshot
// images. Its name starts with "stint", so a data directory holding it is still one of
// Stint's own (store/sqlite's ownsDir keeps such a directory private, mode 0700).
const ScreenshotDirName = "stint-screenshots"

// screenshotFiles keeps screenshot images under dir: <tenant>/<hash[:2]>/<hash>.jpg and
// <hash>.thumb.jpg beside it. Files are named by content, so two screenshots of the same
// image share them; mu orders writing a file and inserting its row against deleting the
// last row and removing the file.
type screenshotFiles struct {
	dir string
	mu  sync.Mutex
}

func (f *screenshotFiles) path(tenant uuid.UUID, hash string, thumb bool) string {
	name := hash + ".jpg"
	if thumb {
		name = hash + ".thumb.jpg"
	}
	return filepath.Join(f.dir, tenant.String(), hash[:2], name)
}

// write stores an image and its thumbnail; files already there stay. The thumbnail goes
// first, so a kept image (has) always has its thumbnail.
func (f *screenshotFiles) write(tenant uuid.UUID, hash string, img, thumb []byte) error {
	if err := f.writeOne(tenant, hash, true, thumb); err != nil {
		return err
	}
	return f.writeOne(tenant, hash, false, img)
}

// writeOne stores an image, or its thumbnail, alone (one fetched from the team server);
// a file already there stays.
func (f *screenshotFiles) writeOne(tenant uuid.UUID, hash string, thumb bool, data []byte) error {
	p := f.path(tenant, hash, thumb)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("screenshot directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write a screenshot: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write a screenshot: %w", err)
	}
	return nil
}

func (f *screenshotFiles) read(tenant uuid.UUID, hash string, thumb bool) ([]byte, error) {
	b, err := os.ReadFile(f.path(tenant, hash, thumb))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errImageNotHere
	}
	if err != nil {
		return nil, fmt.Errorf("read a screenshot: %w", err)
	}
	return b, nil
}

// has reports whether the image itself is kept (a device that fetched only a thumbnail
// does not have it).
func (f *screenshotFiles) has(tenant uuid.UUID, hash string) (bool, error) {
	_, err := os.Stat(f.path(tenant, hash, false))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// stamp sets the time an image and its thumbnail were kept (their modification time),
// which the sweep of images no row names goes by (app/syncshots.go, sweepImages).
func (f *screenshotFiles) stamp(tenant uuid.UUID, hash string, at time.Time) error {
	for _, thumb := range []bool{false, true} {
		if err := os.Chtimes(f.path(tenant, hash, thumb), at, at); err != nil {
			return fmt.Errorf("stamp a screenshot: %w", err)
		}
	}
	return nil
}

// keptBefore lists the hashes of the tenant's images whose files (image and thumbnail)
// were all kept before the instant; a tenant without a directory has none.
func (f *screenshotFiles) keptBefore(tenant uuid.UUID, before time.Time) ([]string, error) {
	root := filepath.Join(f.dir, tenant.String())
	dirs, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list screenshots: %w", err)
	}
	young := map[string]bool{} // hash: a file of it is young
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(root, d.Name()))
		if err != nil {
			return nil, fmt.Errorf("list screenshots: %w", err)
		}
		for _, file := range files {
			hash, ok := strings.CutSuffix(file.Name(), ".thumb.jpg")
			if !ok {
				hash, ok = strings.CutSuffix(file.Name(), ".jpg")
			}
			if !ok || !validHash(hash) || !strings.HasPrefix(hash, d.Name()) {
				continue // a temporary file, or none of ours
			}
			info, err := file.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("list screenshots: %w", err)
			}
			young[hash] = young[hash] || !info.ModTime().Before(before)
		}
	}
	var out []string
	for h, y := range young {
		if !y {
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out, nil
}

// remove deletes an image and its thumbnail; files already gone are no error.
func (f *screenshotFiles) remove(tenant uuid.UUID, hash string) error {
	var errs []error
	for _, thumb := range []bool{false, true} {
		if err := os.Remove(f.path(tenant, hash, thumb)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	// The hash's directory goes when it is empty; a directory that still holds files
	// fails to go, which is what is wanted.
	_ = os.Remove(filepath.Dir(f.path(tenant, hash, false)))
	return errors.Join(errs...)
}

// encodedScreenshot is a screenshot ready to store.
type encodedScreenshot struct {
	image, thumb  []byte
	hash          string
	width, height int
}

// encodeScreenshot encodes img as JPEG with a thumbnail thumbnailWidth wide.
func encodeScreenshot(img image.Image) (encodedScreenshot, error) {
	b := img.Bounds()
	if b.Empty() {
		return encodedScreenshot{}, errors.New("an empty image")
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	}
	var full bytes.Buffer
	if err := jpeg.Encode(&full, rgba, &jpeg.Options{Quality: screenshotQuality}); err != nil {
		return encodedScreenshot{}, err
	}
	var thumb bytes.Buffer
	if err := jpeg.Encode(&thumb, shrink(rgba, thumbnailWidth), &jpeg.Options{Quality: thumbnailQuality}); err != nil {
		return encodedScreenshot{}, err
	}
	sum := sha256.Sum256(full.Bytes())
	return encodedScreenshot{image: full.Bytes(), thumb: thumb.Bytes(), hash: hex.EncodeToString(sum[:]),
		width: b.Dx(), height: b.Dy()}, nil
}

// shrink scales src down to width w (never up), averaging the source pixels each target
// pixel covers, so text becomes grey texture rather than noise.
func shrink(src *image.RGBA, w int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	if sw <= w {
		return src
	}
	h := max(1, sh*w/sw)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		for x := range w {
			x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
			var r, g, b, n uint32
			for yy := y0; yy < y1; yy++ {
				at := src.PixOffset(sb.Min.X+x0, sb.Min.Y+yy)
				row := src.Pix[at : at+(x1-x0)*4]
				for i := 0; i < len(row); i += 4 {
					r += uint32(row[i])
					g += uint32(row[i+1])
					b += uint32(row[i+2])
					n++
				}
			}
			o := y*dst.Stride + x*4
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = uint8(r/n), uint8(g/n), uint8(b/n), 255
		}
	}
	return dst
}
