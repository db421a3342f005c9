package syncer

import (
	"context"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// A laptop whose clock runs hours ahead cannot win the future: the portal
// clamps its clocks, and the sync tells the user to set the clock right,
// in their language.
func TestLaptopClockAheadIsToldAndClamped(t *testing.T) {
	base := startPortal(t)
	ahead := func() time.Time { return time.Now().Add(3 * time.Hour) }
	s, err := storage.Open(t.TempDir(), storage.Options{Now: ahead})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := portal.NewClient(base, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Login(context.Background(), s, c, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	l := &laptop{store: s, client: c, user: "inspector1"}
	if r := l.sync(t, Options{}); r.ClockSkew != nil {
		t.Fatalf("nothing pushed, yet a clock warning: %v", r.ClockSkew)
	}
	if err := s.CreateFinding(newProblem("基坑临边防护缺失")); err != nil {
		t.Fatal(err)
	}
	r := l.sync(t, Options{})
	if r.Pushed != 1 || r.ClockSkew == nil {
		t.Fatalf("a clock 3 hours ahead: %+v", r)
	}
	zh, en := sv.ErrorMessage(r.ClockSkew, sv.Chinese), sv.ErrorMessage(r.ClockSkew, sv.English)
	if !strings.Contains(zh, "本机时钟比平台快约 18") || !strings.Contains(en, "about 18") {
		t.Fatalf("the warning names about 180 minutes: %q / %q", zh, en)
	}
	// What the portal holds carries no clock past its own time.
	leader := newLaptop(t, base, "leader", nil)
	leader.sync(t, Options{})
	page, err := leader.client.Pull(context.Background(), "", 5000)
	if err != nil {
		t.Fatal(err)
	}
	limit := portal.HLC{Wall: time.Now().Add(portal.MaxClockSkew).UnixMilli()}.String()
	for _, rec := range page.Records {
		for field, clock := range rec.Clocks {
			if clock[:23] > limit[:23] {
				t.Errorf("%s %s: clock %s is past the portal's time", rec.ID, field, clock)
			}
		}
	}
}
