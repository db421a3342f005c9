package linebreak

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestUnicodeConformance runs Unicode's own line-breaking test
// (LineBreakTest.txt of the same Unicode version as the tables, copied into
// testdata with its licence) against Default: every break opportunity and
// every forbidden break of its 7,600 cases.
func TestUnicodeConformance(t *testing.T) {
	f, err := os.Open("testdata/LineBreakTest.txt")
	if err != nil {
		t.Fatalf("the conformance test file is missing: %v (copy auxiliary/LineBreakTest.txt of Unicode %s into testdata)", err, UnicodeVersion)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	cases, failed := 0, 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "# LineBreakTest-") && !strings.Contains(text, UnicodeVersion) {
			t.Fatalf("the test file is %s, the tables are Unicode %s", text, UnicodeVersion)
		}
		data, comment, _ := strings.Cut(text, "#")
		fields := strings.Fields(data)
		if len(fields) == 0 {
			continue
		}
		var s []rune
		var want []Action
		for _, f := range fields[1:] {
			switch f {
			case "×":
				want = append(want, NoBreak)
			case "÷":
				want = append(want, Allowed)
			default:
				v, err := strconv.ParseUint(f, 16, 32)
				if err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				s = append(s, rune(v))
			}
		}
		cases++
		got := Default(s)
		for i := range s {
			g := got[i]
			if g == Mandatory {
				g = Allowed // the test marks every break ÷
			}
			if g != want[i] {
				failed++
				if failed <= 20 {
					t.Errorf("line %d, after character %d: got %v, want %v\n%s\n#%s", line, i, g, want[i], data, comment)
				}
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 7000 {
		t.Fatalf("only %d cases read: the test file is incomplete", cases)
	}
	if failed > 0 {
		t.Errorf("%d of %d cases fail", failed, cases)
	}
}
