//go:build !headless

package ui

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
)

// TestTrimmer: freed memory goes back once the app has settled after start, and after the
// window went to the background, at most once a minute however often the focus changes.
func TestTrimmer(t *testing.T) {
	for _, c := range []struct {
		name     string
		requests []int // ticks at which the window goes to the background
		ticks    int
		want     []int // ticks that trim
	}{
		{name: "start only", ticks: 120, want: []int{settleAfter}},
		{name: "background later", requests: []int{100}, ticks: 200, want: []int{settleAfter, 101}},
		{name: "background before settling", requests: []int{2}, ticks: 30, want: []int{3}},
		{name: "soon after start", requests: []int{20}, ticks: 200, want: []int{settleAfter, settleAfter + trimEvery}},
		{name: "focus flapping", requests: []int{100, 110, 120, 170}, ticks: 300, want: []int{settleAfter, 101, 161, 221}},
		{name: "a minute apart", requests: []int{100, 200}, ticks: 300, want: []int{settleAfter, 101, 201}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []int
			n, settled := 0, 0
			var released []int
			tr := &trimmer{free: func() { got = append(got, n) }, settle: func() { settled++ },
				release: func() { released = append(released, n) }}
			for n = 1; n <= c.ticks; n++ {
				tr.tick(n)
				if slices.Contains(c.requests, n) {
					tr.request()
				}
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("trimmed at %v, want %v", got, c.want)
			}
			if settled != 1 {
				t.Fatalf("settled %d times, want once", settled)
			}
			if !slices.Equal(released, []int{settleAfter}) {
				t.Fatalf("released code at %v, want once at %d", released, settleAfter)
			}
		})
	}
}

// TestReleaseCode: the executable's code and read-only data leave the resident set (here
// the test binary's), and what runs afterwards comes back.
func TestReleaseCode(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("releases code on Linux only")
	}
	before := exeResident(t)
	advised, err := releaseCode()
	if errors.Is(err, syscall.EINVAL) {
		t.Skipf("this kernel has no MADV_PAGEOUT (Linux 5.4): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	after := exeResident(t)
	t.Logf("executable resident: %d kB before, %d kB after (%d kB advised)", before>>10, after>>10, advised>>10)
	// The kernel keeps what the test runs next and, here, the huge pages it maps the
	// binary with while in use: a third went in trials, a tenth is asked.
	if advised < before || after > before-before/10 {
		t.Fatalf("executable resident %d kB before, %d kB after, %d kB advised: want a tenth less at least",
			before>>10, after>>10, advised>>10)
	}
}

// exeResident is the resident size of this process's read-only executable mappings.
func exeResident(t *testing.T) int64 {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	in := false
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		switch {
		case len(f) >= 5 && bytes.Contains(f[0], []byte("-")) && !bytes.HasSuffix(f[0], []byte(":")):
			in = len(f) >= 6 && string(bytes.Join(f[5:], []byte(" "))) == exe && bytes.IndexByte(f[1], 'w') < 0
		case in && len(f) >= 2 && string(f[0]) == "Rss:":
			kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
			total += kb << 10
		}
	}
	return total
}
