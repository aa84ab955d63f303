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

// memoryRuns measures, runs times, the resident memory of each Stint binary next to the
// event-loop baseline started with it (so each pair of figures shares a moment of the
// machine), after idle with Stint's timer running and its window focused: the timer shows
// seconds. Within a run the binaries take turns, in an order that rotates from run to run.
// It prints each run and the median, and reports whether the goal held in every run.
func memoryRuns(stints []app, baseline app, env []string, data string, o options) (bool, error) {
	all := make([][]sample, len(stints))
	for run := 1; run <= o.runs; run++ {
		for k := range stints {
			i := (k + run - 1) % len(stints)
			fmt.Printf("memory run %d of %d: %s beside the baseline, idle %v…\n", run, o.runs, stints[i].name, o.idle)
			s, err := memoryPair(stints[i], baseline, env, filepath.Join(filepath.Dir(data), fmt.Sprintf("data-run%d-%d", run, i)), data, o)
			if err != nil {
				return false, err
			}
			all[i] = append(all[i], s)
		}
	}

	fmt.Printf("\nMemory over the event-loop baseline, %d runs, %v idle (MB; the baseline's own figures in parentheses)\n\n", o.runs, o.idle)
	fmt.Printf("%-14s %4s %15s %7s %7s %7s %7s %7s %7s %7s %7s %6s\n", "", "run", "RSS", "anon", "exe", "Mesa",
		"libs", "[heap]", "Go heap", "other", "goal", "CPU")
	ok := true
	for i, a := range stints {
		var over []int64
		var cpus []float64
		for run, s := range all[i] {
			d := s.stint.minus(s.base)
			over, cpus = append(over, d.rss), append(cpus, s.cpu)
			met := d.rss <= memoryGoal
			if i == 0 && !met {
				ok = false
			}
			fmt.Printf("%-14s %4d %+6.1f (%5.1f) %+7.1f %+7.1f %+7.1f %+7.1f %+7.1f %+7.1f %+7.1f %7s %5.2f%%\n", a.name, run+1,
				mb(d.rss), mb(s.base.rss), mb(d.anon), mb(d.exe), mb(d.mesa), mb(d.libs), mb(d.brk),
				mb(d.goHeap), mb(d.otherAnon), verdict(met), s.cpu)
		}
		slices.Sort(over)
		slices.Sort(cpus)
		fmt.Printf("%-14s %4s %+6.1f MB over the baseline; worst %+.1f MB; CPU %.2f%%\n", a.name, "med",
			mb(over[len(over)/2]), mb(over[len(over)-1]), cpus[len(cpus)/2])
	}
	fmt.Printf("\nGoal for %s: at most %d MB over the baseline in every run: %s\n", stints[0].name, memoryGoal>>20, verdict(ok))
	fmt.Println("[heap] is glibc's main arena; Go heap is Go's arenas; other is the rest of the anonymous memory")
	fmt.Println("(glibc's thread arenas, thread stacks, the Go runtime's own structures). CPU is Stint's, over the")
	fmt.Println("second half of the idle time with its timer showing seconds, as a share of one core.")
	return ok, nil
}

// sample is one run's figures for one Stint binary.
type sample struct {
	stint, base footprint
	cpu         float64 // Stint's CPU over the second half of the idle time, % of a core
}

// memoryPair runs one Stint (on its own copy of data in dir) and the baseline at once and
// reads both after the idle time.
func memoryPair(a, baseline app, env []string, dir, data string, o options) (sample, error) {
	var s sample
	// Its own copy of the data, so no run sees another's writes.
	if out, err := exec.Command("cp", "-a", data, dir).CombinedOutput(); err != nil {
		return s, fmt.Errorf("copy data: %v %s", err, out)
	}
	b, _, err := start(baseline, env)
	if err != nil {
		return s, fmt.Errorf("%s: %w", baseline.name, err)
	}
	defer stop(b)
	p, _, err := start(a, append(slices.Clone(env), "STINT_DATA="+dir))
	if err != nil {
		return s, fmt.Errorf("%s: %w", a.name, err)
	}
	defer stop(p)
	wid, err := window(a.title)
	if err != nil {
		return s, err
	}
	if err := focus(wid); err != nil {
		return s, err
	}
	time.Sleep(o.idle / 2)
	t0, err := cpuTicks(p.Process.Pid)
	if err != nil {
		return s, err
	}
	w0 := time.Now()
	time.Sleep(o.idle - o.idle/2)
	if s.base, err = readFootprint(b.Process.Pid); err != nil {
		return s, err
	}
	if s.stint, err = readFootprint(p.Process.Pid); err != nil {
		return s, err
	}
	t1, err := cpuTicks(p.Process.Pid)
	if err != nil {
		return s, err
	}
	const clkTck = 100 // USER_HZ on Linux
	s.cpu = float64(t1-t0) / clkTck / time.Since(w0).Seconds() * 100
	return s, nil
}
