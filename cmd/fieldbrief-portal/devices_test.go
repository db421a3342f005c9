package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
)

// `device list` and `device reset` on a stopped portal's folder, and their
// usage errors (TestResetDeviceResumesWithNothingLost in syncer runs them
// against a serving portal).
func TestDeviceListAndReset(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--data", dir}, nil, &out, &errOut); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut.String())
	}
	// A sign-in registers a device.
	srv, err := server.New(server.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	c, _ := portal.NewClient(hs.URL, nil, "")
	_, err = c.Login(context.Background(), portal.LoginRequest{User: "inspector1", Password: DemoPassword, Device: "laptop-a"})
	hs.Close()
	srv.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"device"}, 2, "device list|reset"},
		{[]string{"device", "reset", "--data", dir}, 2, "device id"},
		{[]string{"device", "list", "--data", dir, "extra"}, 2, "no argument"},
		{[]string{"device", "list", "--data", t.TempDir()}, 1, "no portal data"},
		{[]string{"device", "reset", "--data", dir, "no-such-device"}, 1, "no device no-such-device"},
		{[]string{"device", "list", "--data", dir}, 0, "laptop-a inspector1 active 0"},
		{[]string{"device", "reset", "--data", dir, "laptop-a"}, 0, "Device laptop-a reset"},
		{[]string{"device", "list", "--data", dir}, 0, "laptop-a - reset 0"},
		// The reset is in the audit log, by the machine's admin.
		{[]string{"audit", "--data", dir}, 0, "device.reset laptop-a"},
	} {
		out.Reset()
		errOut.Reset()
		code := run(tc.args, nil, &out, &errOut)
		if code != tc.code || !strings.Contains(strings.Join(strings.Fields(out.String()+errOut.String()), " "), tc.want) {
			t.Errorf("%v: %d\n%s%s", tc.args, code, out.String(), errOut.String())
		}
	}
}
