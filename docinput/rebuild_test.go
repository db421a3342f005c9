package docinput

import (
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

// TestRebuildRefusesAnUnknownVersion: a stamp names s1 or s2; any other
// version (a newer program's, or none) is refused before a record is read,
// with a reason a person can act on, rather than rebuilt in the wrong one.
func TestRebuildRefusesAnUnknownVersion(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, v := range []string{"", "s3", "v1"} {
		_, err := Rebuild(nil, v, "brief", "2026-11", at, at, nil)
		if sv.ErrorCode(err) != sv.EInvalid {
			t.Errorf("version %q: %v", v, err)
		}
	}
	for _, v := range []string{"s1", "s2"} {
		if !KnownSnapshotVersion(v) {
			t.Errorf("version %s is not known", v)
		}
	}
}
