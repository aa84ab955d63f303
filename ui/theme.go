//go:build !headless

package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme preference values.
const (
	prefTheme   = "theme"
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// stintTheme is Fyne's default theme in Stint's blue, optionally pinned to light or dark.
type stintTheme struct {
	mode string
}

func newTheme(mode string) fyne.Theme { return stintTheme{mode: mode} }

var (
	brandBlue = color.NRGBA{R: 0x4f, G: 0x7c, B: 0xff, A: 0xff}
	brandRed  = color.NRGBA{R: 0xe5, G: 0x48, B: 0x4d, A: 0xff}
)

func (t stintTheme) variant(v fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.mode {
	case themeLight:
		return theme.VariantLight
	case themeDark:
		return theme.VariantDark
	}
	return v
}

func (t stintTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	v = t.variant(v)
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameHyperlink, theme.ColorNameFocus:
		if n == theme.ColorNameFocus {
			return color.NRGBA{R: 0x4f, G: 0x7c, B: 0xff, A: 0x80}
		}
		return brandBlue
	case theme.ColorNameError:
		return brandRed
	case theme.ColorNameSelection:
		return color.NRGBA{R: 0x4f, G: 0x7c, B: 0xff, A: 0x40}
	case theme.ColorNameHeaderBackground:
		if v == theme.VariantLight {
			return color.NRGBA{R: 0xf3, G: 0xf5, B: 0xf9, A: 0xff}
		}
		return color.NRGBA{R: 0x1c, G: 0x1e, B: 0x24, A: 0xff}
	case theme.ColorNameButton:
		if v == theme.VariantLight {
			return color.NRGBA{R: 0xe4, G: 0xe8, B: 0xef, A: 0xff}
		}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t stintTheme) Font(s fyne.TextStyle) fyne.Resource     { return textFont(s) } // fonts.go
func (t stintTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (t stintTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 6
	}
	return theme.DefaultTheme().Size(n)
}
