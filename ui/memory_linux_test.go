//go:build linux && !headless

package ui

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestReleaseDropsReadOnlyData: after a release, the executable's read-only data is mostly
// out of the page cache too, so later touches cannot map it back wholesale; the code's
// pages stay cached.
func TestReleaseDropsReadOnlyData(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The test binary was just linked: its pages are dirty, and dirty pages cannot be
	// dropped. An installed binary's are clean.
	if err := unix.Fsync(int(f.Fd())); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := releaseCodeChecked(); err != nil {
		t.Skipf("no release here: %v", err)
	}
	ro, code := cachedShare(t, f, exeMappings(t, exe, false)), cachedShare(t, f, exeMappings(t, exe, true))
	t.Logf("cached after the release: %.0f%% of the read-only data, %.0f%% of the code", ro*100, code*100)
	if ro > 0.5 {
		t.Errorf("%.0f%% of the read-only data still cached after the release, want at most half", ro*100)
	}
	// And a fault in the read-only data reads only what it needs (MADV_RANDOM: "rr").
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	data, random := false, 0
	for _, line := range strings.Split(string(smaps), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			data = len(f) >= 6 && strings.Join(f[5:], " ") == exe && f[1] == "r--p"
		case data && len(f) > 0 && f[0] == "VmFlags:":
			if !slices.Contains(f[1:], "rr") {
				t.Errorf("the read-only data's mapping is not marked random-access: %s", line)
			}
			random++
		}
	}
	if random == 0 {
		t.Error("no read-only data mapping of the executable in smaps")
	}
}

// exeMappings returns the file ranges (offset, length) of the executable's read-only
// mappings: its code (code true) or its data.
func exeMappings(t *testing.T, exe string, code bool) [][2]int64 {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]int64
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || strings.Join(f[5:], " ") != exe || strings.Contains(f[1], "w") || strings.Contains(f[1], "x") != code {
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		start, _ := strconv.ParseUint(lo, 16, 64)
		end, _ := strconv.ParseUint(hi, 16, 64)
		off, _ := strconv.ParseUint(f[2], 16, 64)
		out = append(out, [2]int64{int64(off), int64(end - start)})
	}
	if len(out) == 0 {
		t.Fatalf("no read-only mappings of %s (code: %v)", exe, code)
	}
	return out
}

// cachedShare is the share of the file ranges in the page cache (mincore on a fresh
// mapping, which touches nothing).
func cachedShare(t *testing.T, f *os.File, ranges [][2]int64) float64 {
	t.Helper()
	var cached, total int
	for _, r := range ranges {
		m, err := unix.Mmap(int(f.Fd()), r[0], int(r[1]), unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			t.Fatal(err)
		}
		vec := make([]byte, (len(m)+os.Getpagesize()-1)/os.Getpagesize())
		if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)),
			uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
			t.Fatal(errno)
		}
		for _, v := range vec {
			if v&1 != 0 {
				cached++
			}
		}
		total += len(vec)
		_ = unix.Munmap(m)
	}
	return float64(cached) / float64(total)
}
