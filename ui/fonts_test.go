//go:build !headless

package ui

import (
	"image"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// latinSample is text of the kinds Stint draws: names in languages written in Latin script,
// durations, and the punctuation and symbols the window uses. (Fyne's Noto Sans has no
// arrows, ≤ or ●: those come from a system font with or without the subsets.)
const latinSample = "Stint 0:42:17 — Café Zürich, naïve façade; Łódź, Ștefan, Ørsted, Ærø, Tiếng Việt, " +
	"Azərbaycan, e\u0301 · €12.50 “quoted” ‘x’ … – #tag $ № ™ ½ × ÷ © ® ° µ ß ñ ç œ ǆ"

// beyondLatin is text the subsets leave to Fyne's full fonts: Greek and Cyrillic.
const beyondLatin = "Ωμέγα Привет"

// defaultFontTheme is Stint's theme drawing with Fyne's own fonts, to compare with.
type defaultFontTheme struct{ stintTheme }

func (defaultFontTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

// TestLatinFonts: regular and bold text draws with the Latin subsets, and draws exactly as
// with Fyne's full fonts, both for text the subsets cover and for text they leave to the
// full fonts.
func TestLatinFonts(t *testing.T) {
	th := newTheme(themeLight)
	for _, c := range []struct {
		style fyne.TextStyle
		want  fyne.Resource
	}{
		{fyne.TextStyle{}, latinRegularFont},
		{fyne.TextStyle{Bold: true}, latinBoldFont},
		{fyne.TextStyle{Italic: true}, theme.DefaultTextItalicFont()},
		{fyne.TextStyle{Monospace: true}, theme.DefaultTextMonospaceFont()},
	} {
		if got := th.Font(c.style); got != c.want {
			t.Errorf("font of %+v: %s, want %s", c.style, got.Name(), c.want.Name())
		}
	}

	test.NewTempApp(t)
	// Each theme as an override: Fyne caches fonts per theme scope, so the two never share.
	draw := func(th fyne.Theme, s string, style fyne.TextStyle) image.Image {
		w := test.NewTempWindow(t, container.NewThemeOverride(widget.NewLabelWithStyle(s, fyne.TextAlignLeading, style), th))
		w.Resize(fyne.NewSize(1400, 60))
		return w.Canvas().Capture()
	}
	for _, s := range []string{latinSample, beyondLatin} {
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			got := draw(th, s, style)
			want := draw(defaultFontTheme{th.(stintTheme)}, s, style)
			if ink(got) == 0 || !sameImage(got, want) {
				t.Errorf("%q in %+v: drawn differently with the Latin subset than with Fyne's font", s, style)
			}
		}
	}
}

// fullFontChildEnv marks the copy of the test binary TestFullFontIsLazy starts: fonts are
// parsed once per process, so the check needs a process that has drawn no text yet.
const fullFontChildEnv = "STINT_TEST_FULL_FONT_CHILD"

// TestFullFontIsLazy checks the memory the subsets save (with third_party/fyne/font.patch):
// drawing Latin text in both styles leaves Fyne's full fonts unparsed, and the first text
// beyond the subset parses one, a megabyte and more of heap.
func TestFullFontIsLazy(t *testing.T) {
	if os.Getenv(fullFontChildEnv) != "" {
		checkFullFontIsLazy(t)
		return
	}
	if !patchedFyne() {
		t.Skip("stock Fyne parses its full font behind a theme's font at once; " +
			"run with the patched Fyne (make test) to check that it waits")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFullFontIsLazy$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), fullFontChildEnv+"=1", "XDG_CACHE_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("full font check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestFullFontIsLazy") {
		t.Fatalf("the full font check did not run:\n%s", out)
	}
}

func checkFullFontIsLazy(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme(themeLight)) // the app's theme: one font cache for all the text
	box := container.NewVBox()
	w := test.NewTempWindow(t, box)
	w.Resize(fyne.NewSize(1400, 240))
	show := func(s string) {
		box.Objects = []fyne.CanvasObject{widget.NewLabel(s), widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
		box.Refresh()
		if ink(w.Canvas().Capture()) == 0 {
			t.Fatalf("%q drew nothing", s)
		}
	}
	show(latinSample)
	latin := liveHeap()
	show(beyondLatin)
	grew := liveHeap() - latin
	t.Logf("live heap after Latin text %d KB; text beyond the subsets added %d KB", latin>>10, grew>>10)
	// Each full font parses to well over a megabyte; drawing a few words costs kilobytes.
	if grew < 1<<20 {
		t.Errorf("text beyond the subsets added %d KB of live heap: the full fonts were parsed before they were needed", grew>>10)
	}
}

// liveHeap is the heap the last of two full collections found live.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
