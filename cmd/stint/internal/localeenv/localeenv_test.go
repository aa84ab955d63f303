package localeenv

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"C.utf8 in LC_ALL", map[string]string{"LC_ALL": "C.utf8", "LANG": "de_DE.UTF-8"}, "en"},
		{"POSIX with modifier", map[string]string{"LC_MESSAGES": "POSIX@euro"}, "en"},
		{"LC_ALL wins over a C LANG", map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"bare C", map[string]string{"LANG": "C"}, ""},
		{"bare POSIX", map[string]string{"LC_ALL": "POSIX"}, ""},
		{"a real language", map[string]string{"LANG": "de_DE.UTF-8"}, ""},
		{"nothing set", map[string]string{}, ""},
		{"LANGUAGE kept", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, "fr"},
		{"Cs is not C", map[string]string{"LANG": "cs_CZ.UTF-8"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			set := Normalize(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if env["LANGUAGE"] != tt.want {
				t.Errorf("LANGUAGE %q, want %q", env["LANGUAGE"], tt.want)
			}
			if set != (tt.want == "en" && tt.env["LANGUAGE"] == "") {
				t.Errorf("Normalize reported %v", set)
			}
		})
	}
}
