package app

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"fieldbrief/assets"
	sv "fieldbrief/supervision"
)

// translationFile names the translation file of a language in assets.
func translationFile(l sv.Lang) string {
	if l == sv.English {
		return "en.json"
	}
	return "zh-Hans.json"
}

// setupLanguage loads the chosen language's strings. Fyne picks a language
// from the operating system's locale only, so the chosen file is registered
// under the system's locale as well as its own: whatever Fyne matches, the
// user gets the language they chose. On Linux and macOS, LANGUAGE is also
// set so that Fyne's own strings (dialog buttons) follow.
func setupLanguage(l sv.Lang) error {
	if runtime.GOOS != "windows" {
		if l == sv.English {
			os.Setenv("LANGUAGE", "en")
		} else {
			os.Setenv("LANGUAGE", "zh_CN:zh")
		}
	}
	data, err := assets.ReadTranslation(translationFile(l))
	if err != nil {
		return err
	}
	locales := []fyne.Locale{"en", "zh-Hans", lang.SystemLocale()}
	for _, loc := range locales {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			return fmt.Errorf("translations for %s: %w", loc, err)
		}
	}
	return nil
}

// t returns the translation of key, formatted with args like fmt.Sprintf.
// Every key used through t must be in both translation files; a test checks.
//
// Where a language writes a count of one differently ("1 photo", not "1
// photos"), its file has a second entry, key + ".one", used when the first
// whole number among args is 1. Chinese has none and needs none. Fyne's
// own plural forms are not used: they follow the system's locale, not the
// language the user chose.
func t(key string, args ...any) string {
	s := lang.X(key, key)
	if countOf(args) == 1 && singularKeys()[key] {
		s = lang.X(key+".one", s)
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// singularKeys are the keys with a ".one" entry; t asks Fyne for key.one
// only for them, because Fyne logs an error for every key it lacks, and
// most counts of one need no other words ("Answered 1 / 30"). They are
// read once from the English file, immutable after; a test keeps both
// files' keys the same.
var singularKeys = sync.OnceValue(func() map[string]bool {
	keys := map[string]bool{}
	data, err := assets.ReadTranslation("en.json")
	if err != nil {
		return keys
	}
	var table map[string]any
	if json.Unmarshal(data, &table) != nil {
		return keys
	}
	for k := range table {
		if base, ok := strings.CutSuffix(k, ".one"); ok {
			keys[base] = true
		}
	}
	return keys
})

// countOf returns the first whole number among args, or -1.
func countOf(args []any) int64 {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return int64(n)
		case int64:
			return n
		case uint64:
			return int64(n)
		}
	}
	return -1
}
