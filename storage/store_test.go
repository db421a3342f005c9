package storage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
)

var cst = time.FixedZone("CST", 8*3600)

// clock is a test clock that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func testRegister() ([]sv.Project, []sv.Template) {
	lo, hi := 0.0, 100.0
	tpl := sv.Template{ID: "monthly", Version: 1, Title: "月度督查清单", Sections: []sv.Section{{
		Key: "safety", Title: "安全生产", Items: []sv.Item{
			{Key: "scaffold", Title: "脚手架搭设规范", Kind: sv.KindPassFail, Required: true, FailRaisesFinding: true, FindingCategory: sv.CategorySafety},
			{Key: "progress", Title: "形象进度", Kind: sv.KindNumber, Unit: "%", Min: &lo, Max: &hi, Required: true},
			{Key: "remark", Title: "其他情况", Kind: sv.KindText},
		}}}}
	tpl2 := tpl
	tpl2.Version = 2
	tpl2.Sections = append([]sv.Section(nil), tpl.Sections...)
	tpl2.Sections = append(tpl2.Sections, sv.Section{Key: "req", Title: "企业诉求", Items: []sv.Item{{Key: "request", Title: "企业诉求", Kind: sv.KindText}}})
	projects := []sv.Project{
		{ID: "p01", Name: "中国科学院重庆科学中心", Industry: sv.IndustryResearch, Leader: "王明", LeadDepartment: "科学城建设局", Phase: sv.PhaseConstruct, TemplateID: "monthly"},
		{ID: "p02", Name: "联合微电子中心", Industry: sv.IndustryIT, Leader: "李华", LeadDepartment: "经济发展局", Phase: sv.PhasePermits, TemplateID: "monthly"},
	}
	return projects, []sv.Template{tpl, tpl2}
}

func openTest(t testing.TB, dir string, c *clock) *Store {
	t.Helper()
	s, err := Open(dir, Options{Now: c.now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newTestStore(t testing.TB) (*Store, *clock) {
	c := &clock{t: time.Date(2026, 5, 20, 9, 0, 0, 0, cst)}
	s := openTest(t, t.TempDir(), c)
	p, tpls := testRegister()
	if err := s.ImportRegister(p, tpls, false); err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestVisitLifecycleWritesOutboxWithEveryChange(t *testing.T) {
	s, c := newTestStore(t)
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	if in.TemplateVersion != 2 {
		t.Fatalf("new visit uses template version %d, want the latest (2)", in.TemplateVersion)
	}
	before, _ := s.OutboxLen()
	v := 62.5
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "progress", Number: &v}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.OutboxLen()
	if after != before+1 {
		t.Fatalf("saving an answer added %d outbox entries, want 1", after-before)
	}
	bad := 140.0
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "progress", Number: &bad}); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("out-of-bounds answer: %v", err)
	}
	if n := must(s.OutboxLen())(t); n != after {
		t.Fatal("a refused answer left an outbox entry")
	}
	got, err := s.Visit(in.ID)
	if err != nil || got.Answers["progress"].Number == nil || *got.Answers["progress"].Number != 62.5 {
		t.Fatalf("answer not read back: %+v %v", got.Answers, err)
	}
	if _, err := s.SubmitVisit(in.ID); err == nil || !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "脚手架") {
		t.Fatalf("incomplete visit submitted: %v", err)
	}
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "scaffold", Verdict: sv.Pass}); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(2 * time.Hour)
	if _, err := s.SubmitVisit(in.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "remark", Text: "迟到的修改"}); sv.ErrorCode(err) != sv.EConflict {
		t.Fatalf("submitted visit accepted an answer: %v", err)
	}
	am, err := s.AmendVisit(in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(am.ID, sv.Answer{ItemKey: "remark", Text: "补充说明"}); err != nil {
		t.Fatal(err)
	}
	orig, _ := s.Visit(in.ID)
	if _, ok := orig.Answers["remark"]; ok || orig.Status != sv.Submitted {
		t.Fatalf("amendment changed the original: %+v", orig)
	}
	visits, _ := s.ProjectVisits("p01")
	if len(visits) != 2 {
		t.Fatalf("project has %d visits, want original and amendment", len(visits))
	}
	changes, _ := s.Outbox(0, 1000)
	for i, ch := range changes {
		if ch.Seq != uint64(i+1) {
			t.Fatalf("outbox seq %d at %d: numbering has a gap", ch.Seq, i)
		}
	}
	if err := s.AckOutbox(changes[2].Seq); err != nil {
		t.Fatal(err)
	}
	rest, _ := s.Outbox(0, 1000)
	if len(rest) != len(changes)-3 || rest[0].Seq != 4 {
		t.Fatalf("ack left %d entries starting at %d", len(rest), rest[0].Seq)
	}
}

func TestDashboardCountsFromIndexes(t *testing.T) {
	s, c := newTestStore(t)
	// A visit last month and one this month for p01; none ever for p02.
	c.t = time.Date(2026, 4, 10, 9, 0, 0, 0, cst)
	old := sv.Visit{ID: "v-april", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1, Inspectors: []string{"张伟"}, StartedAt: c.t, Status: sv.Submitted}
	if err := s.ImportHistory([]sv.Visit{old}, nil); err != nil {
		t.Fatal(err)
	}
	c.t = time.Date(2026, 5, 20, 9, 0, 0, 0, cst)
	mk := func(id, project, deadline string, st sv.Status) sv.Finding {
		return sv.Finding{ID: id, ProjectID: project, Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMinor,
			Description: "塔吊标准节螺栓松动", ResponsibleUnit: "中建三局", Deadline: sv.Date(deadline), Status: st}
	}
	// A finding is born open; f2 reaches in progress by a move.
	if err := s.CreateFinding(mk("f-born-late", "p01", "2026-06-01", sv.StatusInProgress)); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("a finding born in progress: %v", err)
	}
	for _, f := range []sv.Finding{mk("f1", "p01", "2026-05-01", sv.StatusOpen), mk("f2", "p01", "2026-06-01", sv.StatusOpen), mk("f3", "p01", "2026-05-01", sv.StatusOpen)} {
		if err := s.CreateFinding(f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.MoveFinding("f2", sv.Move{To: sv.StatusInProgress, By: "张伟"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveFinding("f3", sv.Move{To: sv.StatusFixed, By: "张伟", Note: "已紧固"}); err != nil {
		t.Fatal(err)
	}
	// An inspector's laptop verifies; only a leader's closes.
	if _, err := s.MoveFinding("f3", sv.Move{To: sv.StatusClosed, By: "张伟", Note: "复查合格"}); sv.ErrorCode(err) != sv.EForbidden {
		t.Fatalf("an inspector closing: %v", err)
	}
	if _, err := s.MoveFinding("f3", sv.Move{To: sv.StatusVerified, By: "张伟", Note: "复查合格"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveFinding("f3", sv.Move{To: sv.StatusClosed, By: "李娜", Role: sv.RoleLeader}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveFinding("f3", sv.Move{To: sv.StatusOpen, By: "李娜"}); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("reopening a closed finding: %v", err)
	}
	rows, err := s.Dashboard(c.t)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]sv.ProjectStatus{}
	for _, r := range rows {
		byID[r.Project.ID] = r
	}
	p1 := byID["p01"]
	if !p1.LastVisit.Equal(old.StartedAt) || p1.OpenFindings != 2 || p1.OverdueFindings != 1 || p1.Next.Overdue || p1.Next.Due != "2026-05-31" {
		t.Fatalf("p01 row wrong: %+v", p1)
	}
	if byID["p02"].OpenFindings != 0 || !byID["p02"].LastVisit.IsZero() {
		t.Fatalf("p02 row wrong: %+v", byID["p02"])
	}
	f3, _ := s.Finding("f3")
	if len(f3.History) != 3 || f3.VerifiedBy != "张伟" || f3.History[2].By != "李娜" || f3.History[2].ID == "" {
		t.Fatalf("history not kept: %+v", f3.History)
	}
	act, _ := s.ActiveFindings("p01")
	if len(act) != 2 {
		t.Fatalf("%d active findings, want 2", len(act))
	}
	overdue, _ := s.Findings(FindingFilter{OverdueAt: c.t})
	if len(overdue) != 1 || overdue[0].ID != "f1" {
		t.Fatalf("overdue filter: %+v", overdue)
	}
}

func TestPhotoStoredOnceWithLinks(t *testing.T) {
	s, _ := newTestStore(t)
	in, _ := s.StartVisit("p01", []string{"张伟"})
	p := sv.Photo{Hash: "abc123", Size: 3, Links: []sv.PhotoLink{{VisitID: in.ID, ItemKey: "scaffold"}}}
	created, err := s.PutPhoto(p, PhotoBlobs{Original: []byte("raw"), Display: []byte("d"), Thumbnail: []byte("t")})
	if err != nil || !created {
		t.Fatalf("first put: %v %v", created, err)
	}
	created, err = s.PutPhoto(p, PhotoBlobs{Original: []byte("raw")})
	if err != nil || created {
		t.Fatalf("second put of the same photo: created=%v err=%v", created, err)
	}
	got, _ := s.Visit(in.ID)
	if a := got.Answers["scaffold"]; len(a.Photos) != 1 || a.Photos[0] != "abc123" {
		t.Fatalf("photo not linked to the answer: %+v", a)
	}
	raw, _ := s.PhotoBlob("abc123", BlobOriginal)
	if string(raw) != "raw" {
		t.Fatalf("original bytes %q", raw)
	}
	list, _ := s.PhotosFor(sv.PhotoLink{VisitID: in.ID})
	if len(list) != 1 {
		t.Fatalf("PhotosFor found %d", len(list))
	}
}

func TestSecondOpenSaysAlreadyOpenQuickly(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = Open(dir, Options{})
	if sv.ErrorCode(err) != sv.EAlreadyOpen {
		t.Fatalf("second open: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("second open took %v, want under 2 s", d)
	}
	if !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "已被另一个") {
		t.Fatalf("message: %s", sv.ErrorMessage(err, sv.Chinese))
	}
}

func TestBadDataFolders(t *testing.T) {
	t.Run("folder is a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "data")
		os.WriteFile(f, []byte("x"), 0o600)
		_, err := Open(f, Options{})
		if sv.ErrorCode(err) != sv.EInvalid || !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "是一个文件") {
			t.Fatalf("got %v", err)
		}
	})
	for name, content := range map[string][]byte{
		"garbage":   []byte(strings.Repeat("这不是数据库", 2000)),
		"truncated": truncatedStore(t),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(content)
			_, err := Open(dir, Options{})
			if sv.ErrorCode(err) != sv.EInvalid || !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "已损坏") {
				t.Fatalf("got %v", err)
			}
			after, _ := os.ReadFile(path)
			if sha256.Sum256(after) != sum {
				t.Fatal("opening a damaged file changed it")
			}
		})
	}
}

// truncatedStore returns the first half of a real store's file.
func truncatedStore(t *testing.T) []byte {
	s, _ := newTestStore(t)
	for i := 0; i < 200; i++ {
		in, _ := s.StartVisit("p01", []string{"张伟"})
		_ = s.SaveAnswer(in.ID, sv.Answer{ItemKey: "remark", Text: strings.Repeat("现场文明施工情况良好。", 30)})
	}
	path := s.Path()
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:len(b)/2]
}

// TestReadOnlyFolder runs the open as an unprivileged user when the tests
// run as root (as in CI), since root may write anywhere.
func TestReadOnlyFolder(t *testing.T) {
	if os.Getenv("FIELDBRIEF_RO_CHILD") != "" {
		_, err := Open(os.Getenv("FIELDBRIEF_RO_CHILD"), Options{})
		if sv.ErrorCode(err) == sv.EUnavailable && strings.Contains(sv.ErrorMessage(err, sv.Chinese), "权限") {
			os.Exit(0)
		}
		os.Stderr.WriteString("got: " + sv.ErrorMessage(err, sv.Chinese))
		os.Exit(3)
	}
	base, err := os.MkdirTemp("", "fieldbrief-ro-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	dir := filepath.Join(base, "data")
	os.Mkdir(dir, 0o555)
	os.Chmod(base, 0o755)
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadOnlyFolder$")
	cmd.Env = append(os.Environ(), "FIELDBRIEF_RO_CHILD="+dir)
	if os.Geteuid() == 0 {
		exe, _ := os.Executable()
		if fi, err := os.Stat(exe); err == nil {
			os.Chmod(exe, fi.Mode()|0o055)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		// The test binary lives in a root-only build cache; give the child a copy it can run.
		cp := filepath.Join(base, "child.test")
		b, err := os.ReadFile(exe)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cp, b, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd.Path = cp
		cmd.Dir = base
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("read-only folder: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a file appeared in the read-only folder")
	}
}

func TestBackupCheckCompact(t *testing.T) {
	s, _ := newTestStore(t)
	for i := 0; i < 50; i++ {
		in, _ := s.StartVisit("p02", []string{"张伟"})
		_ = s.SaveAnswer(in.ID, sv.Answer{ItemKey: "remark", Text: strings.Repeat("材料堆放整齐。", 40)})
		if i%2 == 0 {
			_ = s.DeleteDraft(in.ID)
		}
	}
	if probs := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := s.BackupTo(backup); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BackupTo(s.Path()); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("backup over the live file: %v", err)
	}
	// The backup is a store of its own with the same visits.
	bdir := t.TempDir()
	b, _ := os.ReadFile(backup)
	os.WriteFile(filepath.Join(bdir, FileName), b, 0o600)
	bs, err := Open(bdir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bv, _ := bs.Visits("")
	bs.Close()
	sv1, _ := s.Visits("")
	if len(bv) != len(sv1) || len(bv) != 25 {
		t.Fatalf("backup has %d visits, store %d", len(bv), len(sv1))
	}
	dir := filepath.Dir(s.Path())
	s.Close()
	before, after, err := Compact(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if after > before {
		t.Fatalf("compaction grew the file: %d → %d", before, after)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v := must(s2.Visits(""))(t); len(v) != 25 {
		t.Fatalf("after compaction %d visits", len(v))
	}
	if probs := s2.Check(); len(probs) != 0 {
		t.Fatalf("check after compaction: %v", probs)
	}
}

// TestUpgradeFromV1 opens a store laid out as version 1 wrote it — answers
// inside visit records, no indexes — and expects the data intact and the
// dashboard and answers readable after the upgrade.
func TestUpgradeFromV1(t *testing.T) {
	dir := t.TempDir()
	writeV1Store(t, filepath.Join(dir, FileName))
	c := &clock{t: time.Date(2026, 5, 20, 9, 0, 0, 0, cst)}
	s := openTest(t, dir, c)
	in, err := s.Visit("v1-visit")
	if err != nil {
		t.Fatal(err)
	}
	if in.Answers["scaffold"].Verdict != sv.Fail || in.Answers["remark"].Text != "旧版本写入" {
		t.Fatalf("answers lost in upgrade: %+v", in.Answers)
	}
	rows, err := s.Dashboard(c.t)
	if err != nil || len(rows) != 2 {
		t.Fatalf("dashboard after upgrade: %v %v", rows, err)
	}
	for _, r := range rows {
		if r.Project.ID == "p01" && (r.OpenFindings != 1 || r.LastVisit.IsZero()) {
			t.Fatalf("p01 after upgrade: %+v", r)
		}
	}
	if probs := s.Check(); len(probs) != 0 {
		t.Fatalf("check after upgrade: %v", probs)
	}
	var raw []byte
	s.db.View(func(tx *bolt.Tx) error {
		raw = append(raw, tx.Bucket(bVisits).Get([]byte("v1-visit"))...)
		return nil
	})
	if strings.Contains(string(raw), "answers") {
		t.Fatal("answers still embedded in the visit record after upgrade")
	}
}

// writeV1Store writes the version 1 layout directly with bbolt, as the old
// release did.
func writeV1Store(t *testing.T, path string) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	projects, tpls := testRegister()
	err = db.Update(func(tx *bolt.Tx) error {
		b := func(name string) *bolt.Bucket { x, _ := tx.CreateBucketIfNotExists([]byte(name)); return x }
		meta := b("meta")
		meta.Put([]byte("schema"), []byte{0, 0, 0, 0, 0, 0, 0, 1})
		meta.Put([]byte("device"), []byte("old-device"))
		for _, p := range projects {
			put(b("projects"), []byte(p.ID), p)
		}
		put(b("templates"), templateKey("monthly", 1), tpls[0])
		in := sv.Visit{ID: "v1-visit", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1, Inspectors: []string{"老张"},
			StartedAt: time.Date(2026, 4, 3, 10, 0, 0, 0, cst), Status: sv.Submitted,
			Answers: map[string]sv.Answer{"scaffold": {ItemKey: "scaffold", Verdict: sv.Fail}, "remark": {ItemKey: "remark", Text: "旧版本写入"}}}
		put(b("inspections"), []byte(in.ID), in)
		put(b("findings"), []byte("f-old"), sv.Finding{ID: "f-old", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety,
			Severity: sv.SeverityMinor, Description: "脚手架缺少连墙件", ResponsibleUnit: "中建三局", Deadline: "2026-04-20", Status: sv.StatusOpen})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboxNumberingContinuesAfterAck(t *testing.T) {
	s, _ := newTestStore(t)
	in, _ := s.StartVisit("p01", []string{"张伟"})
	for i := 0; i < 3; i++ {
		_ = s.SaveAnswer(in.ID, sv.Answer{ItemKey: "remark", Text: fmt.Sprint(i)})
	}
	all, _ := s.Outbox(0, 100)
	last := all[len(all)-1].Seq
	if err := s.AckOutbox(last); err != nil {
		t.Fatal(err)
	}
	if n := must(s.OutboxLen())(t); n != 0 {
		t.Fatalf("%d entries after acking all", n)
	}
	_ = s.SaveAnswer(in.ID, sv.Answer{ItemKey: "remark", Text: "again"})
	next, _ := s.Outbox(0, 100)
	if len(next) != 1 || next[0].Seq != last+1 {
		t.Fatalf("after ack of %d the next change is %+v, want seq %d", last, next, last+1)
	}
	if err := s.AckOutbox(last + 5); sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("acking beyond the outbox: %v", err)
	}
}

// TestUpgradeFromV2MovesPhotoBytes writes photo bytes as version 2 did
// (flat keys in one bucket) and expects them in a bucket per photo after
// opening, readable and passing the check.
func TestUpgradeFromV2MovesPhotoBytes(t *testing.T) {
	s, _ := newTestStore(t)
	in, _ := s.StartVisit("p01", []string{"张伟"})
	if _, err := s.PutPhoto(sv.Photo{Hash: "feed", Size: 4, Links: []sv.PhotoLink{{VisitID: in.ID}}},
		PhotoBlobs{Original: []byte("orig"), Display: []byte("disp"), Thumbnail: []byte("th")}); err != nil {
		t.Fatal(err)
	}
	// Rewrite the store into the version 2 layout.
	err := s.db.Update(func(tx *bolt.Tx) error {
		blobs := tx.Bucket(bBlobs)
		if err := blobs.DeleteBucket([]byte("feed")); err != nil {
			return err
		}
		for kind, v := range map[byte]string{'o': "orig", 'd': "disp", 't': "th"} {
			if err := blobs.Put([]byte("feed\x00"+string(kind)), []byte(v)); err != nil {
				return err
			}
		}
		return setSchema(tx, 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	if probs := s.Check(); len(probs) == 0 {
		t.Fatal("check accepted photo bytes outside a photo's bucket")
	}
	dir := dirOf(s)
	s.Close()
	s2 := openTest(t, dir, &clock{t: time.Now()})
	for kind, want := range map[BlobKind]string{BlobOriginal: "orig", BlobDisplay: "disp", BlobThumbnail: "th"} {
		if got, err := s2.PhotoBlob("feed", kind); err != nil || string(got) != want {
			t.Errorf("rendition %c after upgrade: %q, %v", kind, got, err)
		}
	}
	if probs := s2.Check(); len(probs) != 0 {
		t.Fatalf("check after upgrade: %v", probs)
	}
}

func TestPhotoLinkedTwiceIsOnBothItems(t *testing.T) {
	s, _ := newTestStore(t)
	in, _ := s.StartVisit("p01", []string{"张伟"})
	blobs := PhotoBlobs{Original: []byte("o"), Display: []byte("d"), Thumbnail: []byte("t")}
	if _, err := s.PutPhoto(sv.Photo{Hash: "h2", Links: []sv.PhotoLink{{VisitID: in.ID, ItemKey: "scaffold"}}}, blobs); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPhoto(sv.Photo{Hash: "h2", Links: []sv.PhotoLink{{VisitID: in.ID, ItemKey: "remark"}}}, blobs); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Visit(in.ID)
	if len(got.Answers["scaffold"].Photos) != 1 || len(got.Answers["remark"].Photos) != 1 {
		t.Fatalf("one photo for two items: %+v", got.Answers)
	}
	p, _ := s.Photo("h2")
	if len(p.Links) != 2 {
		t.Fatalf("photo has %d links, want 2", len(p.Links))
	}
}

// An original stays for OriginalsRetention after the portal confirmed it
// (a portal restored from an older backup may need it again), then goes
// unless the user keeps originals; unticking the choice lets go of those
// confirmed long enough ago. A photo to be uploaded again keeps its
// original whatever the old portal confirmed.
func TestOriginalsStayForTheRetentionUnlessKept(t *testing.T) {
	s, c := newTestStore(t)
	in, _ := s.StartVisit("p01", []string{"张伟"})
	blobs := PhotoBlobs{Original: []byte("o"), Display: []byte("d"), Thumbnail: []byte("t")}
	for _, h := range []string{"a1", "b2", "c3", "d4"} {
		if _, err := s.PutPhoto(sv.Photo{Hash: h, Links: []sv.PhotoLink{{VisitID: in.ID}}}, blobs); err != nil {
			t.Fatal(err)
		}
	}
	has := func(h string) bool {
		t.Helper()
		o, err := s.PhotoBlob(h, BlobOriginal)
		if err != nil && sv.ErrorCode(err) != sv.ENotFound {
			t.Fatal(err)
		}
		return err == nil && string(o) == "o"
	}
	letGo := func(want int) {
		t.Helper()
		if n, err := s.LetGoOriginals(); err != nil || n != want {
			t.Fatalf("let go of %d originals (%v), want %d", n, err, want)
		}
	}
	if keep := must(s.KeepOriginals())(t); keep {
		t.Fatal("originals are kept by default")
	}
	if err := s.MarkUploaded("a1"); err != nil {
		t.Fatal(err)
	}
	letGo(0)
	if !has("a1") {
		t.Fatal("the original went as soon as the portal confirmed it")
	}
	c.t = c.t.Add(OriginalsRetention - time.Minute)
	letGo(0)
	if !has("a1") {
		t.Fatal("the original went before the retention passed")
	}
	c.t = c.t.Add(time.Minute)
	letGo(1)
	if has("a1") {
		t.Fatal("the original is still here after the retention")
	}
	if d, err := s.PhotoBlob("a1", BlobDisplay); err != nil || string(d) != "d" {
		t.Fatalf("display copy lost with the original: %q %v", d, err)
	}
	if p := must(s.Photo("a1"))(t); !p.Uploaded {
		t.Fatal("the photo lost its uploaded mark")
	}

	if err := s.SetKeepOriginals(true); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkUploaded("b2"); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(2 * OriginalsRetention)
	letGo(0)
	if !has("b2") {
		t.Fatal("kept original lost")
	}
	if err := s.SetKeepOriginals(false); err != nil {
		t.Fatal(err)
	}
	letGo(1)
	if has("b2") {
		t.Fatal("the original confirmed long ago stays after the user stopped keeping originals")
	}

	// c3 is confirmed, then the laptop meets a restored portal that lacks
	// it: it is to be uploaded again, and its original must stay.
	if err := s.MarkUploaded("c3"); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Hour)
	if err := s.Reregister("after-restore", []OwnRecord{{Entity: wire.EntityPhoto, ID: "c3"}}, nil, true); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(2 * OriginalsRetention)
	letGo(0)
	if !has("c3") || !has("d4") {
		t.Fatal("an original not confirmed by the portal went")
	}
	pending, err := s.PendingPhotos()
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, p := range pending {
		hashes = append(hashes, p.Hash)
	}
	if strings.Join(hashes, ",") != "c3,d4" {
		t.Fatalf("photos waiting for upload %v, want c3 and d4", hashes)
	}
	// The restored portal confirms it: the retention starts again.
	if err := s.MarkUploaded("c3"); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(OriginalsRetention / 2)
	letGo(0)
	c.t = c.t.Add(OriginalsRetention / 2)
	letGo(1)
	if has("c3") || !has("d4") {
		t.Fatal("after the restored portal's confirmation and the retention, c3's original should go and d4's stay")
	}
	// A confirmation date that cannot be read keeps the original a full
	// period more, without failing.
	if err := s.MarkUploaded("d4"); err != nil {
		t.Fatal(err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return tx.Bucket(bSyncConfirmed).Put([]byte("d4"), []byte("garbled")) }); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(2 * OriginalsRetention)
	letGo(0)
	if !has("d4") {
		t.Fatal("an original with an unreadable confirmation went")
	}
	c.t = c.t.Add(OriginalsRetention)
	letGo(1)

	// An original kept, with "keep originals" ticked, by a version that
	// did not date confirmations goes a full period after unticking.
	if _, err := s.PutPhoto(sv.Photo{Hash: "e5", Links: []sv.PhotoLink{{VisitID: in.ID}}}, blobs); err != nil {
		t.Fatal(err)
	}
	if err := s.SetKeepOriginals(true); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkUploaded("e5"); err != nil {
		t.Fatal(err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return tx.Bucket(bSyncConfirmed).Delete([]byte("e5")) }); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(2 * OriginalsRetention)
	if err := s.SetKeepOriginals(false); err != nil {
		t.Fatal(err)
	}
	letGo(0)
	if !has("e5") {
		t.Fatal("an undated original went as soon as the user stopped keeping originals")
	}
	c.t = c.t.Add(OriginalsRetention)
	letGo(1)
	if has("e5") {
		t.Fatal("an undated original stays a period after the user stopped keeping originals")
	}
	if probs := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}
}
