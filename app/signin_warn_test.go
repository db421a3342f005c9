package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

// A plain http:// address of another computer is warned of before the
// password is sent; nothing is sent until the user presses again.
func TestPlainHTTPAddressIsWarnedOfBeforeSigningIn(t *testing.T) {
	ui, s, r := laptopUI(t, sv.Chinese)
	r.hold = true
	d := signIn(t, ui, "http://192.0.2.10:8470", "inspector1", "a password")
	if got := d.msg.Text; !strings.Contains(got, "不加密") || !strings.Contains(got, "再按一次") {
		t.Fatalf("the dialog says %q", got)
	}
	if len(r.queue) != 0 || d.submit.Disabled() {
		t.Fatalf("the sign-in went ahead without the user pressing again: %d queued", len(r.queue))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.Path()), syncer.CredentialsFile)); !os.IsNotExist(err) {
		t.Errorf("a sign-in file was written: %v", err)
	}
	test.Tap(d.submit)
	if len(r.queue) != 1 {
		t.Fatalf("pressing again does not sign in: %d queued", len(r.queue))
	}
}
