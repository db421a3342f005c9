package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldbrief/photo"
	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

// registeredPortal is a portal server holding the sample register, with
// no users yet.
func registeredPortal(t *testing.T) *server.Server {
	t.Helper()
	srv, err := server.New(server.Options{Dir: t.TempDir(), BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	projects, templates, _ := sample.Register()
	if err := srv.DB().PutRegister(projects, templates); err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestLoginSyncStatusAgainstAPortal(t *testing.T) {
	srv := registeredPortal(t)
	if err := srv.DB().PutUser(portal.NewUser{User: portal.User{Name: "li", Role: portal.RoleInspector}, Password: "password-1"}, bcrypt.MinCost); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer func() { hs.Close(); srv.Close() }()
	data := t.TempDir()
	var out, errOut bytes.Buffer
	c := &ctx{Env: Env{Stdin: strings.NewReader("password-1\n"), Stdout: &out, Stderr: &errOut, Now: time.Now}, lang: "en"}
	if err := runLogin(c, []string{"--data", data, "--portal", hs.URL, "--user", "li"}); err != nil {
		t.Fatalf("login: %v", err)
	}
	fi, err := os.Stat(filepath.Join(data, "portal.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	if err := runSync(c, []string{"--data", data}); err != nil {
		t.Fatalf("sync: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "Received: records 22") {
		t.Fatalf("sync output: %s", out.String())
	}
	out.Reset()
	if err := runStatus(c, []string{"--data", data, "--json"}); err != nil {
		t.Fatal(err)
	}
	var st statusJSON
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || st.LastSync == nil || st.PendingChanges != 0 || !st.SignedIn || st.User != "li" {
		t.Fatalf("status: %s %v", out.String(), err)
	}
	c.Stdin = strings.NewReader("wrong\n")
	err = runLogin(c, []string{"--data", data, "--portal", hs.URL, "--user", "li"})
	if err == nil || !strings.Contains(err.Error(), "password is wrong") {
		t.Fatalf("wrong password: %v", err)
	}
}

// colleaguesPortal starts a portal where Wang, on his laptop, has started
// a visit of the first project with one camera photo and synced it. It
// returns the portal's address, the visit and the photo's hash.
func colleaguesPortal(t *testing.T) (url, visitID, photoHash string) {
	t.Helper()
	srv := registeredPortal(t)
	for _, name := range []string{"li", "wang"} {
		if err := srv.DB().PutUser(portal.NewUser{User: portal.User{Name: name, Role: portal.RoleInspector}, Password: "password-1"}, bcrypt.MinCost); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })

	// Wang starts a visit on his laptop, photographs the site and syncs.
	wang, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wang.Close() })
	client, err := portal.NewClient(hs.URL, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syncer.Login(context.Background(), wang, client, "wang", "password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := syncer.New(wang, client, syncer.Options{}).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	projects, _, _ := sample.Register()
	in, err := wang.StartVisit(projects[0].ID, []string{"wang"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "photo", "testdata", "gps_DSCN0010.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := photo.Process("gps_DSCN0010.jpg", raw)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := wang.NewPhotoSink(sv.PhotoLink{VisitID: in.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sink.PutPhoto(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	r, err := syncer.New(wang, client, syncer.Options{}).Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rejections) > 0 || r.Pushed == 0 {
		t.Fatalf("Wang's sync pushed %d changes, refused: %+v", r.Pushed, r.Rejections)
	}
	return hs.URL, in.ID, p.SHA256
}

// liSynced signs Li in to the portal at url on a new data folder, in
// English, and syncs it; out and errOut collect what the commands say.
func liSynced(t *testing.T, url string) (c *ctx, data string, out, errOut *bytes.Buffer) {
	t.Helper()
	data = t.TempDir()
	out, errOut = new(bytes.Buffer), new(bytes.Buffer)
	c = &ctx{Env: Env{Stdin: strings.NewReader("password-1\n"), Stdout: out, Stderr: errOut, Now: time.Now}, lang: "en"}
	if err := runLogin(c, []string{"--data", data, "--portal", url, "--user", "li"}); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := runSync(c, []string{"--data", data}); err != nil {
		t.Fatalf("sync: %v\n%s", err, errOut.String())
	}
	return c, data, out, errOut
}

// TestSyncDownloadsColleaguesThumbnails: `fieldbrief sync` brings the
// thumbnails of photos another laptop took, and says so.
func TestSyncDownloadsColleaguesThumbnails(t *testing.T) {
	url, _, hash := colleaguesPortal(t)
	_, data, out, _ := liSynced(t, url)
	if !strings.Contains(out.String(), "thumbnails downloaded 1, left for the next sync 0") {
		t.Fatalf("sync output: %s", out.String())
	}
	li, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer li.Close()
	if _, err := li.PhotoBlob(hash, storage.BlobThumbnail); err != nil {
		t.Fatalf("no thumbnail after fieldbrief sync: %v", err)
	}
	if _, err := li.PhotoBlob(hash, storage.BlobOriginal); err == nil {
		t.Fatal("the original came without being asked for")
	}
}

// TestReportDownloadsColleaguesPhotos: signed in, `fieldbrief report`
// prints a colleague's photo instead of "not on this laptop", downloading
// it on the way; with --offline it leaves the portal alone and says which
// photo is missing.
func TestReportDownloadsColleaguesPhotos(t *testing.T) {
	url, visit, hash := colleaguesPortal(t)
	c, data, out, errOut := liSynced(t, url)

	out.Reset()
	offline := filepath.Join(t.TempDir(), "offline.pdf")
	if err := runReport(c, []string{"visit", "--data", data, "--id", visit, "--out", offline, "--offline"}); err != nil {
		t.Fatalf("report --offline: %v", err)
	}
	// The photo has no caption: the warning names it by place and time.
	if !strings.Contains(out.String(), "not on this computer") || !strings.Contains(out.String(), `"No. 1, taken `) || strings.Contains(out.String(), "Downloaded") {
		t.Fatalf("report --offline said:\n%s\n%s", out.String(), errOut.String())
	}

	out.Reset()
	pdf := filepath.Join(t.TempDir(), "visit.pdf")
	if err := runReport(c, []string{"visit", "--data", data, "--id", visit, "--out", pdf}); err != nil {
		t.Fatalf("report: %v", err)
	}
	if !strings.Contains(out.String(), "Downloaded 1 photo") || strings.Contains(out.String(), "not on this computer") {
		t.Fatalf("report said:\n%s", out.String())
	}
	li, err := storage.Open(data, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer li.Close()
	printCopy, err := li.PhotoBlob(hash, storage.BlobPrint)
	if err != nil {
		t.Fatalf("no print copy after the report: %v", err)
	}
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, printCopy) {
		t.Error("the visit report does not embed the downloaded photo's print copy")
	}
}
