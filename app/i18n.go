package app

import (
	"fmt"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// setupLanguage registers the chosen language's catalogue with Fyne. Fyne
// picks a language from the operating system's locale only, so the chosen
// file is registered under the system's locale as well as its own: whatever
// Fyne matches, the user gets the language they chose, and Fyne's own
// strings (dialog buttons) follow. On Linux and macOS, LANGUAGE is also set
// for the same reason.
func setupLanguage(l sv.Lang) error {
	if runtime.GOOS != "windows" {
		if l == sv.English {
			os.Setenv("LANGUAGE", "en")
		} else {
			os.Setenv("LANGUAGE", "zh_CN:zh")
		}
	}
	data := translate.JSON(l)
	locales := []fyne.Locale{"en", "zh-Hans", lang.SystemLocale()}
	for _, loc := range locales {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			return fmt.Errorf("translations for %s: %w", loc, err)
		}
	}
	return nil
}

// t returns the translation of key in the window's language, formatted with
// args like fmt.Sprintf (see translate.Catalogue.T for counts of one). Every
// key used through t must be in both catalogues; a test checks.
//
// The language is the one setupLanguage gave Fyne, read back from the
// catalogue's "language" entry: Fyne already holds the choice for the whole
// process (its dialogs need it), and reading it back keeps a second copy
// from drifting out of step. Fyne's own lookup and plural forms are not used
// for the text: they follow the system's locale, not the language the user
// chose, and log every key a language lacks.
func t(key string, args ...any) string {
	return translate.For(sv.Lang(lang.X("language", string(sv.Chinese)))).T(key, args...)
}
