package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The memory goal (issue 8): Stint's resident memory over the event-loop baseline, both
// measured at the same moment, at most memoryGoal. One run can land on either side of it
// (what the kernel keeps resident depends on timing), so it must hold in every run.
const memoryGoal = 20 << 20

// footprint is one process's resident memory after idling, split by where it lives.
type footprint struct {
	rss, anon, file int64
	exe             int64 // the executable's own mappings
	mesa            int64 // libLLVM and the DRI driver
	brk             int64 // [heap]: glibc's main arena (C allocations: GL, X11, fontconfig)
	goHeap          int64 // Go's heap arenas (see goArena)
	otherAnon       int64 // other anonymous mappings: glibc's thread arenas, stacks, Go's metadata
	libs            int64 // other shared libraries
}

func (f footprint) minus(g footprint) footprint {
	return footprint{rss: f.rss - g.rss, anon: f.anon - g.anon, file: f.file - g.file, exe: f.exe - g.exe,
		mesa: f.mesa - g.mesa, brk: f.brk - g.brk, goHeap: f.goHeap - g.goHeap,
		otherAnon: f.otherAnon - g.otherAnon, libs: f.libs - g.libs}
}

// goArena says whether an anonymous mapping at start is one of Go's heap arenas. Go asks
// for them at hinted addresses far below where the kernel places mmaps without a hint
// (glibc's arenas, thread stacks, shared libraries, Go's own metadata: just under
// 0x7f0000000000 on amd64); since Go 1.26 the hint's base is random, so no fixed range.
func goArena(start uint64) bool { return start >= 1<<32 && start < 0x700000000000 }

// readFootprint sorts a process's resident memory by mapping (/proc/PID/smaps).
func readFootprint(pid int) (footprint, error) {
	var fp footprint
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return fp, err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return fp, err
	}
	var kind *int64
	var anonMap bool
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			path := ""
			if len(f) >= 6 {
				path = strings.Join(f[5:], " ")
			}
			lo, _, _ := strings.Cut(f[0], "-")
			start, _ := strconv.ParseUint(lo, 16, 64)
			anonMap = path == "" || strings.HasPrefix(path, "[")
			switch {
			case path == exe:
				kind = &fp.exe
			case strings.Contains(path, "/libLLVM") || strings.Contains(path, "/dri/"):
				kind = &fp.mesa
			case path == "[heap]":
				kind = &fp.brk
			case path == "" && goArena(start):
				kind = &fp.goHeap
			case anonMap:
				kind = &fp.otherAnon
			default:
				kind = &fp.libs
			}
		case len(f) >= 2 && f[0] == "Rss:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			*kind += kb << 10
			fp.rss += kb << 10
		case len(f) >= 2 && f[0] == "Anonymous:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			fp.anon += kb << 10
		}
	}
	fp.file = fp.rss - fp.anon
	return fp, nil
}

// memoryRuns measures, runs times, the resident memory of each Stint binary and of the
// event-loop baseline, all running at once (so each run's figures share a moment of the
// machine), after idle with Stint's timer running and its window focused. It prints each
// run and the median, and reports whether the goal held in every run.
func memoryRuns(stints []app, baseline app, env []string, data string, o options) (bool, error) {
	type sample struct{ stint, base footprint }
	all := make([][]sample, len(stints))
	for run := 1; run <= o.runs; run++ {
		fmt.Printf("memory run %d of %d: %d apps at once, idle %v…\n", run, o.runs, len(stints)+1, o.idle)
		b, _, err := start(baseline, env)
		if err != nil {
			return false, fmt.Errorf("%s: %w", baseline.name, err)
		}
		var procs []*exec.Cmd
		stopAll := func() {
			for _, p := range procs {
				_ = stop(p)
			}
			_ = stop(b)
		}
		for i, a := range stints {
			// Each Stint gets its own copy of the data and its own API port: a second
			// Stint on the same data would bring the first one's window forward and exit.
			dir := filepath.Join(filepath.Dir(data), fmt.Sprintf("data-run%d-%d", run, i))
			if out, err := exec.Command("cp", "-a", data, dir).CombinedOutput(); err != nil {
				stopAll()
				return false, fmt.Errorf("copy data: %v %s", err, out)
			}
			e := append(slices.Clone(env), "STINT_DATA="+dir, "STINT_ADDR=127.0.0.1:"+strconv.Itoa(39736+os.Getpid()%1000+i))
			p, _, err := start(a, e)
			if err != nil {
				stopAll()
				return false, fmt.Errorf("%s: %w", a.name, err)
			}
			procs = append(procs, p)
		}
		// The focus goes to the first Stint (its timer shows seconds), as in measure.
		if wid, err := window(stints[0].title); err == nil {
			_ = focus(wid)
		}
		time.Sleep(o.idle)
		base, err := readFootprint(b.Process.Pid)
		if err != nil {
			stopAll()
			return false, err
		}
		for i, p := range procs {
			fp, err := readFootprint(p.Process.Pid)
			if err != nil {
				stopAll()
				return false, err
			}
			all[i] = append(all[i], sample{fp, base})
		}
		stopAll()
	}

	fmt.Printf("\nMemory over the event-loop baseline, %d runs, %v idle (MB; the baseline's own figures in parentheses)\n\n", o.runs, o.idle)
	fmt.Printf("%-14s %4s %15s %7s %7s %7s %7s %7s %7s %7s %7s\n", "", "run", "RSS", "anon", "exe", "Mesa",
		"libs", "[heap]", "Go heap", "other", "goal")
	ok := true
	for i, a := range stints {
		var over []int64
		for run, s := range all[i] {
			d := s.stint.minus(s.base)
			over = append(over, d.rss)
			met := d.rss <= memoryGoal
			if i == 0 && !met {
				ok = false
			}
			fmt.Printf("%-14s %4d %+6.1f (%5.1f) %+7.1f %+7.1f %+7.1f %+7.1f %+7.1f %+7.1f %+7.1f %7s\n", a.name, run+1,
				mb(d.rss), mb(s.base.rss), mb(d.anon), mb(d.exe), mb(d.mesa), mb(d.libs), mb(d.brk),
				mb(d.goHeap), mb(d.otherAnon), verdict(met))
		}
		slices.Sort(over)
		fmt.Printf("%-14s %4s %+6.1f MB over the baseline; worst %+.1f MB\n", a.name, "med", mb(over[len(over)/2]), mb(over[len(over)-1]))
	}
	fmt.Printf("\nGoal for %s: at most %d MB over the baseline in every run: %s\n", stints[0].name, memoryGoal>>20, verdict(ok))
	fmt.Println("[heap] is glibc's main arena; Go heap is Go's arenas; other is the rest of the anonymous memory")
	fmt.Println("(glibc's thread arenas, thread stacks, the Go runtime's own structures).")
	return ok, nil
}
