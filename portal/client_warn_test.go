package portal

import (
	"strings"
	"testing"

	sv "fieldbrief/supervision"
)

func TestPlainHTTPToAnotherComputerIsWarnedOf(t *testing.T) {
	for base, want := range map[string]bool{
		"http://192.168.1.20:8470": true, "http://portal.example": true, "HTTP://portal.example:8470/": true,
		"https://portal.example:8470": false, "http://127.0.0.1:8470": false, "http://localhost:8470": false,
		"http://[::1]:8470": false, "not an address": false,
	} {
		w := PlainHTTPWarning(base)
		if (w != nil) != want {
			t.Errorf("%s: warning %v, want %v", base, w, want)
		}
		if w != nil && (!strings.Contains(sv.ErrorMessage(w, sv.English), "https://") || !strings.Contains(sv.ErrorMessage(w, sv.Chinese), "不加密")) {
			t.Errorf("%s: the warning does not say what to do: %v", base, w)
		}
	}
}
