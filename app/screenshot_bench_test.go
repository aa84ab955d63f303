package app

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// benchDesk is a desk of two 1280×800 monitors showing real application windows: Stint's
// own screens from docs/ (text, tables, charts), which compress like everyday work.
func benchDesk(b *testing.B) *image.RGBA {
	b.Helper()
	desk := image.NewRGBA(image.Rect(0, 0, 2560, 800))
	draw.Draw(desk, desk.Bounds(), image.White, image.Point{}, draw.Src)
	for _, p := range []struct {
		file string
		at   image.Point
	}{
		{"screenshot-timer.png", image.Pt(0, 0)},
		{"screenshot-activity.png", image.Pt(900, 100)},
		{"screenshot-reports.png", image.Pt(1280, 0)},
		{"report-pdf.png", image.Pt(1964, 0)},
	} {
		f, err := os.Open(filepath.Join("..", "docs", p.file))
		if err != nil {
			b.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		draw.Draw(desk, img.Bounds().Add(p.at), img, img.Bounds().Min, draw.Src)
	}
	return desk
}

// BenchmarkScreenshotEncode is the CPU and the bytes of one screenshot of a two-monitor
// desk (2560×800): jpeg is what the timer stores (JPEG image, thumbnail and SHA-256);
// png is the same desk as PNG, the baseline the format was chosen against.
func BenchmarkScreenshotEncode(b *testing.B) {
	desk := benchDesk(b)
	b.Run("jpeg", func(b *testing.B) {
		var enc encodedScreenshot
		for b.Loop() {
			var err error
			if enc, err = encodeScreenshot(desk); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(enc.image)), "image_bytes")
		b.ReportMetric(float64(len(enc.thumb)), "thumb_bytes")
	})
	b.Run("png", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := png.Encode(&buf, desk); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "image_bytes")
	})
}
