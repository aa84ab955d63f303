//go:build linux && !headless

package ui

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// madvPageout is MADV_PAGEOUT (Linux 5.4): reclaim these pages now. For the executable's
// read-only mappings that means dropping clean pages that can be read back from the file.
const madvPageout = 21

// releaseCode asks the kernel to reclaim the resident pages of the executable's code and
// read-only data (see trimmer.release). Start-up runs code that an idle window never runs
// again (every package's initialisation, the store's migrations, the first screen's
// build), and the kernel maps the binary in large folios, so nearly all of it stays
// resident; what the app runs later comes back on first use. Pages another process maps
// too (a stint command running now) are left alone by the kernel. It returns how many
// bytes of mappings it advised; errors (an older kernel) change nothing.
//
// Paging out is not enough for the read-only data (pclntab, type data, strings, embedded
// fonts): the pages stay in the page cache, and each later touch (the collector and stack
// unwinding read pclntab all the time) maps back the whole large folio or 64 KB around it,
// 7 MB within seconds. So the read-only data's mapping is also marked MADV_RANDOM (a
// fault reads the page it needs, no more) and its cached pages are dropped
// (POSIX_FADV_DONTNEED; only pages nobody maps, and only clean ones). The code itself
// keeps its readahead and its page cache: a screen opened later for the first time reads
// its code in large pieces, not page by page.
func releaseCode() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, err
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	var advised int64
	var ranges [][2]int64 // file offset and length of each mapping advised
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// start-end perms offset dev inode path
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || string(bytes.Join(f[5:], []byte(" "))) != exe || bytes.IndexByte(f[1], 'w') >= 0 {
			continue
		}
		lo, hi, ok := bytes.Cut(f[0], []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), madvPageout); errno != 0 {
			return advised, fmt.Errorf("madvise %s: %w", f[0], errno)
		}
		advised += int64(end - start)
		if bytes.IndexByte(f[1], 'x') >= 0 {
			continue // code keeps its readahead and page cache (above)
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_RANDOM); errno != 0 {
			return advised, fmt.Errorf("madvise %s: %w", f[0], errno)
		}
		off, err := strconv.ParseUint(string(f[2]), 16, 64)
		if err != nil {
			continue
		}
		ranges = append(ranges, [2]int64{int64(off), int64(end - start)})
	}
	if err := sc.Err(); err != nil {
		return advised, err
	}
	file, err := os.Open(exe)
	if err != nil {
		return advised, err
	}
	defer file.Close()
	for _, r := range ranges {
		if err := unix.Fadvise(int(file.Fd()), r[0], r[1], unix.FADV_DONTNEED); err != nil {
			return advised, fmt.Errorf("fadvise: %w", err)
		}
	}
	return advised, nil
}

// releaseCodeChecked is releaseCode with the executable's resident size before and after.
func releaseCodeChecked() (before, advised, after int64, err error) {
	if before, err = exeResident(); err != nil {
		return 0, 0, 0, err
	}
	if advised, err = releaseCode(); err != nil {
		return before, advised, before, err
	}
	after, err = exeResident()
	return before, advised, after, err
}

// exeResident is the resident size of this process's read-only executable mappings, the
// ones releaseCode advises.
func exeResident() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, err
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, err
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
	return total, sc.Err()
}
