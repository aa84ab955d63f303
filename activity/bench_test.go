//go:build linux

package activity

import "testing"

// BenchmarkX11Sample is one sample of the X11 source (idle time, counts, active window)
// against a private Xvfb: the sampler's cost per second, since the tracker takes one a
// second. core_%_at_1Hz is that cost as a share of one core.
func BenchmarkX11Sample(b *testing.B) {
	x := startX(b)
	openWindow(b, x, "StintProbe", "probe")
	src, err := open(x.env, true)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := src.Sample(false); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/1e9*100, "core_%_at_1Hz")
}

// BenchmarkX11Screenshot is one capture of a 2560×800 screen split into two RandR
// monitors, against a sample (the sampler's cost per second) in the same run: the
// tracker captures at most once a minute, so core_%_at_1/min is a capture's cost as a
// share of one core at the shortest interval. Encoding it is app's
// BenchmarkScreenshotEncode.
func BenchmarkX11Screenshot(b *testing.B) {
	x := startXScreen(b, "2560x800x24")
	twoMonitors(b, x)
	openWindow(b, x, "StintProbe", "probe")
	src, err := open(x.env, true)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	b.Run("sample", func(b *testing.B) {
		for b.Loop() {
			if _, err := src.Sample(false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("capture", func(b *testing.B) {
		for b.Loop() {
			if _, err := src.(*x11).CaptureScreen(); err != nil {
				b.Fatal(err)
			}
		}
		perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(perOp/60e9*100, "core_%_at_1/min")
	})
}
