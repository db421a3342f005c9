package printing

import (
	"strings"
	"testing"

	sv "fieldbrief/supervision"
)

func TestChoose(t *testing.T) {
	if _, err := choose(nil, ""); !IsNoPrinter(err) {
		t.Errorf("no printers: %v, want the no-printer error", err)
	}
	if _, err := choose(nil, "Office"); !IsNoPrinter(err) {
		t.Errorf("no printers, one named: %v, want the no-printer error", err)
	}
	two := []Printer{{Name: "A"}, {Name: "B", Default: true}, {Name: "C", Disabled: true}}
	for _, tt := range []struct {
		want, got string
		code      sv.Code
	}{
		{"", "B", ""},
		{"A", "A", ""},
		{"Z", "", sv.ENotFound},
		{"C", "", sv.EUnavailable},
	} {
		p, err := choose(two, tt.want)
		if p.Name != tt.got || sv.ErrorCode(err) != tt.code {
			t.Errorf("choose(%q) = %q, %v; want %q, code %q", tt.want, p.Name, err, tt.got, tt.code)
		}
	}
	if p, err := choose([]Printer{{Name: "Only"}}, ""); err != nil || p.Name != "Only" {
		t.Errorf("one printer without a default: %q, %v", p.Name, err)
	}
	if _, err := choose([]Printer{{Name: "A"}, {Name: "B"}}, ""); sv.ErrorCode(err) != sv.EInvalid || !strings.Contains(err.(*sv.Error).Zh, "A、B") {
		t.Errorf("two printers without a default: %v", err)
	}
	var e *sv.Error
	_, err := choose(nil, "")
	if e = err.(*sv.Error); !strings.Contains(e.En, "add one in the system settings") || !strings.Contains(e.Zh, "系统设置") {
		t.Errorf("no-printer message: %q / %q", e.Zh, e.En)
	}
}
