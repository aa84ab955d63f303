package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
)

// TestScreenshotFiles: a device uploads a screenshot's JPEG by its SHA-256 before pushing
// its row. The server checks the hash and that it is a JPEG, keeps one copy (a second
// upload is no error) and refuses bodies over the image limit; members upload too.
func TestScreenshotFiles(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.seed(t, tn)
	img := image.NewRGBA(image.Rect(0, 0, 800, 500))
	for i := range img.Pix {
		img.Pix[i] = byte(i % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	hash := hex.EncodeToString(sum[:])
	notJPEG := []byte("these bytes are no image at all")
	sumNot := sha256.Sum256(notJPEG)
	put := func(path, who string, body []byte) response {
		t.Helper()
		hr, err := http.NewRequest(http.MethodPut, e.ts.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		hr.Header.Set("Content-Type", "image/jpeg")
		if who != "" {
			hr.Header.Set("Authorization", "Bearer "+tn.token(who))
		}
		return e.roundTrip(t, hr, nil)
	}
	for _, c := range []struct {
		name, path, who string
		body            []byte
		status          int
	}{
		{"anonymous", "/v1/screenshot-files/" + hash, "", buf.Bytes(), http.StatusUnauthorized},
		{"another image's hash", "/v1/screenshot-files/" + strings.Repeat("0", 64), "member", buf.Bytes(), http.StatusUnprocessableEntity},
		{"not a JPEG", "/v1/screenshot-files/" + hex.EncodeToString(sumNot[:]), "member", notJPEG, http.StatusUnprocessableEntity},
		{"an upper-case hash", "/v1/screenshot-files/" + strings.ToUpper(hash), "member", buf.Bytes(), http.StatusUnprocessableEntity},
		{"a member uploads", "/v1/screenshot-files/" + hash, "member", buf.Bytes(), http.StatusNoContent},
		{"again", "/v1/screenshot-files/" + hash, "owner", buf.Bytes(), http.StatusNoContent},
		{"too large", "/v1/screenshot-files/" + hash, "member", make([]byte, 16<<20+1), http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			if res := put(c.path, c.who, c.body); res.status != c.status {
				t.Fatalf("%d, want %d: %s", res.status, c.status, res.body)
			}
		})
	}
	// Bodies above the 1 MiB of other requests pass on this route only.
	big := image.NewRGBA(image.Rect(0, 0, 1600, 1000))
	for i := range big.Pix {
		big.Pix[i] = byte(i*7919%251) ^ byte(i>>9)
	}
	var large bytes.Buffer
	if err := jpeg.Encode(&large, big, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	if large.Len() <= 1<<20 {
		t.Fatalf("the large image is %d bytes, want over 1 MiB", large.Len())
	}
	sumLarge := sha256.Sum256(large.Bytes())
	if res := put("/v1/screenshot-files/"+hex.EncodeToString(sumLarge[:]), "member", large.Bytes()); res.status != http.StatusNoContent {
		t.Fatalf("a %d-byte image: %d: %s", large.Len(), res.status, res.body)
	}
}
