package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// TestCLITextTranslated: every catalogue key the commands name is in both
// catalogues, so no line prints as its key (package translate checks that
// the two agree on placeholders).
func TestCLITextTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`"(cli\.[a-z0-9_.]+)"`)
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	// runReportKind names its usage line by the kind of report.
	delete(used, "cli.args.report_")
	for _, kind := range []string{"visit", "brief", "tour"} {
		used["cli.args.report_"+kind] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys; the scan is broken", len(used))
	}
	for _, l := range []sv.Lang{sv.Chinese, sv.English} {
		c := translate.For(l)
		for k := range used {
			if !c.Has(k) {
				t.Errorf("%s lacks %q", translate.FileName(l), k)
			}
		}
	}
}
