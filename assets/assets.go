// Package assets holds everything fieldbrief ships inside its binary: the
// Noto Sans SC fonts (SIL OFL 1.1, see fonts/OFL.txt) used by both the GUI
// and the PDF briefs, the application icon, the translations and the sample
// register of the 20 key projects with the default monthly checklist.
//
// Bundling the fonts means a laptop with no Chinese fonts installed still
// shows and prints correct Chinese.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed fonts/NotoSansSC_400Regular.ttf
var fontRegular []byte

//go:embed fonts/NotoSansSC_700Bold.ttf
var fontBold []byte

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
