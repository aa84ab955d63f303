//go:build !headless

package ui

import (
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fallbackChildEnv marks the copy of the test binary that TestFallbackFontIsLazy starts:
// Fyne loads the system font index once per process, so the check needs a process whose
// fonts nothing else has touched.
const fallbackChildEnv = "STINT_TEST_FALLBACK_FONT_CHILD"

// japanese is text the fonts Fyne embeds do not cover, so it can only render through a
// system fallback font.
const japanese = "日本語"

// TestFallbackFontIsLazy checks third_party/fyne/font.patch: Latin text does not make Fyne
// load the system fallback fonts, and text only a system font covers still renders
// through them.
func TestFallbackFontIsLazy(t *testing.T) {
	if os.Getenv(fallbackChildEnv) != "" {
		checkFallbackFontIsLazy(t)
		return
	}
	if !patchedFyne() {
		t.Skip("stock Fyne parses the fallback font for every text style at start-up; " +
			"run with the patched Fyne (make test) to check the lazy fallback")
	}
	out, err := exec.Command("fc-list", ":charset=65e5", "file").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		msg := "no system font covers " + japanese + " (fc-list: " + errString(err) + "); Debian: apt-get install fonts-droid-fallback"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	cacheDir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFallbackFontIsLazy$", "-test.count=1", "-test.v")
	// fontscan keeps its index of the system fonts in the user's cache directory, written
	// when Fyne first needs a system font: a fresh directory shows whether that happened.
	cmd.Env = append(os.Environ(), fallbackChildEnv+"=1", "XDG_CACHE_HOME="+cacheDir)
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fallback font check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestFallbackFontIsLazy") {
		t.Fatalf("the fallback font check did not run:\n%s", out)
	}
}

func checkFallbackFontIsLazy(t *testing.T) {
	test.NewTempApp(t)

	styles := []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}, {Monospace: true}}
	latin := container.NewVBox()
	for _, s := range styles {
		latin.Add(widget.NewLabelWithStyle("Stint 0:42:17 — Café Zürich, naïve façade", fyne.TextAlignLeading, s))
	}
	w := test.NewTempWindow(t, latin)
	w.Resize(fyne.NewSize(600, 400))
	if ink(w.Canvas().Capture()) == 0 {
		t.Fatal("the Latin labels drew nothing")
	}
	if index := fontIndexFiles(t); len(index) != 0 {
		t.Fatalf("drawing Latin text in %d styles loaded the system fonts (%v); want them untouched", len(styles), index)
	}

	// U+10FFFD is a private-use code point no font covers: it draws as the replacement
	// character, which is what Japanese would draw as without the fallback.
	missing := capture(t, strings.Repeat("\U0010FFFD", 3))
	got := capture(t, japanese)
	if len(fontIndexFiles(t)) == 0 {
		t.Error("drawing " + japanese + " did not consult the system fonts")
	}
	if ink(got) == 0 {
		t.Fatal(japanese + " drew nothing")
	}
	if sameImage(got, missing) {
		t.Error(japanese + " drew as missing glyphs, not through a system fallback font")
	}
}

// capture draws s in a label on its own window and returns the window's pixels.
func capture(t *testing.T, s string) image.Image {
	t.Helper()
	w := test.NewTempWindow(t, widget.NewLabel(s))
	w.Resize(fyne.NewSize(200, 60))
	return w.Canvas().Capture()
}

func fontIndexFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "font_index_v*.cache"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// ink counts the pixels that differ from the top-left one (the background).
func ink(img image.Image) int {
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	br, bgG, bb, ba := bg.RGBA()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if r != br || g != bgG || bl != bb || a != ba {
				n++
			}
		}
	}
	return n
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// patchedFyne reports whether the test binary was built against the patched Fyne copy
// (third_party/fyne/apply) rather than the module cache's: test binaries carry no module
// list in their build info, but the source path of a Fyne function tells.
func patchedFyne() bool {
	file, _ := runtime.FuncForPC(reflect.ValueOf(test.NewTempApp).Pointer()).FileLine(0)
	return !strings.Contains(file, "fyne.io/fyne/v2@")
}

func errString(err error) string {
	if err == nil {
		return "no match"
	}
	return err.Error()
}
