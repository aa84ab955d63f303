//go:build !headless

package ui

import (
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Stint draws its text in the two styles it uses (regular and bold) from subsets of the
// Noto Sans that Fyne embeds: Latin (Basic, Latin-1, Extended-A and -B), general
// punctuation, currency, letterlike symbols, arrows, mathematical operators and geometric
// shapes, with the default layout features (ui/fonts/README.md has the command). Fyne parses
// every glyph of a font when a style is first used; the full font of a style holds about
// 1.4 MB of heap for the life of the app, a subset under half a megabyte. Text outside the
// subset (Greek, Cyrillic, Vietnamese, combining marks) still renders: the patched Fyne
// parses its full embedded font of the style on the first rune the subset lacks, and the
// system fonts after that (third_party/fyne/font.patch). With stock Fyne both are parsed
// at once, which costs memory but changes nothing on screen.
var (
	//go:embed fonts/NotoSans-Regular-Latin.ttf
	latinRegular []byte
	//go:embed fonts/NotoSans-Bold-Latin.ttf
	latinBold []byte

	latinRegularFont = fyne.NewStaticResource("NotoSans-Regular-Latin.ttf", latinRegular)
	latinBoldFont    = fyne.NewStaticResource("NotoSans-Bold-Latin.ttf", latinBold)
)

// textFont is the font of style s: a Latin subset for regular and bold text, Fyne's own
// for italics, monospace and symbols.
func textFont(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Italic || s.Monospace || s.Symbol:
		return theme.DefaultTheme().Font(s)
	case s.Bold:
		return latinBoldFont
	}
	return latinRegularFont
}
