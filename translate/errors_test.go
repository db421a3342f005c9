package translate

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	sv "fieldbrief/supervision"
)

var update = flag.Bool("update", false, "rewrite supervision/messages.go from the catalogues")

// TestSupervisionMessagesCurrent keeps package supervision's copy of its
// catalogue entries the same as the catalogues.
func TestSupervisionMessagesCurrent(t *testing.T) {
	want, err := format.Source(supervisionMessages())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "supervision", "messages.go")
	got, err := os.ReadFile(path)
	if err != nil && !*update {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	if !*update {
		t.Fatal("supervision/messages.go differs from the catalogues: run go test ./translate -run SupervisionMessages -update")
	}
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestErrorKeysCatalogued: every key an error is raised with, by
// supervision.Coded or translate.Errorf/Wrap anywhere in the module, is in
// the catalogues.
func TestErrorKeysCatalogued(t *testing.T) {
	re := regexp.MustCompile(`(?:\bCoded\(|\bWrapCoded\([^,]+, |translate\.Errorf\(|translate\.Wrap\([^,]+, )[A-Za-z.]+,\s*"([^"]+)"`)
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			n++
			if !For(sv.Chinese).Has(string(m[1])) {
				t.Errorf("%s: %q is not in the catalogues", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 40 {
		t.Errorf("found only %d keyed errors; the scan is broken", n)
	}
}

// TestErrorsReadInTheChosenLanguage: a keyed error renders from the
// catalogue, with its arguments, and reads the same through the text it
// carries; an error of another kind never shows Go's text.
func TestErrorsReadInTheChosenLanguage(t *testing.T) {
	f := &sv.Finding{Status: sv.StatusOpen, Deadline: "2026-03-15"}
	err := f.Apply(sv.Move{Deadline: "2026-03-01", By: "张伟", Role: sv.RoleLeader})
	var e *sv.Error
	if !errors.As(err, &e) || e.Key == "" {
		t.Fatalf("the re-dispatch error carries no key: %#v", err)
	}
	for _, c := range []struct {
		l    sv.Lang
		want string
	}{{sv.Chinese, "新的整改期限应晚于原期限 2026-03-15。"}, {sv.English, "The new deadline must be later than the current one, 2026-03-15."}} {
		if got := Message(err, c.l); got != c.want {
			t.Errorf("%s: %q, want %q", c.l, got, c.want)
		}
		if got := e.Message(c.l); got != c.want {
			t.Errorf("%s, as carried: %q, want %q", c.l, got, c.want)
		}
	}
	if got := Message(fmt.Errorf("open /x: permission denied"), sv.English); got != For(sv.English).T("supervision.internal") {
		t.Errorf("a Go error reads %q", got)
	}
	made := Wrap(errors.New("cause"), sv.EInvalid, "cli.verify.record_changed", "2026-01-02 10:00")
	if made.Zh != Message(made, sv.Chinese) || made.En != Message(made, sv.English) || !errors.Is(made, made.Err) {
		t.Errorf("translate.Wrap: %#v", made)
	}
}
