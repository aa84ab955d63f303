//go:build ignore

// Icon draws assets/icon.png, Stint's 256x256 app icon: a stopwatch on a rounded blue square.
// Run it from the repository root with: go run assets/gen/icon.go
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
	size = 256
	ss   = 4 // samples per pixel side, for anti-aliasing
)

// shape is a filled region with its colour; later shapes paint over earlier ones.
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

// capsule is a thick line from (ax, ay) to (bx, by) with round ends.
func capsule(ax, ay, bx, by, half float64) func(x, y float64) bool {
	return func(x, y float64) bool {
		vx, vy := bx-ax, by-ay
		t := ((x-ax)*vx + (y-ay)*vy) / (vx*vx + vy*vy)
		t = math.Max(0, math.Min(1, t))
		dx, dy := x-(ax+t*vx), y-(ay+t*vy)
		return dx*dx+dy*dy <= half*half
	}
}

// polar is the point at angle deg (0 = 12 o'clock, clockwise) and distance r from (cx, cy).
func polar(cx, cy, deg, r float64) (float64, float64) {
	a := deg * math.Pi / 180
	return cx + r*math.Sin(a), cy - r*math.Cos(a)
}

func main() {
	blue := color.NRGBA{0x4f, 0x7c, 0xff, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	face := color.NRGBA{0xf3, 0xf6, 0xff, 0xff}
	ink := color.NRGBA{0x1f, 0x2a, 0x56, 0xff}
	red := color.NRGBA{0xe5, 0x48, 0x4d, 0xff}
	const cx, cy = 128.0, 142.0

	shapes := []shape{
		{roundedRect(8, 8, 248, 248, 52), blue},
		{roundedRect(114, 30, 142, 50, 6), white}, // crown
		{roundedRect(121, 46, 135, 66, 3), white}, // stem
	}
	bx, by := polar(cx, cy, 45, 86)
	shapes = append(shapes,
		shape{capsule(cx, cy, bx, by, 9), white}, // side button
		shape{disk(cx, cy, 82), white},           // case
		shape{disk(cx, cy, 68), face},            // dial
	)
	for deg := 0.0; deg < 360; deg += 30 {
		inner := 56.0
		if int(deg)%90 == 0 {
			inner = 50
		}
		x0, y0 := polar(cx, cy, deg, inner)
		x1, y1 := polar(cx, cy, deg, 62)
		shapes = append(shapes, shape{capsule(x0, y0, x1, y1, 3), ink})
	}
	mx, my := polar(cx, cy, 0, 40)
	sx, sy := polar(cx, cy, 75, 52)
	shapes = append(shapes,
		shape{capsule(cx, cy, mx, my, 6), ink}, // minute hand at 12
		shape{capsule(cx, cy, sx, sy, 3), red}, // seconds hand
		shape{disk(cx, cy, 9), ink},
		shape{disk(cx, cy, 4), red},
	)

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
	f, err := os.Create("assets/icon.png")
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
