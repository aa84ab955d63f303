package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	stint "github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// activityRuns measures what the activity timer costs the real app: the same binary with a
// running timer, its window in the background and the pointer moving (about 20 motions a
// second, so the X server has input to send), with activity measuring off and on, in
// alternating order, o.runs times. It reports CPU and resident memory each way and the
// difference.
func activityRuns(a app, env []string, data string, o options) error {
	type sample struct {
		cpu float64
		rss int64
	}
	var off, on []sample
	for i := 0; i < o.runs; i++ {
		order := []bool{false, true}
		if i%2 == 1 {
			order = []bool{true, false}
		}
		for _, enabled := range order {
			if err := setActivity(data, enabled); err != nil {
				return err
			}
			p, _, err := start(a, env)
			if err != nil {
				return err
			}
			root, err := window("")
			if err != nil {
				stop(p)
				return err
			}
			if err := focus(root); err != nil {
				stop(p)
				return err
			}
			fmt.Printf("run %d, activity %s: idle %v, then CPU over %v with the pointer moving…\n", i+1, onOff(enabled), o.idle, o.cpu)
			time.Sleep(o.idle)
			ctx, cancel := context.WithCancel(context.Background())
			done := moveInput(ctx)
			cpu, err := cpuOver(p.Process.Pid, o.cpu)
			cancel()
			<-done
			if err != nil {
				stop(p)
				return err
			}
			rss, _, _, err := memory(p.Process.Pid)
			stop(p)
			if err != nil {
				return err
			}
			s := sample{cpu, rss}
			if enabled {
				on = append(on, s)
			} else {
				off = append(off, s)
			}
			fmt.Printf("  CPU %.3f%% of a core, RSS %.1f MB\n", cpu, mb(rss))
		}
	}
	median := func(xs []sample) sample {
		cpus := make([]float64, len(xs))
		rss := make([]int64, len(xs))
		for i, x := range xs {
			cpus[i], rss[i] = x.cpu, x.rss
		}
		slices.Sort(cpus)
		slices.Sort(rss)
		return sample{cpus[len(cpus)/2], rss[len(rss)/2]}
	}
	mOff, mOn := median(off), median(on)
	fmt.Printf("\nActivity timer cost (timer running, window in the background, pointer moving; median of %d runs)\n", o.runs)
	fmt.Printf("%-14s %12s %10s\n", "", "CPU", "RSS")
	fmt.Printf("%-14s %11.3f%% %8.1fMB\n", "activity off", mOff.cpu, mb(mOff.rss))
	fmt.Printf("%-14s %11.3f%% %8.1fMB\n", "activity on", mOn.cpu, mb(mOn.rss))
	fmt.Printf("%-14s %+11.3f%% %+8.1fMB\n", "difference", mOn.cpu-mOff.cpu, mb(mOn.rss-mOff.rss))
	fmt.Printf("Goal: resident memory grows by < 3 MB: %s\n", verdict(mOn.rss-mOff.rss < 3<<20))
	fmt.Println("The sampler's own cost per second is BenchmarkX11Sample and BenchmarkTrackerTick (make bench).")
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// setActivity turns the activity timer on or off in the data directory, as Settings does.
func setActivity(data string, on bool) error {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(data, "stint.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	return stint.New(st, stint.Options{}).SetActivityEnabled(ctx, on)
}

// moveInput moves the pointer about 20 times a second until ctx ends.
func moveInput(ctx context.Context) chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			x, y := 200+(i*37)%800, 150+(i*23)%500
			_ = exec.Command("xdotool", "mousemove", strconv.Itoa(x), strconv.Itoa(y)).Run()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return done
}
