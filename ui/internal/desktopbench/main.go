// Command desktopbench measures the desktop app as a user runs it: the real binary under
// Xvfb, on a data directory with a week of entries and a running timer. It reports
//
//   - time from process start to the first frame with content (median and worst of -starts),
//   - resident memory after -idle with the timer running, and the part of it in the
//     executable's own mappings (what a smaller binary saves),
//   - the time from a key press to the frame that shows it (with Stint built against stock
//     Fyne as well, since the event-driven loop must not make input slower),
//   - CPU used over -cpu with the timer running, as a share of one core, twice: with the
//     window focused (the timer shows seconds) and with the focus elsewhere, as while the
//     user works in another app (the timer shows minutes),
//
// and the same figures for fynebaseline, a bare Fyne window of the same size, built twice:
// against Fyne with the event-driven main loop Stint ships (-modfile, see third_party/fyne)
// and against stock Fyne, so the toolkit's and the graphics stack's own cost on this machine
// is visible next to Stint's. Goals (DESIGN.md): first frame < 1 s, RSS < 80 MB, CPU < 0.5%.
//
// Usage: go run ./ui/internal/desktopbench [-bin bin/stint] [-modfile bin/fyne-patched/go.mod]
// [-idle 1m] [-cpu 5m] [-starts 5] [-before OLDBIN]. With -before, a second Stint binary
// (say, main's) is measured the same way in the same run, for a before and after. It needs Xvfb, xdotool, xwd (x11-apps) and xwininfo.
// Run it from the repository root; make bench-desktop passes the flags.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "desktopbench:", err)
		os.Exit(1)
	}
}

type options struct {
	bin, modfile    string
	before          string
	tags            string
	idle, cpu       time.Duration
	starts, presses int
	runs            int
	memoryOnly      bool
	activity        bool
}

func run() error {
	var o options
	flag.StringVar(&o.bin, "bin", "", "stint binary (default: build one with -tags)")
	flag.StringVar(&o.before, "before", "", "a second stint binary, measured the same way in the same run (a before and after); with -memory, a comma-separated list")
	flag.StringVar(&o.modfile, "modfile", "", "go.mod that builds against the patched Fyne (third_party/fyne/apply writes it)")
	flag.StringVar(&o.tags, "tags", "no_emoji,no_animations", "build tags for the binaries it builds (as make build)")
	flag.DurationVar(&o.idle, "idle", time.Minute, "idle time before memory is read")
	flag.DurationVar(&o.cpu, "cpu", 5*time.Minute, "how long CPU use is measured, after -idle")
	flag.IntVar(&o.starts, "starts", 5, "cold starts to time")
	flag.IntVar(&o.presses, "presses", 15, "key presses to time, from press to the frame that shows it")
	flag.IntVar(&o.runs, "runs", 3, "memory runs: Stint and the event-loop baseline side by side, each run reported and the median")
	flag.BoolVar(&o.memoryOnly, "memory", false, "only the memory runs (no start times, key latency or CPU)")
	flag.BoolVar(&o.activity, "activity", false, "only the activity timer's cost: CPU and memory with activity measuring off and on")
	flag.Parse()
	for _, tool := range []string{"Xvfb", "xdotool", "xwd", "xwininfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is needed (apt-get install xvfb xdotool x11-apps x11-utils)", tool)
		}
	}
	if o.modfile == "" {
		return errors.New("-modfile is needed: run make bench-desktop, or third_party/fyne/apply DIR and pass DIR/go.mod")
	}
	work, err := os.MkdirTemp("", "desktopbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if o.bin == "" {
		o.bin = filepath.Join(work, "stint")
		if err := goBuild(o.bin, o.tags, o.modfile, "./cmd/stint"); err != nil {
			return err
		}
	}
	baseline, stock := filepath.Join(work, "fynebaseline"), filepath.Join(work, "fynebaseline-stock")
	if err := goBuild(baseline, o.tags, o.modfile, "./ui/internal/fynebaseline"); err != nil {
		return err
	}
	stintStock := filepath.Join(work, "stint-stock")
	if !o.memoryOnly && !o.activity {
		if err := goBuild(stock, o.tags, "", "./ui/internal/fynebaseline"); err != nil {
			return err
		}
		if err := goBuild(stintStock, o.tags, "", "./cmd/stint"); err != nil {
			return err
		}
	}
	display, stopX, err := startXvfb(work)
	if err != nil {
		return err
	}
	defer stopX()
	os.Setenv("DISPLAY", display) // for xdotool and xwd

	data := filepath.Join(work, "data")
	if out, err := exec.Command("go", "run", "./ui/internal/demoseed", data).CombinedOutput(); err != nil {
		return fmt.Errorf("seed: %v\n%s", err, out)
	}
	env := append(os.Environ(), "DISPLAY="+display, "HOME="+filepath.Join(work, "home"),
		"XDG_CONFIG_HOME="+filepath.Join(work, "home", ".config"),
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(work, "no-bus"), // no tray, and no bus autolaunched
		"STINT_DATA="+data, "STINT_ADDR=127.0.0.1:"+strconv.Itoa(38736+os.Getpid()%1000), "STINT_LOG_LEVEL=warn")
	cli := exec.Command(o.bin, "timer", "start", "--project", "Acme website", "benchmark")
	cli.Env = env
	if out, err := cli.CombinedOutput(); err != nil {
		return fmt.Errorf("start timer: %v\n%s", err, out)
	}

	apps := []app{
		{name: "stint", argv: []string{o.bin}, title: "^Timer – Stint$", background: true},
		{name: "fyne, event loop", argv: []string{baseline}, title: "^Fyne baseline$"},
		{name: "fyne, stock", argv: []string{stock}, title: "^Fyne baseline$"},
	}
	if o.activity {
		return activityRuns(apps[0], env, data, o)
	}
	if o.memoryOnly {
		// In memory runs, -before may name several binaries (comma-separated): all run at once.
		stints := []app{apps[0]}
		for i, bin := range strings.Split(o.before, ",") {
			if bin != "" {
				stints = append(stints, app{name: fmt.Sprintf("stint before %d", i+1), argv: []string{bin}, title: apps[0].title})
			}
		}
		_, err := memoryRuns(stints, apps[1], env, data, o)
		return err
	}
	if o.before != "" {
		// Between the two baselines, so the before and the after are as far from the
		// event-loop baseline's measurement as each other.
		apps = slices.Insert(apps, 2, app{name: "stint before", argv: []string{o.before}, title: apps[0].title, background: true})
	}
	type latency struct {
		name          string
		median, worst time.Duration
	}
	var latencies []latency
	for _, a := range []app{apps[0], {name: "stint, stock Fyne", argv: []string{stintStock}, title: apps[0].title}} {
		fmt.Printf("%s: key press to frame, %d presses…\n", a.name, o.presses)
		m, w, err := keyLatency(a, env, o.presses)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		latencies = append(latencies, latency{a.name, m, w})
	}
	var results []result
	for _, a := range apps {
		r, err := measure(a, env, o)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		results = append(results, r)
	}
	fmt.Printf("\nDesktop benchmark (Xvfb %s, software GL; %d starts, %v idle, CPU over %v with the timer running)\n\n",
		display, o.starts, o.idle, o.cpu)
	fmt.Printf("%-17s %11s %11s %9s %9s %9s %9s %9s %12s %12s\n", "", "first frame", "worst start",
		"RSS", "anon", "file", "exe", "Mesa libs", "CPU focused", "CPU in back")
	for _, r := range results {
		back := "–"
		if r.cpuBack >= 0 {
			back = fmt.Sprintf("%.2f%%", r.cpuBack)
		}
		fmt.Printf("%-17s %11s %11s %7.1fMB %7.1fMB %7.1fMB %7.1fMB %7.1fMB %11.2f%% %12s\n", r.name,
			r.firstFrame.Round(time.Millisecond), r.worstFrame.Round(time.Millisecond),
			mb(r.rss), mb(r.anon), mb(r.file), mb(r.exe), mb(r.mesa), r.cpu, back)
	}
	for _, r := range results {
		if strings.HasPrefix(r.name, "stint") {
			fmt.Printf("%s over the event-loop baseline: RSS %+.1f MB (anon %+.1f, exe %+.1f)\n", r.name,
				mb(r.rss-results[1].rss), mb(r.anon-results[1].anon), mb(r.exe-results[1].exe))
		}
	}
	fmt.Printf("\n%-17s %11s %11s\n", "key to frame", "median", "worst")
	for _, l := range latencies {
		fmt.Printf("%-17s %11s %11s\n", l.name, l.median.Round(time.Millisecond), l.worst.Round(time.Millisecond))
	}
	s := results[0]
	fmt.Printf("\nGoals for stint: first frame < 1s: %s; RSS < 80 MB: %s; CPU < 0.5%%: %s focused, %s in the background\n",
		verdict(s.firstFrame < time.Second), verdict(s.rss < 80<<20), verdict(s.cpu < 0.5), verdict(s.cpuBack < 0.5))
	fmt.Println("RSS counts file-backed pages (the binary, shared libraries) that other processes share; anon is the app's own memory.")
	fmt.Println("exe is the part of RSS in the executable's own mappings (code, read-only and initialised data).")
	fmt.Println("Mesa libs is the part of RSS in libLLVM and the DRI driver: Xvfb has no GPU, so OpenGL runs in Mesa's llvmpipe.")
	if o.runs > 0 {
		fmt.Println()
		stints := []app{apps[0]}
		if o.before != "" {
			stints = append(stints, apps[2])
		}
		if _, err := memoryRuns(stints, apps[1], env, data, o); err != nil {
			return err
		}
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

type app struct {
	name  string
	argv  []string
	title string
	// background: also measure CPU with the focus on another window.
	background bool
}

type result struct {
	name                   string
	firstFrame, worstFrame time.Duration
	rss, anon, file, mesa  int64
	exe                    int64   // resident in the executable's own mappings
	cpu                    float64 // percent of one core, window focused
	cpuBack                float64 // the same with the focus elsewhere; -1 when not measured
}

func goBuild(out, tags, modfile, pkg string) error {
	args := []string{"build", "-tags", tags, "-o", out}
	if modfile != "" {
		args = append(args, "-modfile", modfile)
	}
	cmd := exec.Command("go", append(args, pkg)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func startXvfb(work string) (string, func(), error) {
	for n := 150; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		x := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
		if err := x.Start(); err != nil {
			return "", nil, err
		}
		stop := func() { _ = x.Process.Kill(); _ = x.Wait() }
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display, stop, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
		return "", nil, errors.New("no X display: Xvfb did not start")
	}
	return "", nil, errors.New("no free X display")
}

func measure(a app, env []string, o options) (result, error) {
	r := result{name: a.name}
	var frames []time.Duration
	for i := 0; i < o.starts; i++ {
		p, d, err := start(a, env)
		if err != nil {
			return r, err
		}
		frames = append(frames, d)
		if err := stop(p); err != nil {
			return r, err
		}
	}
	slices.Sort(frames)
	r.firstFrame, r.worstFrame = frames[len(frames)/2], frames[len(frames)-1]

	p, _, err := start(a, env)
	if err != nil {
		return r, err
	}
	defer stop(p)
	wid, err := window(a.title)
	if err != nil {
		return r, err
	}
	pid := p.Process.Pid
	fmt.Printf("%s: idle %v, then CPU over %v…\n", a.name, o.idle, o.cpu)
	if err := focus(wid); err != nil {
		return r, err
	}
	time.Sleep(o.idle)
	if r.rss, r.anon, r.file, err = memory(pid); err != nil {
		return r, err
	}
	if r.mesa, err = mesaRSS(pid); err != nil {
		return r, err
	}
	if r.exe, err = exeRSS(pid); err != nil {
		return r, err
	}
	if r.cpu, err = cpuOver(pid, o.cpu); err != nil {
		return r, err
	}
	r.cpuBack = -1
	if a.background {
		root, err := window("")
		if err != nil {
			return r, err
		}
		fmt.Printf("%s: focus elsewhere, CPU over %v…\n", a.name, o.cpu)
		if err := focus(root); err != nil {
			return r, err
		}
		time.Sleep(2 * time.Second) // let the switch to minutes repaint first
		if r.cpuBack, err = cpuOver(pid, o.cpu); err != nil {
			return r, err
		}
	}
	return r, nil
}

// cpuOver is the share of one core pid uses over d, in percent.
func cpuOver(pid int, d time.Duration) (float64, error) {
	t0, err := cpuTicks(pid)
	if err != nil {
		return 0, err
	}
	w0 := time.Now()
	time.Sleep(d)
	t1, err := cpuTicks(pid)
	if err != nil {
		return 0, err
	}
	const clkTck = 100 // USER_HZ on Linux
	return float64(t1-t0) / clkTck / time.Since(w0).Seconds() * 100, nil
}

// window finds a visible window by title, or the root window for "".
func window(title string) (string, error) {
	if title == "" {
		out, err := exec.Command("xwininfo", "-root").Output()
		if err != nil {
			return "", fmt.Errorf("xwininfo: %w", err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) >= 4 && f[1] == "Window" && f[2] == "id:" {
				return f[3], nil
			}
		}
		return "", errors.New("xwininfo: no root window id")
	}
	out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", title).Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return "", fmt.Errorf("no window titled %s", title)
	}
	return strings.Fields(string(out))[0], nil
}

// focus gives the X input focus to a window (there is no window manager to ask).
func focus(wid string) error {
	if out, err := exec.Command("xdotool", "windowfocus", wid).CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool windowfocus %s: %v %s", wid, err, out)
	}
	return nil
}

// start runs the app and waits for its first frame with content: a window with the title,
// drawn in more than a couple of colours.
func start(a app, env []string) (*exec.Cmd, time.Duration, error) {
	cmd := exec.Command(a.argv[0], a.argv[1:]...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	deadline := t0.Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", a.title).Output()
		if err == nil && len(bytes.TrimSpace(out)) > 0 {
			wid := strings.Fields(string(out))[0]
			for time.Now().Before(deadline) {
				img, err := exec.Command("xwd", "-silent", "-id", wid).Output()
				if err == nil && colours(img) > 2 {
					return cmd, time.Since(t0), nil
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, 0, fmt.Errorf("no frame within 20s; stderr:\n%s", stderr.String())
}

func stop(cmd *exec.Cmd) error {
	if cmd.ProcessState != nil {
		return nil
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		<-done
		return errors.New("did not exit within 10s of SIGTERM")
	}
}

// colours counts distinct pixel values in an XWD dump (up to a few).
func colours(xwd []byte) int {
	if len(xwd) < 100 {
		return 0
	}
	be := binary.BigEndian
	header := be.Uint32(xwd[0:])
	ncolors := be.Uint32(xwd[19*4:])
	bpp := be.Uint32(xwd[11*4:])
	start := int(header) + int(ncolors)*12
	if bpp != 32 || start >= len(xwd) {
		return 0
	}
	seen := map[uint32]bool{}
	for i := start; i+4 <= len(xwd) && len(seen) < 8; i += 4 * 97 {
		seen[binary.LittleEndian.Uint32(xwd[i:])&0xffffff] = true
	}
	return len(seen)
}

// memory reads a process's resident set: total, anonymous and file-backed.
func memory(pid int) (rss, anon, file int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "RssAnon:":
			anon = kb << 10
		case "RssFile:":
			file = kb << 10
		}
	}
	return rss, anon, file, nil
}

// mesaRSS is the resident memory in Mesa's libraries: libLLVM and the DRI driver.
func mesaRSS(pid int) (int64, error) {
	return mappedRSS(pid, func(path string) bool {
		return strings.Contains(path, "/libLLVM") || strings.Contains(path, "/dri/")
	})
}

// exeRSS is the resident memory in the mappings of the process's own executable: its code,
// read-only data and initialised data, which shrink only with the binary.
func exeRSS(pid int) (int64, error) {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return 0, err
	}
	return mappedRSS(pid, func(path string) bool { return path == exe })
}

// mappedRSS sums the resident memory of a process's mappings whose file path matches.
func mappedRSS(pid int, match func(path string) bool) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0, err
	}
	var total int64
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-"):
			path := ""
			if len(f) >= 6 {
				path = f[5]
			}
			in = path != "" && match(path)
		case in && len(f) >= 2 && f[0] == "Rss:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			total += kb << 10
		}
	}
	return total, nil
}

// cpuTicks is a process's user plus system time in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st, nil
}
