package activity

import "testing"

// TestAppName: the application's name comes from WM_CLASS unless the class is really a
// window title (GLFW and Fyne windows), which must not be recorded as a name while titles are
// off; then the process names it.
func TestAppName(t *testing.T) {
	cases := []struct {
		name    string
		class   []string
		title   string
		process string
		want    string
	}{
		{"class", []string{"Navigator", "firefox"}, "Inbox - Mail", "firefox-bin", "firefox"},
		{"instance only", []string{"xterm", ""}, "ada@host: ~", "xterm", "xterm"},
		{"no class", nil, "Untitled", "gedit", "gedit"},
		{"class is the title", []string{"Timer – Stint", "Timer – Stint"}, "Timer – Stint", "stint", "stint"},
		{"class is an earlier title", []string{"Invoice 2026-014 – Acme", "Invoice 2026-014 – Acme"}, "Reports – Stint", "stint", "stint"},
		{"class is a title, no process", []string{"Secret plan", "Secret plan"}, "Secret plan", "", ""},
	}
	for _, c := range cases {
		if got := appName(c.class, c.title, c.process); got != c.want {
			t.Errorf("%s: appName(%q, %q, %q) = %q, want %q", c.name, c.class, c.title, c.process, got, c.want)
		}
	}
}
