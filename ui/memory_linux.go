//go:build linux && !headless

package ui

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// madvPageout is MADV_PAGEOUT (Linux 5.4): reclaim these pages now. For the executable's
// read-only mappings that means dropping clean pages that can be read back from the file.
const madvPageout = 21

// releaseCode asks the kernel to reclaim the resident pages of the executable's code and
// read-only data (see trimmer.release). Start-up runs code that an idle window never runs
// again (every package's initialisation, the store's migrations, the first screen's
// build), and the kernel maps the binary in large folios, so nearly all of it stays
// resident; what the app runs later comes back on first use, from the page cache or the
// file. Pages another process maps too (a stint command running now) are left alone by
// the kernel. It returns how many bytes of mappings it advised; errors (an older kernel)
// change nothing.
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
	}
	return advised, sc.Err()
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
