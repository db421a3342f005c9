package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	srv    *Server
	url    string
	clock  *testClock
	tokens map[string]string
}

const pw = "correct horse battery"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)}
	srv, err := New(Options{Dir: t.TempDir(), Now: clock.now, BcryptCost: bcrypt.MinCost, MaxBody: 64 << 10, MaxPhoto: 1 << 20,
		TokenTTL: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	projects, templates, err := sample.Register()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DB().PutRegister(projects, templates); err != nil {
		t.Fatal(err)
	}
	for _, u := range []portal.User{
		{Name: "admin", Role: portal.RoleAdmin},
		{Name: "leader", DisplayName: "王主任", Role: portal.RoleLeader},
		{Name: "insp", DisplayName: "李督查", Role: portal.RoleInspector, Projects: []string{"p01"}},
	} {
		if err := srv.DB().PutUser(portal.NewUser{User: u, Password: pw}, bcrypt.MinCost); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	f := &fixture{srv: srv, url: hs.URL, clock: clock, tokens: map[string]string{}}
	for _, name := range []string{"admin", "leader", "insp"} {
		f.tokens[name] = f.login(t, name)
	}
	return f
}

func (f *fixture) login(t *testing.T, name string) string {
	t.Helper()
	c, _ := portal.NewClient(f.url, nil, "")
	resp, err := c.Login(context.Background(), portal.LoginRequest{User: name, Password: pw, Device: "dev-" + name})
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return resp.Token
}

func (f *fixture) do(t *testing.T, method, path, token string, body []byte, header map[string]string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, f.url+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// reason checks that a refusal carries a message in both languages.
func reason(t *testing.T, what string, body []byte) {
	t.Helper()
	var e portal.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Zh == "" || e.En == "" || e.Code == "" {
		t.Errorf("%s: refusal without a reason: %s", what, body)
	}
}

func TestEveryEndpointRefusesWhatItMust(t *testing.T) {
	f := newFixture(t)
	expired := f.login(t, "admin")
	f.clock.add(59 * time.Minute)
	// Fresh tokens for the table, made after the clock moved, then let the
	// first admin token expire.
	for _, name := range []string{"admin", "leader", "insp"} {
		f.tokens[name] = f.login(t, name)
	}
	f.clock.add(2 * time.Minute)
	big := []byte(`{"device":"d","changes":[{"seq":1,"entity":"finding","id":"` + strings.Repeat("x", 70<<10) + `"}]}`)
	type endpoint struct {
		method, path string
		role         portal.Role
		json         bool
		good         []byte
	}
	endpoints := []endpoint{
		{"POST", portal.PathLogout, portal.RoleInspector, false, nil},
		{"GET", portal.PathMe, portal.RoleInspector, false, nil},
		{"POST", portal.PathPush, portal.RoleInspector, true, []byte(`{"device":"dev-admin","changes":[]}`)},
		{"GET", portal.PathPull + "?limit=5", portal.RoleInspector, false, nil},
		{"POST", portal.PathPhotosMissing, portal.RoleInspector, true, []byte(`{"hashes":[]}`)},
		{"GET", portal.PathPhotos + strings.Repeat("a", 64), portal.RoleInspector, false, nil},
		{"POST", portal.PathUploads, portal.RoleInspector, false, nil},
		{"POST", portal.PathSnapshot, portal.RoleInspector, true, []byte(`{"kind":"brief","id":"2026-05","time":"2026-05-20T09:00:00Z","as_of":"2026-05-20T09:00:00Z","projects":[]}`)},
		{"GET", portal.PathUsers, portal.RoleAdmin, false, nil},
		{"POST", portal.PathUsers, portal.RoleAdmin, true, []byte(`{"name":"new","role":"inspector","password":"longenough"}`)},
		{"PUT", portal.PathRegister, portal.RoleAdmin, true, []byte(`{"projects":[],"templates":[]}`)},
		{"POST", portal.UserPath("u1", portal.UserPassword), portal.RoleAdmin, true, []byte(`{"password":"another long one"}`)},
		{"POST", portal.UserPath("u1", portal.UserDisable), portal.RoleAdmin, false, nil},
		{"POST", portal.UserPath("u1", portal.UserEnable), portal.RoleAdmin, false, nil},
		{"POST", portal.UserPath("u1", portal.UserRevoke), portal.RoleAdmin, false, nil},
		{"DELETE", portal.UserPath("u2", ""), portal.RoleAdmin, false, nil},
		{"GET", portal.PathAudit + "?since=2026-01-01", portal.RoleAdmin, false, nil},
		{"GET", portal.PathCheck, portal.RoleAdmin, false, nil},
		{"GET", portal.PathAdminDevices, portal.RoleAdmin, false, nil},
		{"POST", portal.DeviceResetPath("dev-leader"), portal.RoleAdmin, false, nil},
		// Last: it binds the admin's token to a new device.
		{"POST", portal.PathDeviceRegister, portal.RoleInspector, true, []byte(`{"device":"d-table-new"}`)},
	}
	for _, name := range []string{"u1", "u2"} {
		if err := f.srv.DB().PutUser(portal.NewUser{User: portal.User{Name: name, Role: portal.RoleInspector}, Password: pw}, bcrypt.MinCost); err != nil {
			t.Fatal(err)
		}
	}
	// Tokens of admins since disabled, revoked, or whose password changed.
	ended := map[string]string{}
	for _, name := range []string{"admin-disabled", "admin-revoked", "admin-repassworded"} {
		if err := f.srv.DB().PutUser(portal.NewUser{User: portal.User{Name: name, Role: portal.RoleAdmin}, Password: pw}, bcrypt.MinCost); err != nil {
			t.Fatal(err)
		}
		ended[name] = f.login(t, name)
	}
	if _, err := f.srv.DB().SetDisabled("admin-disabled", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.DB().RevokeTokens("admin-revoked"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.DB().SetPassword("admin-repassworded", "another long password", bcrypt.MinCost); err != nil {
		t.Fatal(err)
	}
	for _, e := range endpoints {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			if code, body := f.do(t, e.method, e.path, "", e.good, nil); code != http.StatusUnauthorized {
				t.Errorf("no token: %d", code)
			} else {
				reason(t, "no token", body)
			}
			if code, body := f.do(t, e.method, e.path, expired, e.good, nil); code != http.StatusUnauthorized {
				t.Errorf("expired token: %d", code)
			} else {
				reason(t, "expired", body)
			}
			if code, _ := f.do(t, e.method, e.path, "not-a-token", e.good, nil); code != http.StatusUnauthorized {
				t.Errorf("made-up token: %d", code)
			}
			for who, tok := range ended {
				if code, body := f.do(t, e.method, e.path, tok, e.good, nil); code != http.StatusUnauthorized {
					t.Errorf("token of %s: %d", who, code)
				} else {
					reason(t, who, body)
				}
			}
			if e.role == portal.RoleAdmin {
				for _, who := range []string{"insp", "leader"} {
					if code, body := f.do(t, e.method, e.path, f.tokens[who], e.good, nil); code != http.StatusForbidden {
						t.Errorf("%s: %d", who, code)
					} else {
						reason(t, "wrong role", body)
					}
				}
			}
			if !e.json {
				if e.role == portal.RoleAdmin {
					if code, out := f.do(t, e.method, e.path, f.tokens["admin"], nil, nil); code != http.StatusOK {
						t.Errorf("good request by admin: %d %s", code, out)
					}
				}
				return
			}
			for name, body := range map[string][]byte{
				"malformed": []byte(`{"device": [`), "wrong type": []byte(`{"device": 5}`), "unknown field": []byte(`{"nonsense": 1}`),
				"empty": nil, "two values": []byte(`{} {}`),
			} {
				code, out := f.do(t, e.method, e.path, f.tokens["admin"], body, nil)
				if code != http.StatusBadRequest {
					t.Errorf("%s body: %d %s", name, code, out)
				}
				reason(t, name, out)
			}
			if code, out := f.do(t, e.method, e.path, f.tokens["admin"], big, nil); code != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized: %d", code)
			} else {
				reason(t, "oversized", out)
			}
			if code, out := f.do(t, e.method, e.path, f.tokens["admin"], e.good, nil); code != http.StatusOK {
				t.Errorf("good request by admin: %d %s", code, out)
			}
		})
	}
	// The refused requests left no trace in the audit log; the admin's
	// own did, in order.
	_, raw := f.do(t, "GET", portal.PathAudit, f.tokens["admin"], nil, nil)
	var entries []portal.AuditEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatalf("audit: %v %s", err, raw)
	}
	var actions []string
	for _, e := range entries {
		if e.Who != "admin" || e.From != "127.0.0.1" {
			t.Errorf("audit entry by %s from %s", e.Who, e.From)
		}
		actions = append(actions, e.Action+" "+e.Target)
	}
	want := []string{"user.add new", "user.password u1", "user.disable u1", "user.enable u1", "user.revoke u1", "user.delete u2", "check "}
	for i, j := 0, 0; j < len(want); i++ {
		if i == len(actions) {
			t.Fatalf("audit log %q lacks %q", actions, want[j])
		}
		if actions[i] == want[j] {
			j++
		}
	}
	if code, body := f.do(t, "POST", portal.UserPath("ghost", portal.UserDisable), f.tokens["admin"], nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown user: %d", code)
	} else {
		reason(t, "unknown user", body)
	}
	if code, _ := f.do(t, "GET", "/healthz", "", nil, nil); code != http.StatusOK {
		t.Errorf("healthz: %d", code)
	}
	if code, body := f.do(t, "GET", "/api/v1/nothing", f.tokens["admin"], nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown path: %d", code)
	} else {
		reason(t, "unknown path", body)
	}
	if code, body := f.do(t, "GET", portal.PathPull+"?limit=-3", f.tokens["insp"], nil, nil); code != http.StatusBadRequest {
		t.Errorf("bad limit: %d", code)
	} else {
		reason(t, "bad limit", body)
	}
	if code, body := f.do(t, "POST", portal.PathPhotosMissing, f.tokens["insp"], []byte(`{"hashes":["../../etc/passwd"]}`), nil); code != http.StatusBadRequest {
		t.Errorf("bad hash: %d", code)
	} else {
		reason(t, "bad hash", body)
	}
	if code, body := f.do(t, "POST", portal.PathUsers, f.tokens["admin"], []byte(`{"name":"x","role":"boss","password":"longenough"}`), nil); code != http.StatusBadRequest {
		t.Errorf("bad role: %d", code)
	} else {
		reason(t, "bad role", body)
	}
}

func TestRepeatedFailedLoginsAreSlowedDown(t *testing.T) {
	f := newFixture(t)
	body := []byte(`{"user":"insp","password":"wrong"}`)
	for i := range freeFailures {
		if code, _ := f.do(t, "POST", portal.PathLogin, "", body, nil); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	code, out := f.do(t, "POST", portal.PathLogin, "", []byte(`{"user":"insp","password":"`+pw+`"}`), nil)
	if code != http.StatusTooManyRequests {
		t.Fatalf("after %d failures even the right password should wait: %d", freeFailures, code)
	}
	reason(t, "throttled", out)
	f.clock.add(2 * time.Second)
	if code, _ := f.do(t, "POST", portal.PathLogin, "", []byte(`{"user":"insp","password":"`+pw+`"}`), nil); code != http.StatusOK {
		t.Fatalf("after the wait: %d", code)
	}
	if code, _ := f.do(t, "POST", portal.PathLogin, "", []byte(`{"user":"nobody","password":"`+pw+`"}`), nil); code != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", code)
	}
}

// findingChange is a finding's change as device's laptop sends it: each
// field named carries a clock reading of that device.
func findingChange(device string, seq uint64, f sv.Finding, fields ...string) portal.Change {
	data, _ := json.Marshal(f)
	c := portal.Change{Seq: seq, Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: f.UpdatedAt, Data: data, Clocks: map[string]string{}}
	for _, fl := range fields {
		c.Clocks[fl] = portal.HLC{}.Tick(f.UpdatedAt, device).String()
	}
	return c
}

func TestPushAppliesEachChangeOnceRefusesGapsAndChecksRights(t *testing.T) {
	f := newFixture(t)
	c, _ := portal.NewClient(f.url, nil, f.tokens["insp"])
	ctx := context.Background()
	at := time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)
	fd := sv.Finding{ID: "f1", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "临边防护缺失", ResponsibleUnit: "中建三局", Deadline: "2026-06-30", Status: sv.StatusOpen, CreatedAt: at, UpdatedAt: at}
	other := fd
	other.ID, other.ProjectID = "f2", "p02"
	closed := fd
	closed.UpdatedAt = at.Add(time.Minute)
	closed.Status = sv.StatusClosed
	req := portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{
		findingChange("dev-insp", 1, fd, portal.FindingFields()...),
		findingChange("dev-insp", 2, other, portal.FindingFields()...),
		findingChange("dev-insp", 3, closed, portal.FieldStatus),
		{Seq: 4, Entity: "spaceship", ID: "x", Op: "put"},
	}}
	first, err := c.Push(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Acked != 4 || len(first.Rejections) != 3 {
		t.Fatalf("first push: %+v", first)
	}
	for _, r := range first.Rejections {
		if r.Zh == "" || r.En == "" {
			t.Errorf("rejection without reason: %+v", r)
		}
	}
	again, err := c.Push(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.Acked != 4 || len(again.Rejections) != 3 {
		t.Fatalf("repeated push must acknowledge the same: %+v", again)
	}
	pulled, _ := c.Pull(ctx, "", 1000)
	n := 0
	for _, r := range pulled.Records {
		if r.Entity == portal.EntityFinding {
			n++
			var got sv.Finding
			_ = json.Unmarshal(r.Data, &got)
			if got.Status != sv.StatusOpen {
				t.Errorf("an inspector closed a finding: %+v", got)
			}
		}
	}
	if n != 1 {
		t.Fatalf("findings on the portal: %d, want 1", n)
	}
	// A different change under a number already applied: a laptop whose
	// data went back in time. Refused, not silently acknowledged.
	rewound := fd
	rewound.Description = "另一条修改"
	_, err = c.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{findingChange("dev-insp", 1, rewound, portal.FieldDescription)}})
	if ref, ok := err.(*portal.RefusalError); !ok || ref.Status != http.StatusConflict || ref.Err.Code != portal.ErrRewound || ref.Err.Zh == "" {
		t.Fatalf("rewound device: %v", err)
	}
	_, err = c.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{findingChange("dev-insp", 7, fd)}})
	var ref *portal.RefusalError
	if !asRefusal(err, &ref) || ref.Status != http.StatusConflict || ref.Body.Expected != 5 || ref.Body.Epoch == "" {
		t.Fatalf("gap: %v", err)
	}
	// A leader may close what an inspector may not.
	lc, _ := portal.NewClient(f.url, nil, f.tokens["leader"])
	fixed := fd
	fixed.UpdatedAt = at.Add(2 * time.Minute)
	if err := fixed.Apply(sv.Move{To: sv.StatusFixed, By: "李督查", Note: "已整改", At: fixed.UpdatedAt}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{findingChange("dev-insp", 5, fixed, portal.FieldStatus)}}); err != nil {
		t.Fatal(err)
	}
	shut := fixed
	if err := shut.Apply(sv.Move{To: sv.StatusClosed, By: "王主任", Role: sv.RoleLeader, Note: "复核合格", At: at.Add(3 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	resp, err := lc.Push(ctx, portal.PushRequest{Device: "dev-leader", Changes: []portal.Change{findingChange("dev-leader", 1, shut, portal.FieldStatus)}})
	if err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("leader closing: %+v %v", resp, err)
	}
}

func asRefusal(err error, target **portal.RefusalError) bool {
	r, ok := err.(*portal.RefusalError)
	*target = r
	return ok
}

func TestUploadBecomesVisibleOnlyWhenWholeAndVerified(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens["insp"]
	data := bytes.Repeat([]byte("photo-bytes-"), 5000)
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if code, _ := f.do(t, "POST", portal.PathUploads, tok, nil, map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": "10"}); code != http.StatusBadRequest {
		t.Fatalf("upload without sha256: %d", code)
	}
	if code, _ := f.do(t, "POST", portal.PathUploads, tok, nil, map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": strconv.Itoa(2 << 20),
		"Upload-Metadata": "sha256 " + base64.StdEncoding.EncodeToString([]byte(hash))}); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload: %d", code)
	}
	c, _ := portal.NewClient(f.url, nil, tok)
	ctx := context.Background()
	// Wrong declared hash: refused at the end, never visible.
	wrong := strings.Repeat("0", 64)
	u, _, err := c.CreateUpload(ctx, int64(len(data)), wrong, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PatchUpload(ctx, u, 0, bytes.NewReader(data), int64(len(data))); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("mismatching bytes: %v", err)
	}
	if code, _ := f.do(t, "GET", portal.PathPhotos+wrong, tok, nil, nil); code != http.StatusNotFound {
		t.Fatalf("a mismatching upload is visible: %d", code)
	}
	u, _, err = c.CreateUpload(ctx, int64(len(data)), hash, "a.jpg", nil)
	if err != nil {
		t.Fatal(err)
	}
	half := int64(len(data) / 2)
	if _, err := c.PatchUpload(ctx, u, 0, bytes.NewReader(data[:half]), half); err != nil {
		t.Fatal(err)
	}
	if m := must(c.Missing(ctx, []string{hash}))(t); len(m) != 1 {
		t.Fatal("a partial upload is visible")
	}
	off, err := c.UploadOffset(ctx, u)
	if err != nil || off != half {
		t.Fatalf("offset %d %v", off, err)
	}
	if _, err := c.PatchUpload(ctx, u, off, bytes.NewReader(data[off:]), int64(len(data))-off); err != nil {
		t.Fatal(err)
	}
	if m := must(c.Missing(ctx, []string{hash}))(t); len(m) != 0 {
		t.Fatal("the photo is still missing after upload")
	}
	got, err := c.Photo(ctx, hash)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("download: %d bytes, %v", len(got), err)
	}
}

func TestStartUpPromotesFinishedUploadsAndSweepsStaleOnes(t *testing.T) {
	dir := t.TempDir()
	uploads := filepath.Join(dir, "uploads")
	if err := os.MkdirAll(uploads, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(id string, data []byte, size int64, hash string, age time.Duration) {
		info, _ := json.Marshal(map[string]any{"ID": id, "Size": size, "MetaData": map[string]string{"sha256": hash}})
		if err := os.WriteFile(filepath.Join(uploads, id+".info"), info, 0o600); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(uploads, id)
		if err := os.WriteFile(bin, data, 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		_ = os.Chtimes(bin, old, old)
	}
	whole := []byte("all the bytes arrived, then the portal stopped")
	sum := sha256.Sum256(whole)
	hash := hex.EncodeToString(sum[:])
	write("finished", whole, int64(len(whole)), hash, 0)
	write("partial", whole[:10], int64(len(whole)), hash, time.Hour)
	write("stale", whole[:10], 1000, strings.Repeat("b", 64), 40*24*time.Hour)
	srv, err := New(Options{Dir: dir, BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !srv.hasPhoto(hash) {
		t.Fatal("a finished upload was not promoted at start-up")
	}
	if _, err := os.Stat(filepath.Join(uploads, "partial.info")); err != nil {
		t.Fatal("a recent partial upload was removed; its laptop could not resume")
	}
	if _, err := os.Stat(filepath.Join(uploads, "stale.info")); err == nil {
		t.Fatal("a month-old partial upload was kept")
	}
}

// photoIn returns the photo record among a pull's records, if any.
func photoIn(resp portal.PullResponse, hash string) (portal.Record, bool) {
	for _, r := range resp.Records {
		if r.Entity == portal.EntityPhoto && r.ID == hash {
			return r, true
		}
	}
	return portal.Record{}, false
}

// TestPhotoRecordSaysWhenItsBytesAreHere: a photo's record pushed before
// its bytes is pulled without Stored, and pulled again, stored, once the
// upload is verified, so other laptops ask for bytes only when they are
// here; a record pushed after its bytes is stored at once; the laptop that
// sent the record is not sent it back.
func TestPhotoRecordSaysWhenItsBytesAreHere(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	insp, _ := portal.NewClient(f.url, nil, f.tokens["insp"])
	leader, _ := portal.NewClient(f.url, nil, f.tokens["leader"])
	photoChange := func(seq uint64, data []byte) (portal.Change, string) {
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		raw, _ := json.Marshal(sv.Photo{Hash: hash, FileName: "site.jpg", Size: int64(len(data)), Links: []sv.PhotoLink{{FindingID: "f1", Role: sv.RoleBefore}}})
		return portal.Change{Seq: seq, Entity: portal.EntityPhoto, ID: hash, Op: portal.OpPut, At: f.clock.now(), Data: raw}, hash
	}
	upload := func(data []byte, hash string) {
		t.Helper()
		u, _, err := insp.CreateUpload(ctx, int64(len(data)), hash, "site.jpg", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := insp.PatchUpload(ctx, u, 0, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	}
	// The finding the photos show; a photo links only to what the portal holds.
	at := f.clock.now()
	fd := sv.NewFinding("f1", "p01", "", sv.KindProblem, "李督查", at)
	fd.Description, fd.ResponsibleUnit = "临边防护缺失", "中建三局"
	if resp, err := insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{findingChange("dev-insp", 1, fd, portal.FindingFields()...)}}); err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("push of the finding: %+v %v", resp, err)
	}
	first := bytes.Repeat([]byte("first photo "), 300)
	c1, h1 := photoChange(2, first)
	if resp, err := insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{c1}}); err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("push: %+v %v", resp, err)
	}
	pulled, err := leader.Pull(ctx, "", 5000)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := photoIn(pulled, h1); !ok || r.Stored {
		t.Fatalf("before the upload the record is pulled %v, stored %v", ok, r.Stored)
	}
	cursor := pulled.Cursor
	upload(first, h1)
	pulled, err = leader.Pull(ctx, cursor, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := photoIn(pulled, h1); !ok || !r.Stored || len(pulled.Records) != 1 {
		t.Fatalf("after the upload the record is pulled %v, stored %v, with %d records", ok, r.Stored, len(pulled.Records))
	}
	if mine, err := insp.Pull(ctx, "", 5000); err != nil {
		t.Fatal(err)
	} else if _, ok := photoIn(mine, h1); ok {
		t.Error("the laptop that sent the record pulls it back once its upload is marked")
	}

	// Bytes first, then the record: stored from the start.
	second := bytes.Repeat([]byte("second photo "), 300)
	c2, h2 := photoChange(3, second)
	upload(second, h2)
	cursor = pulled.Cursor
	if resp, err := insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{c2}}); err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("push: %+v %v", resp, err)
	}
	pulled, err = leader.Pull(ctx, cursor, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := photoIn(pulled, h2); !ok || !r.Stored {
		t.Fatalf("a record pushed after its bytes is pulled %v, stored %v", ok, r.Stored)
	}
}

// TestStartUpMarksPhotosWhoseBytesAreHere: the portal stopped after a
// photo's bytes were stored but before its record was marked; at the next
// start the record is marked and pulled again.
func TestStartUpMarksPhotosWhoseBytesAreHere(t *testing.T) {
	dir := t.TempDir()
	opts := Options{Dir: dir, BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("bytes stored, record not yet marked")
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	raw, _ := json.Marshal(sv.Photo{Hash: hash, Size: int64(len(data))})
	if err := srv.db.bolt.Update(func(tx *bolt.Tx) error {
		return putRecordFrom(tx, portal.Record{Entity: portal.EntityPhoto, ID: hash, Data: raw}, "")
	}); err != nil {
		t.Fatal(err)
	}
	before, err := srv.db.Pull("", 5000, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(srv.photoPath(hash)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(srv.photoPath(hash), data, 0o600); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	srv, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	after, err := srv.db.Pull(before.Cursor, 5000, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := photoIn(after, hash); !ok || !r.Stored {
		t.Fatalf("after the restart the record is pulled %v, stored %v", ok, r.Stored)
	}
}
