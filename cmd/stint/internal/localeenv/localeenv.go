// Package localeenv makes a C or POSIX locale with a codeset (LANG=C.UTF-8, the default in
// containers and many minimal systems) read as English before the GUI toolkit looks at it.
//
// Fyne's lang package reads the user's locale in its package init, which runs in every
// invocation of the one stint executable, CLI commands included. It takes "C.UTF-8" for the
// language "C", which is no language tag, and prints "Error parsing user locale C" twice on
// stderr. Setting LANGUAGE=en (which gettext ignores under the C locale, so other programs
// behave as before) gives it a language it understands.
//
// The fix has to run before Fyne's init: this package imports only the standard library, so
// Go's initialisation order (dependencies first, then by import path among the packages that
// are ready) runs it before fyne.io/fyne/v2/lang, which waits for golang.org/x/text and
// text/template, both ordered after this package. A test on the built binary guards it.
package localeenv

import (
	"os"
	"strings"
)

func init() {
	Normalize(os.Getenv, os.Setenv)
}

// Normalize sets LANGUAGE=en when the locale that names the language of messages (LC_ALL,
// else LC_MESSAGES, else LANG) is C or POSIX with a codeset or modifier, and LANGUAGE is not
// set. It reports whether it set it. A bare "C" or "POSIX" is left alone: toolkits read it
// as "no preference" already.
func Normalize(getenv func(string) string, setenv func(key, value string) error) bool {
	if getenv("LANGUAGE") != "" {
		return false
	}
	var loc string
	for _, key := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(key); loc != "" {
			break
		}
	}
	if loc == "C" || loc == "POSIX" {
		return false
	}
	lang := loc
	if i := strings.IndexAny(lang, ".@_"); i >= 0 {
		lang = lang[:i]
	}
	if lang != "C" && lang != "POSIX" {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}
