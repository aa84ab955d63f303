//go:build ignore

// Tray draws Stint's 64x64 tray icons: assets/tray-running.png (the blue app stopwatch with a
// red recording dot) and assets/tray-stopped.png (the same stopwatch in grey). Run it from
// the repository root with: go run assets/gen/tray.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 64
	ss   = 4 // samples per pixel side, for anti-aliasing
)

type shape struct {
	in  func(x, y float64) bool
	col color.NRGBA
}

func disk(cx, cy, r float64) func(x, y float64) bool {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

func roundedRect(x0, y0, x1, y1, r float64) func(x, y float64) bool {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		dx := math.Max(0, math.Max(x0+r-x, x-(x1-r)))
		dy := math.Max(0, math.Max(y0+r-y, y-(y1-r)))
		return dx*dx+dy*dy <= r*r
	}
}

func capsule(ax, ay, bx, by, half float64) func(x, y float64) bool {
	return func(x, y float64) bool {
		vx, vy := bx-ax, by-ay
		t := ((x-ax)*vx + (y-ay)*vy) / (vx*vx + vy*vy)
		t = math.Max(0, math.Min(1, t))
		dx, dy := x-(ax+t*vx), y-(ay+t*vy)
		return dx*dx+dy*dy <= half*half
	}
}

func polar(cx, cy, deg, r float64) (float64, float64) {
	a := deg * math.Pi / 180
	return cx + r*math.Sin(a), cy - r*math.Cos(a)
}

func icon(bg color.NRGBA, running bool) *image.NRGBA {
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	red := color.NRGBA{0xe5, 0x48, 0x4d, 0xff}
	const cx, cy = 32.0, 35.5
	shapes := []shape{
		{roundedRect(2, 2, 62, 62, 13), bg},
		{roundedRect(27.5, 7, 36.5, 12.5, 2), white}, // crown
		{roundedRect(30, 11, 34, 16, 1), white},      // stem
		{disk(cx, cy, 21), white},                    // case
		{disk(cx, cy, 16.5), bg},                     // dial
	}
	mx, my := polar(cx, cy, 0, 11)
	hx, hy := polar(cx, cy, 90, 8)
	if running {
		hx, hy = polar(cx, cy, 60, 11)
	}
	shapes = append(shapes,
		shape{capsule(cx, cy, mx, my, 2.4), white},
		shape{capsule(cx, cy, hx, hy, 2.4), white},
		shape{disk(cx, cy, 3.2), white},
	)
	if running {
		shapes = append(shapes, shape{disk(51, 51, 11), white}, shape{disk(51, 51, 8), red})
	}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := float64(px) + (float64(sx)+0.5)/ss
					y := float64(py) + (float64(sy)+0.5)/ss
					for i := len(shapes) - 1; i >= 0; i-- {
						if shapes[i].in(x, y) {
							c := shapes[i].col
							r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+1
							break
						}
					}
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(255 * a / (ss * ss))})
		}
	}
	return img
}

func save(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	save("assets/tray-running.png", icon(color.NRGBA{0x4f, 0x7c, 0xff, 0xff}, true))
	save("assets/tray-stopped.png", icon(color.NRGBA{0x8a, 0x91, 0x9e, 0xff}, false))
}
