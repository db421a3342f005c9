package server

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fieldbrief/portal"
	"fieldbrief/spreadsheet"
	sv "fieldbrief/supervision"
)

const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (f *fixture) pullAll(t *testing.T) portal.PullResponse {
	t.Helper()
	c, _ := portal.NewClient(f.url, nil, f.tokens["leader"])
	resp, err := c.Pull(context.Background(), "", 5000)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// Only an admin may import, export or back up; every other request is
// refused and changes nothing.
func TestOfficeEndpointsRefuseAllButAdmins(t *testing.T) {
	f := newFixture(t)
	office, err := os.ReadFile("../../spreadsheet/testdata/重点项目推进情况表.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	before := f.pullAll(t)
	for _, who := range []string{"", "insp", "leader"} {
		for _, e := range []struct{ method, path string }{
			{"POST", portal.PathRegisterImport}, {"GET", portal.PathRegisterExport}, {"POST", portal.PathTemplateImport},
			{"GET", portal.PathTemplateExport}, {"GET", portal.PathFindingsExport}, {"GET", portal.PathBackup},
		} {
			code, body := f.do(t, e.method, e.path, f.tokens[who], office, map[string]string{"Content-Type": xlsx})
			want := http.StatusForbidden
			if who == "" {
				want = http.StatusUnauthorized
			}
			if code != want {
				t.Errorf("%s %s as %q: %d, want %d", e.method, e.path, who, code, want)
			}
			reason(t, e.path, body)
		}
	}
	if after := f.pullAll(t); after.Cursor != before.Cursor {
		t.Fatalf("a refused request changed the change log: %s → %s", before.Cursor, after.Cursor)
	}
}

// A dry run changes nothing; the import then goes into the change log,
// so laptops pull it; a bad file changes nothing and names the cell.
func TestRegisterImportReachesLaptopsAndDryRunChangesNothing(t *testing.T) {
	f := newFixture(t)
	office, err := os.ReadFile("../../spreadsheet/testdata/重点项目推进情况表.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	admin := f.tokens["admin"]
	before := f.pullAll(t)
	code, body := f.do(t, "POST", portal.PathRegisterImport+"?dry_run=1", admin, office, map[string]string{"Content-Type": xlsx})
	var res RegisterImportResult
	if code != http.StatusOK || json.Unmarshal(body, &res) != nil || res.Applied || len(res.Changed) != 20 {
		t.Fatalf("dry run: %d %s", code, body)
	}
	if after := f.pullAll(t); after.Cursor != before.Cursor {
		t.Fatal("a dry run changed the register")
	}
	code, body = f.do(t, "POST", portal.PathRegisterImport, admin, office, map[string]string{"Content-Type": xlsx})
	if code != http.StatusOK || json.Unmarshal(body, &res) != nil || !res.Applied {
		t.Fatalf("import: %d %s", code, body)
	}
	c, _ := portal.NewClient(f.url, nil, f.tokens["leader"])
	page, err := c.Pull(context.Background(), before.Cursor, 5000)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, r := range page.Records {
		var p sv.Project
		if r.Entity == portal.EntityProject && json.Unmarshal(r.Data, &p) == nil && p.Investment.AsOf == "2026-11-30" {
			got++
		}
	}
	if got != 20 {
		t.Fatalf("a laptop pulling after the import gets %d updated projects, want 20", got)
	}
	// The export, imported again, changes nothing.
	code, exported := f.do(t, "GET", portal.PathRegisterExport, admin, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("export: %d", code)
	}
	code, body = f.do(t, "POST", portal.PathRegisterImport, admin, exported, map[string]string{"Content-Type": xlsx})
	if code != http.StatusOK || json.Unmarshal(body, &res) != nil || res.Unchanged != 20 || res.Applied {
		t.Fatalf("re-import of the export: %d %s", code, body)
	}
	// A file with a problem is refused whole.
	mark := f.pullAll(t).Cursor
	bad := editCell(t, exported, "重点项目", "J3", "lots")
	code, body = f.do(t, "POST", portal.PathRegisterImport, admin, bad, map[string]string{"Content-Type": xlsx})
	if code != http.StatusBadRequest || !strings.Contains(string(body), "cell J3") {
		t.Fatalf("bad figure: %d %s", code, body)
	}
	if f.pullAll(t).Cursor != mark {
		t.Fatal("a refused import changed the register")
	}
}

func editCell(t *testing.T, data []byte, sheet, cell string, v any) []byte {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An unchanged checklist makes no version; a changed one makes the next,
// and the version visits were made with stays.
func TestTemplateImportMakesANewVersionOnlyWhenChanged(t *testing.T) {
	f := newFixture(t)
	admin := f.tokens["admin"]
	code, cur := f.do(t, "GET", portal.PathTemplateExport+"?id=monthly", admin, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("export: %d", code)
	}
	var res TemplateImportResult
	code, body := f.do(t, "POST", portal.PathTemplateImport, admin, cur, map[string]string{"Content-Type": xlsx})
	if code != http.StatusOK || json.Unmarshal(body, &res) != nil || res.Created || res.Version != 2 {
		t.Fatalf("same checklist: %d %s", code, body)
	}
	changed := editCell(t, cur, "items", "F2", "本月形象进度（已改）")
	code, body = f.do(t, "POST", portal.PathTemplateImport, admin, changed, map[string]string{"Content-Type": xlsx})
	if code != http.StatusOK || json.Unmarshal(body, &res) != nil || !res.Created || !res.Applied || res.Version != 3 || len(res.Differences) != 1 {
		t.Fatalf("changed checklist: %d %s", code, body)
	}
	for _, v := range []string{"2", "3"} {
		if code, _ := f.do(t, "GET", portal.PathTemplateExport+"?id=monthly&version="+v, admin, nil, nil); code != http.StatusOK {
			t.Errorf("version %s: %d", v, code)
		}
	}
}

// The portal's ledger holds what laptops pushed, filtered as asked.
func TestFindingsLedgerFromThePortal(t *testing.T) {
	f := newFixture(t)
	c, _ := portal.NewClient(f.url, nil, f.tokens["leader"])
	at := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	late := sv.Finding{ID: "f1", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "临边防护缺失", ResponsibleUnit: "中建三局", Deadline: "2026-05-01", Status: sv.StatusOpen, CreatedAt: at, UpdatedAt: at,
		PhotosBefore: []string{strings.Repeat("a", 64)}}
	onTime := late
	onTime.ID, onTime.ProjectID, onTime.Deadline, onTime.ResponsibleUnit = "f2", "p02", "2026-09-01", "业主单位"
	if _, err := c.Push(context.Background(), portal.PushRequest{Device: "dev-leader", Changes: []portal.Change{
		findingChange("dev-leader", 1, late, portal.FindingFields()...), findingChange("dev-leader", 2, onTime, portal.FindingFields()...)}}); err != nil {
		t.Fatal(err)
	}
	code, data := f.do(t, "GET", portal.PathFindingsExport+"?status=overdue", f.tokens["admin"], nil, nil)
	if code != http.StatusOK {
		t.Fatalf("export: %d %s", code, data)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(spreadsheet.LedgerSheet)
	if len(rows) != 2 || rows[1][1] != "中科院科学中心" || rows[1][9] != "19" || rows[1][11] != "1" {
		t.Fatalf("overdue ledger (the clock says 2026-05-20): %q", rows)
	}
	if code, body := f.do(t, "GET", portal.PathFindingsExport+"?status=later", f.tokens["admin"], nil, nil); code != http.StatusBadRequest {
		t.Fatalf("unknown status: %d %s", code, body)
	}
}

// A backup is a tar of portal.db and the photos.
func TestBackupHoldsTheDatabaseAndPhotos(t *testing.T) {
	f := newFixture(t)
	// An original beside the thumbnail made of it and a remembered
	// refusal: the backup holds the original only, and restores.
	photo := []byte("the bytes of a site photo")
	sum := sha256.Sum256(photo)
	hash := hex.EncodeToString(sum[:])
	orig := f.srv.photoPath(hash)
	if err := os.MkdirAll(filepath.Dir(orig), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{orig: photo, orig + ".thumb.jpg": []byte("thumb"), orig + ".thumb.none": []byte("too large")} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, data := f.do(t, "GET", portal.PathBackup, f.tokens["admin"], nil, nil)
	if code != http.StatusOK {
		t.Fatalf("backup: %d", code)
	}
	tr := tar.NewReader(bytes.NewReader(data))
	h, err := tr.Next()
	if err != nil || h.Name != DBFile {
		t.Fatalf("first entry %v %v", h, err)
	}
	if _, err := io.Copy(io.Discard, tr); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Restore(bytes.NewReader(data), dir); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(f.srv.opts.Dir, orig)
	if got, err := os.ReadFile(filepath.Join(dir, rel)); err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("the restored photo: %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, rel+".thumb.jpg")); !os.IsNotExist(err) {
		t.Fatalf("a thumbnail went into the backup: %v", err)
	}
	if err := Restore(bytes.NewReader(data), dir); sv.ErrorCode(err) != sv.EConflict {
		t.Fatalf("restore into a non-empty folder: %v", err)
	}
	empty := t.TempDir()
	if err := Restore(bytes.NewReader(data[:len(data)/2]), empty); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("cut-off backup: %v", err)
	}
	if left := must(os.ReadDir(empty))(t); len(left) != 0 {
		t.Fatalf("a failed restore left %d files", len(left))
	}
	// A tar that reaches out of the folder is refused, nothing written.
	var evil bytes.Buffer
	tw := tar.NewWriter(&evil)
	for _, name := range []string{DBFile, "photos/../../escaped"} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
	}
	tw.Close()
	base := t.TempDir()
	target := base + "/restore"
	if err := Restore(&evil, target); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("a tar escaping its folder: %v", err)
	}
	if left := must(os.ReadDir(base))(t); len(left) != 1 {
		t.Fatalf("the escaping entry was written: %v", left)
	}
	if left := must(os.ReadDir(target))(t); len(left) != 0 {
		t.Fatalf("a refused restore left %d files", len(left))
	}
}
