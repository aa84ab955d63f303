package server

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// clusterCPU returns a cpuUse reading the CPU time of the PostgreSQL cluster dsn reaches
// (the postmaster and its children, from /proc) and of this process; nil when the cluster
// is not on this machine or cannot be read.
func clusterCPU(b *testing.B, dsn string) cpuUse {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var dir string
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&dir); err != nil {
		return nil
	}
	pid, err := os.ReadFile(dir + "/postmaster.pid")
	if err != nil {
		return nil
	}
	postmaster := strings.TrimSpace(strings.SplitN(string(pid), "\n", 2)[0])
	return func() (float64, float64) {
		var ticks float64
		procs, _ := os.ReadDir("/proc")
		for _, p := range procs {
			stat, err := os.ReadFile("/proc/" + p.Name() + "/stat")
			if err != nil {
				continue
			}
			s := string(stat)
			i := strings.LastIndexByte(s, ')')
			if i < 0 || i+2 > len(s) {
				continue
			}
			f := strings.Fields(s[i+2:]) // state, ppid, … utime (12th), stime (13th)
			if len(f) < 13 || (p.Name() != postmaster && f[1] != postmaster) {
				continue
			}
			u, _ := strconv.ParseFloat(f[11], 64)
			k, _ := strconv.ParseFloat(f[12], 64)
			ticks += u + k
		}
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		// USER_HZ is 100 on Linux: a tick is 10 ms.
		return ticks * 10, float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
	}
}
