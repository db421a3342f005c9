package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"fieldbrief/supervision"
)

// TestBriefStampRoundTrip prints a brief whose project ids hold the
// characters a stamp word cannot (a space, parentheses, a comma, a colon)
// and reads its stamp back: the same ids, digests and as-of moment, and
// an intact seal. The snapshot does not depend on the order findings were
// loaded in, and an added note changes the project's digest and no
// other's.
func TestBriefStampRoundTrip(t *testing.T) {
	in := fixtureBrief(0)
	in.Projects[0].Project.ID = "p 01(a),b:c"
	var buf bytes.Buffer
	if _, err := Brief(&buf, testFonts(t), in, Options{Time: fixedTime}); err != nil {
		t.Fatal(err)
	}
	st, ok := ReadStamp(buf.Bytes())
	if !ok || st.Kind != "brief" {
		t.Fatalf("no brief stamp: %+v", st)
	}
	if sealed, intact := CheckSeal(buf.Bytes()); !sealed || !intact {
		t.Fatalf("sealed %v, intact %v", sealed, intact)
	}
	in.AsOf = st.AsOf
	want := BriefSnapshot(in)
	if st.Record != want.Digest || !slices.Equal(st.Projects, want.Projects) || st.Projects[0].ID != "p 01(a),b:c" {
		t.Fatalf("stamp %+v\nwant %+v", st, want)
	}

	shuffled := in
	shuffled.Projects = slices.Clone(in.Projects)
	for i, pd := range shuffled.Projects {
		fs := slices.Clone(pd.Findings)
		slices.Reverse(fs)
		shuffled.Projects[i].Findings = fs
	}
	if got := BriefSnapshot(shuffled); got.Digest != want.Digest {
		t.Error("the snapshot depends on the order findings were loaded in")
	}

	changed := in
	changed.Projects = slices.Clone(in.Projects)
	at := -1
	for i, pd := range changed.Projects {
		if len(pd.Findings) > 0 {
			fs := slices.Clone(pd.Findings)
			fs[0].Notes = append(slices.Clone(fs[0].Notes), supervision.Note{At: fixedTime, By: "张三", Text: "已补充排水沟"})
			changed.Projects[i].Findings = fs
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatal("the fixture has no finding with a note")
	}
	got := BriefSnapshot(changed)
	if got.Digest == want.Digest {
		t.Fatal("an added note leaves the digest as it was")
	}
	for i := range got.Projects {
		if (got.Projects[i].Digest != want.Projects[i].Digest) != (i == at) {
			t.Errorf("project %d: digest %s, was %s (the note was added in project %d)", i, got.Projects[i].Digest, want.Projects[i].Digest, at)
		}
	}
}

// TestSnapshotKeepsItsVersion: the 形象进度 documents print since s2 is in
// the s2 snapshot, so a changed figure changes its project's digest; a
// document printed in s1 is rebuilt in s1, which does not have it, so its
// digest stays as printed, the same as before s2 existed. A stamp naming
// either version reads back.
func TestSnapshotKeepsItsVersion(t *testing.T) {
	in := fixtureBrief(0)
	in.AsOf = fixedTime
	now := BriefSnapshot(in)
	if !strings.HasPrefix(now.Digest, SnapshotVersion+":") || SnapshotVersion != "s2" {
		t.Fatalf("the current snapshot is %s", now.Digest)
	}
	old := in
	old.SnapshotVersion = "s1"
	s1 := BriefSnapshot(old)
	// What the code before s2 stamped on this brief (p01's 形象进度 was not
	// printed then, nor hashed).
	const printedBeforeS2 = "s1:988eecdb57e1eee1888c43080380ff608519321b2bc95db1534f4fe7d530d484"
	if s1.Digest != printedBeforeS2 {
		t.Errorf("the s1 digest of the same brief changed: %s, printed %s", s1.Digest, printedBeforeS2)
	}
	tourS1 := TourSnapshot(TourInput{Year: 2025, Quarter: 1, Stops: in.Projects[:3], SnapshotVersion: "s1"}, fixedTime)
	if tourS1.Digest != "s1:1a4cc0a4ade64e7c9334837f99ebc855d62467cb9a3a0cc45b6ec87c1fbc6385" {
		t.Errorf("the s1 digest of the same tour pack changed: %s", tourS1.Digest)
	}

	changed := in
	changed.Projects = slices.Clone(in.Projects)
	ip := *changed.Projects[0].Project.ImageProgress
	ip.Pct = 50
	changed.Projects[0].Project.ImageProgress = &ip
	if got := BriefSnapshot(changed); got.Digest == now.Digest || got.Projects[0].Digest == now.Projects[0].Digest || got.Projects[1] != now.Projects[1] {
		t.Errorf("a changed 形象进度 is not told apart in s2: %v / %v", got.Projects[:2], now.Projects[:2])
	}
	changed.SnapshotVersion = "s1"
	if got := BriefSnapshot(changed); got.Digest != s1.Digest {
		t.Error("an s1 snapshot changed with a figure s1 documents did not print")
	}

	for _, snap := range []Snapshot{now, s1} {
		st := BriefStamp(in, Options{Time: fixedTime})
		st.Record, st.Projects = snap.Digest, snap.Projects
		back, ok := ReadStamp([]byte("/Keywords (" + st.String() + ")"))
		if !ok || back.Record != snap.Digest || back.Version() != snap.Digest[:2] {
			t.Errorf("a stamp of %s does not read back: %+v", snap.Digest[:2], back)
		}
	}
}
