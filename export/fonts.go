package export

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

// The PDF and the charts print with the Latin subsets of Noto Sans that the desktop draws
// with (ui/fonts/README.md says how they were made; LICENSE.txt is their licence): Latin
// letters with their accents, punctuation and currency signs, so names such as "Zoë" or
// "Łódź" print as written. A go:embed cannot reach ui/fonts, hence the copies.
var (
	//go:embed fonts/NotoSans-Regular-Latin.ttf
	fontRegular []byte
	//go:embed fonts/NotoSans-Bold-Latin.ttf
	fontBold []byte
)

// parsedFonts parses the chart font on first use only: an app that never draws a chart
// never holds it.
var parsedFonts = sync.OnceValues(func() (*opentype.Font, error) {
	f, err := opentype.Parse(fontRegular)
	if err != nil {
		return nil, fmt.Errorf("parse chart font: %w", err)
	}
	return f, nil
})

// chartFace is the chart font at size points of 72 per inch (one point a pixel).
func chartFace(size float64) (font.Face, error) {
	f, err := parsedFonts()
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("chart font face: %w", err)
	}
	return face, nil
}
