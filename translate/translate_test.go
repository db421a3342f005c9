package translate

import (
	"strings"
	"testing"

	sv "fieldbrief/supervision"
)

// TestCataloguesAgree is the key-parity check for every catalogue: each key
// is in both languages with a text that is not blank, and both texts read
// the same arguments; a count-of-one entry has a base key that reads the
// same arguments too.
func TestCataloguesAgree(t *testing.T) {
	zh, en := For(sv.Chinese), For(sv.English)
	if len(zh.Keys()) < 400 {
		t.Fatalf("the Chinese catalogue has only %d keys; is the file read?", len(zh.Keys()))
	}
	for _, pair := range [][2]*Catalogue{{zh, en}, {en, zh}} {
		a, b := pair[0], pair[1]
		for _, k := range a.Keys() {
			if !b.Has(k) {
				t.Errorf("%s lacks %q, which %s has", FileName(b.Lang()), k, FileName(a.Lang()))
				continue
			}
			if strings.TrimSpace(a.Format(k)) == "" {
				t.Errorf("%s: %q is blank", FileName(a.Lang()), k)
			}
			if pa, pb := Placeholders(a.Format(k)), Placeholders(b.Format(k)); pa != pb {
				t.Errorf("%q reads %q in %s but %q in %s", k, pa, FileName(a.Lang()), pb, FileName(b.Lang()))
			}
			if base, ok := strings.CutSuffix(k, oneSuffix); ok {
				if !a.Has(base) || Placeholders(a.Format(base)) != Placeholders(a.Format(k)) {
					t.Errorf("%s: %q has no base key with the same placeholders", FileName(a.Lang()), k)
				}
			}
		}
	}
}

// TestPlaceholdersFollowArgumentIndexes: a translation may reorder its
// arguments; what must match is which argument is read with which verb.
func TestPlaceholdersFollowArgumentIndexes(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"%d年第%s季度", "Q%[2]s %[1]d"},
		{"共%d项，已填%d项", "%d items, %d answered"},
		{"%.1f MB", "%.1f MB"},
		{"100%%：%s", "100%%: %s"},
	} {
		if Placeholders(c.a) != Placeholders(c.b) {
			t.Errorf("%q gives %q, %q gives %q", c.a, Placeholders(c.a), c.b, Placeholders(c.b))
		}
	}
	for _, c := range []struct{ a, b string }{
		{"%d年", "%s"},
		{"%d %d", "%d"},
		{"%[2]s %[1]d", "%s %d"},
	} {
		if Placeholders(c.a) == Placeholders(c.b) {
			t.Errorf("%q and %q both give %q", c.a, c.b, Placeholders(c.a))
		}
	}
}

// TestCountOfOne: English writes one day, one photo; Chinese has no
// singular; a key with no singular entry reads its base text.
func TestCountOfOne(t *testing.T) {
	en, zh := For(sv.English), For(sv.Chinese)
	for _, c := range []struct{ got, want string }{
		{en.T("item.photos", 1), "1 photo"},
		{en.T("item.photos", 2), "2 photos"},
		{en.Count("item.photos", 0), "0 photos"},
		{zh.T("item.photos", 1), "照片 1 张"},
		{en.T("visit.progress", 1, 30), "Answered 1 / 30"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

// TestLanguageEntry: the window reads the chosen language back from Fyne
// through this entry, so each file must name its own language.
func TestLanguageEntry(t *testing.T) {
	for _, l := range []sv.Lang{sv.Chinese, sv.English} {
		if got := For(l).Format("language"); got != string(l) {
			t.Errorf("%s says its language is %q", FileName(l), got)
		}
	}
	if For("fr").Lang() != sv.Chinese {
		t.Error("an unknown language does not read as Chinese")
	}
}

// TestListsReadAsTheLanguageWrites: names given as a list print with the
// language's separator, not as Go's [a b].
func TestListsReadAsTheLanguageWrites(t *testing.T) {
	names := []string{"张伟", "李娜"}
	if got := For(sv.Chinese).T("cli.verify.items_changed", names); got != "打印后修改过的检查项：张伟、李娜。" {
		t.Errorf("Chinese: %q", got)
	}
	if got := For(sv.English).T("cli.verify.items_changed", names); got != "Items changed after printing: 张伟, 李娜." {
		t.Errorf("English: %q", got)
	}
}

// TestPerLanguageArguments: an argument with words in each language, such as
// a status's label, prints in the catalogue's language, both when formatted
// and through an error raised with it.
func TestPerLanguageArguments(t *testing.T) {
	label := PerLanguage(sv.StatusOpen.Label)
	key := "syncer.error.this_photo_on_the_portal_cannot"
	for _, l := range []sv.Lang{sv.Chinese, sv.English} {
		want := strings.Replace(For(l).Format(key), "%s", sv.StatusOpen.Label(l), 1)
		if got := For(l).T(key, label); got != want {
			t.Errorf("%s: %q, want %q", l, got, want)
		}
		if got := Message(Errorf(sv.EInvalid, key, label), l); got != want {
			t.Errorf("%s, as an error: %q, want %q", l, got, want)
		}
	}
	if sv.StatusOpen.Label(sv.Chinese) == sv.StatusOpen.Label(sv.English) {
		t.Fatal("the status label reads the same in both languages; the test proves nothing")
	}
}
