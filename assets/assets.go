// Package assets holds everything fieldbrief ships inside its binary: the
// Noto Sans SC fonts (SIL OFL 1.1, see fonts/OFL.txt) used by both the GUI
// and the PDF briefs, the Noto Serif SC fonts (same licence) the PDF briefs
// set their body text in, the application icon, the translations and the sample
// register of the 20 key projects with the default monthly checklist.
//
// Bundling the fonts means a laptop with no Chinese fonts installed still
// shows and prints correct Chinese.
package assets

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"io/fs"
)

//go:embed fonts/NotoSansSC_400Regular.ttf
var fontRegular []byte

//go:embed fonts/NotoSansSC_700Bold.ttf
var fontBold []byte

// The serif faces are kept compressed (15 MB each as TrueType, 8.6 MB
// gzipped): only documents use them, so the window does not pay for
// unpacking them, and the Windows executable stays well under 90 MB.
//
//go:embed fonts/NotoSerifSC_400Regular.ttf.gz
var serifRegularGz []byte

//go:embed fonts/NotoSerifSC_700Bold.ttf.gz
var serifBoldGz []byte

//go:embed fonts/OFL.txt
var fontLicence []byte

//go:embed icon.png
var icon []byte

//go:embed translations
var translations embed.FS

//go:embed sample
var sample embed.FS

// FontRegular returns the TrueType bytes of Noto Sans SC Regular.
// The slice is shared: callers must not modify it.
func FontRegular() []byte { return fontRegular }

// FontBold returns the TrueType bytes of Noto Sans SC Bold.
// The slice is shared: callers must not modify it.
func FontBold() []byte { return fontBold }

// SerifFonts unpacks and returns the TrueType bytes of Noto Serif SC
// Regular and Bold. Each call unpacks them afresh (about 0.2 s): call it once
// and keep the result.
func SerifFonts() (regular, bold []byte, err error) {
	if regular, err = gunzip(serifRegularGz); err != nil {
		return nil, nil, fmt.Errorf("assets: unpacking Noto Serif SC Regular: %w", err)
	}
	if bold, err = gunzip(serifBoldGz); err != nil {
		return nil, nil, fmt.Errorf("assets: unpacking Noto Serif SC Bold: %w", err)
	}
	return regular, bold, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(16 << 20)
	if _, err := io.Copy(&out, zr); err != nil {
		return nil, err
	}
	return out.Bytes(), zr.Close()
}

// FontLicence returns the SIL Open Font License text that must travel with the fonts.
func FontLicence() []byte { return fontLicence }

// Icon returns the application icon as PNG bytes.
func Icon() []byte { return icon }

// Translations returns the folder of translation files (one JSON file per
// language, named as Fyne's lang package expects, e.g. zh-Hans.json).
func Translations() fs.FS {
	sub, err := fs.Sub(translations, "translations")
	if err != nil {
		// fs.Sub only fails on an invalid path literal, which is a programming error.
		panic(err)
	}
	return sub
}

// Sample returns the folder of sample data: the project register and the
// default checklist template, as JSON.
func Sample() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil {
		panic(err)
	}
	return sub
}

// ReadTranslation returns one translation file's bytes.
func ReadTranslation(name string) ([]byte, error) {
	return translations.ReadFile("translations/" + name)
}
