//go:build !headless

package ui

import (
	"bytes"
	"errors"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestDependencyLogsGoToTheLogFile: what Fyne and the tray library print through the
// standard log (a file dialog without user folders, preferences read while quitting, a
// session bus without a tray host) reaches the log file, expected noise at debug level and
// anything else as a warning, and never where the standard log wrote before (standard
// error); closing the log puts it back.
func TestDependencyLogsGoToTheLogFile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		level     slog.Level
		want, not []string
	}{
		{"debug", slog.LevelDebug, []string{
			`level=DEBUG msg="Fyne error:  Getting favorite locations" from=dependency`,
			`level=DEBUG msg="Cause: this computer has no VIDEOS folder" from=dependency`,
			`level=DEBUG msg="Fyne error:  Preferences load error:" from=dependency`,
			`level=DEBUG msg="Cause: EOF" from=dependency`,
			`level=DEBUG msg="systray error: failed to register: org.kde.StatusNotifierWatcher was not provided" from=dependency`,
			`level=WARN msg="Fyne error:  something new" from=dependency`,
		}, nil},
		{"info", slog.LevelInfo, []string{`level=WARN msg="Fyne error:  something new" from=dependency`},
			[]string{"favorite locations", "Preferences", "systray"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before bytes.Buffer // stands for standard error, where the standard log writes
			log.SetOutput(&before)
			t.Cleanup(func() { log.SetOutput(os.Stderr) })
			var stderr bytes.Buffer
			opts := Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: tc.level}))}
			closeLog := withLogFile(&opts)
			fyne.LogError("Getting favorite locations", errors.New("this computer has no VIDEOS folder"))
			fyne.LogError("Preferences load error:", io.EOF)
			log.Printf("systray error: failed to register: %v\n", "org.kde.StatusNotifierWatcher was not provided")
			fyne.LogError("something new", nil)
			closeLog()
			if before.Len() != 0 || stderr.Len() != 0 {
				t.Errorf("reached standard error: %q %q", before.String(), stderr.String())
			}
			b, err := os.ReadFile(opts.LogFile)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("log file lacks %s:\n%s", w, b)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(string(b), n) {
					t.Errorf("log file at %v has %q:\n%s", tc.level, n, b)
				}
			}
			log.Print("after closing")
			if !strings.Contains(before.String(), "after closing") {
				t.Errorf("the standard log was not put back")
			}
		})
	}
}
