package report

import (
	"bytes"
	"slices"
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
