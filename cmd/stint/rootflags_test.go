package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRootFlags runs commands with --data, --addr and --log-level before and after the
// command's name; each must take effect (the data lands in that directory, a bad value is
// reported) instead of "unknown command".
func TestRootFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     func(dir string) []string
		wantCode int
		wantErr  string // in stderr
		wantDB   bool   // stint.db created in dir
	}{
		{"data before", func(d string) []string { return []string{"--data", d, "timer", "status"} }, 0, "", true},
		{"data= before", func(d string) []string { return []string{"--data=" + d, "projects"} }, 0, "", true},
		{"single dash", func(d string) []string { return []string{"-data", d, "entries"} }, 0, "", true},
		{"data after", func(d string) []string { return []string{"timer", "status", "--data", d} }, 0, "", true},
		{"data amid words", func(d string) []string { return []string{"timer", "start", "writing", "--data", d, "docs"} }, 0, "", true},
		{"log level before", func(d string) []string { return []string{"--log-level", "debug", "--data", d, "projects"} }, 0, "", true},
		{"bad log level before", func(d string) []string { return []string{"--log-level", "loud", "--data", d, "projects"} }, 2, "log level \"loud\"", false},
		{"bad log level after", func(d string) []string { return []string{"projects", "--data", d, "--log-level=loud"} }, 2, "log level \"loud\"", false},
		{"addr before desktop", func(d string) []string { return []string{"--addr", "0.0.0.0:9", "desktop"} }, 2, "\"0.0.0.0:9\"", false},
		{"addr after desktop", func(d string) []string { return []string{"desktop", "--addr=0.0.0.0:9"} }, 2, "\"0.0.0.0:9\"", false},
		{"addr before a local command", func(d string) []string { return []string{"--addr", "127.0.0.1:1", "--data", d, "projects"} }, 0, "", true},
		{"missing value", func(d string) []string { return []string{"projects", "--data"} }, 2, "--data needs a value", false},
		{"empty value", func(d string) []string { return []string{"--data=", "projects"} }, 2, "--data needs a value", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			delete(h.env, "STINT_DATA")
			h.env["HOME"] = t.TempDir()
			dir := filepath.Join(t.TempDir(), "flagdata")
			r := h.run(tt.args(dir)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantErr != "" && !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tt.wantErr)
			}
			if strings.Contains(r.stderr, "unknown command") || strings.Contains(r.stderr, "not defined") {
				t.Errorf("stderr %q", r.stderr)
			}
			_, err := os.Stat(filepath.Join(dir, dbFileName))
			if got := err == nil; got != tt.wantDB {
				t.Errorf("database in --data dir: %v, want %v (stat: %v)", got, tt.wantDB, err)
			}
		})
	}
}

// TestRootFlagsKeepWordsAfterDashes leaves a "--data" after "--" to the description.
func TestRootFlagsKeepWordsAfterDashes(t *testing.T) {
	h := newHarness(t)
	h.ok("timer", "start", "--", "about", "--data")
	if got := h.ok("timer", "status"); !strings.Contains(got, `"about --data"`) {
		t.Errorf("status: %q", got)
	}
}
