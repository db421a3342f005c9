package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// records reads every record the portal holds, by entity/id.
func records(t *testing.T, c *portal.Client) map[string]string {
	t.Helper()
	page, err := c.Pull(context.Background(), "", 5000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range page.Records {
		out[r.Entity+"/"+r.ID] = string(r.Data)
	}
	return out
}

// What a re-registered laptop does: it sends again, under a new device id,
// records the portal already holds. Each kind of record must come out the
// same (decision 0024).
func TestRecordsSentAgainUnderANewDeviceChangeNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, _ := portal.NewClient(f.url, nil, f.tokens["insp"])
	at := time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)
	visit := sv.Visit{ID: "v1", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1, Inspectors: []string{"李督查"}, StartedAt: at, Status: sv.Draft}
	vdata, _ := json.Marshal(visit)
	adata, _ := json.Marshal(portal.AnswerData{VisitID: "v1", Answer: sv.Answer{ItemKey: "k1", Verdict: sv.Verdict("fail"), Note: "未戴安全帽"}})
	hash := strings.Repeat("ab", 32)
	pdata, _ := json.Marshal(sv.Photo{Hash: hash, Caption: "东侧临边", Links: []sv.PhotoLink{{VisitID: "v1"}}})
	fd := sv.Finding{ID: "f1", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "临边防护缺失", ResponsibleUnit: "中建三局", Deadline: "2026-06-30", Status: sv.StatusOpen, CreatedAt: at, UpdatedAt: at}
	changes := func(device string, from uint64) []portal.Change {
		fc := findingChange(device, from+3, fd, portal.FindingFields()...)
		return []portal.Change{
			{Seq: from, Entity: portal.EntityVisit, ID: "v1", Op: portal.OpPut, At: at, Data: vdata},
			{Seq: from + 1, Entity: portal.EntityAnswer, ID: "v1/k1", Op: portal.OpPut, At: at, Data: adata},
			{Seq: from + 2, Entity: portal.EntityPhoto, ID: hash, Op: portal.OpPut, At: at, Data: pdata},
			fc,
		}
	}
	resp, err := c.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: changes("dev-insp", 1)})
	if err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("first push: %+v %v", resp, err)
	}
	admin, _ := portal.NewClient(f.url, nil, f.tokens["admin"])
	before := records(t, admin)
	if _, err := c.RegisterDevice(ctx, "dev-insp-2"); err != nil {
		t.Fatal(err)
	}
	// The token now pushes only for its new device.
	_, err = c.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: changes("dev-insp", 5)})
	if ref, ok := err.(*portal.RefusalError); !ok || ref.Status != http.StatusForbidden || ref.Body.Code != portal.ErrDeviceMismatch {
		t.Fatalf("push for the old device after re-registering: %v", err)
	}
	resp, err = c.Push(ctx, portal.PushRequest{Device: "dev-insp-2", Changes: changes("dev-insp-2", 1)})
	if err != nil || len(resp.Rejections) != 0 || resp.Acked != 4 {
		t.Fatalf("push again under the new device: %+v %v", resp, err)
	}
	after := records(t, admin)
	if len(after) != len(before) {
		t.Fatalf("records %d → %d", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed when sent again:\n%s\n%s", k, v, after[k])
		}
	}
	// An id in use cannot be registered again, by anyone.
	for _, id := range []string{"dev-insp", "dev-leader", "dev-insp-2"} {
		if _, err := c.RegisterDevice(ctx, id); sv.ErrorCode(err) != sv.EConflict {
			t.Errorf("registering %s, in use: %v", id, err)
		}
	}
}

// A device id is its first user's: another user cannot sign in with it;
// a reset id is refused with device_reset and never reused.
func TestDeviceIdsBelongToTheirFirstUser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, _ := portal.NewClient(f.url, nil, "")
	_, err := c.Login(ctx, portal.LoginRequest{User: "leader", Password: pw, Device: "dev-insp"})
	if sv.ErrorCode(err) != portal.ErrDeviceOwned {
		t.Fatalf("leader with the inspector's device: %v", err)
	}
	if code, out := f.do(t, "POST", portal.DeviceResetPath("dev-insp"), f.tokens["admin"], nil, nil); code != http.StatusOK {
		t.Fatalf("reset: %d %s", code, out)
	}
	if code, _ := f.do(t, "POST", portal.DeviceResetPath("no-such-device"), f.tokens["admin"], nil, nil); code != http.StatusNotFound {
		t.Fatalf("reset of an unknown device: %d", code)
	}
	for _, who := range []string{"insp", "leader"} {
		_, err = c.Login(ctx, portal.LoginRequest{User: who, Password: pw, Device: "dev-insp"})
		if sv.ErrorCode(err) != portal.ErrDeviceReset {
			t.Fatalf("%s signing in with a reset device: %v", who, err)
		}
	}
	insp, _ := portal.NewClient(f.url, nil, f.tokens["insp"])
	_, err = insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{}})
	if ref, ok := err.(*portal.RefusalError); !ok || ref.Status != http.StatusConflict || ref.Body.Code != portal.ErrDeviceReset {
		t.Fatalf("push for a reset device: %v", err)
	}
}

// A laptop older than the portal's minimum is told to update, in both
// languages, on every endpoint but the health check.
func TestOldProtocolIsToldToUpdate(t *testing.T) {
	srv, err := New(Options{Dir: t.TempDir(), MinProtocol: 2, BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		path, header string
		want         int
	}{
		{portal.PathLogin, "", http.StatusUpgradeRequired},
		{portal.PathLogin, "1", http.StatusUpgradeRequired},
		{portal.PathPull, "1", http.StatusUpgradeRequired},
		{portal.PathLogin, "x", http.StatusBadRequest},
		{portal.PathPull, "2", http.StatusUnauthorized},
		{portal.PathHealth, "1", http.StatusOK},
		{portal.PathUsers, "", http.StatusUnauthorized}, // admin API: scripts need no header
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.path, nil)
		if tc.path == portal.PathLogin {
			req.Method = http.MethodPost
		}
		if tc.header != "" {
			req.Header.Set(portal.ProtocolHeader, tc.header)
		}
		rec := &recorder{h: http.Header{}}
		srv.ServeHTTP(rec, req)
		named := tc.want != http.StatusUnauthorized // a pull or the admin API names no version
		if rec.status != tc.want || (rec.h.Get(portal.ProtocolHeader) == "2") != named {
			t.Errorf("%s with %q: %d, portal version %q", tc.path, tc.header, rec.status, rec.h.Get(portal.ProtocolHeader))
		}
		if tc.want == http.StatusUpgradeRequired {
			var e portal.ErrorBody
			if json.Unmarshal(rec.body, &e) != nil || e.Code != portal.ErrUpdateRequired || !strings.Contains(e.En, "Update fieldbrief") || !strings.Contains(e.Zh, "请更新 fieldbrief") {
				t.Errorf("refusal: %s", rec.body)
			}
		}
	}
}

type recorder struct {
	h      http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body = append(r.body, b...)
	return len(b), nil
}
