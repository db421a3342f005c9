package report

import (
	"strings"
	"testing"

	"fieldbrief/supervision"
)

// TestPhotoCaptionsAndMarks prints photos as a brief or a visit has them
// and reads back what is under each: a short caption cut with …, the
// capture time only when the camera gave one, and the marks for a photo
// printed under 150 ppi and for one taken long before the visit.
func TestPhotoCaptionsAndMarks(t *testing.T) {
	long := "5层东侧临边防护栏杆高度不足1.2m，未设置挡脚板，夜间无警示灯，距离基坑边缘不足两米，存在坠落风险"
	visit := at("2026-03-12 09:30")
	d := NewDoc(testFonts(t), Options{Time: fixedTime})
	d.PhotoGrid([]Photo{
		{JPEG: fixtureJPEGs()[0], Caption: long, Taken: at("2026-03-12 09:40"), Visit: visit},
		{JPEG: testJPEG(t, 100, 68, 1), Caption: "塔吊基础", Imported: at("2026-03-13 18:00"), Visit: visit},
		{JPEG: fixtureJPEGs()[1], Caption: "基坑监测点", Taken: at("2008-05-30 15:56"), Visit: visit},
	}, 2)
	path, _ := writePDF(t, d, "photos.pdf")
	text := pdfText(t, path)
	mustContain(t, "captions", text, "5层东侧临边防护栏杆高度不足1.2m，未设置挡脚板，夜间无警示…", "拍摄于 2026年3月12日 09:40",
		"导入于 2026年3月13日 18:00（无拍摄时间）", "分辨率约34 ppi，低于150 ppi", "拍摄于督查前6494天")
	if strings.Contains(string(ink(text)), "距离基坑") {
		t.Error("the caption was not shortened")
	}
	if strings.Count(text, "分辨率约") != 1 {
		t.Errorf("want one low-resolution mark, for the 100 × 68 px photo:\n%s", text)
	}
	if strings.Contains(text, "拍摄于 2026年3月13日") {
		t.Error("the import time is printed as the capture time")
	}
}

// TestShortCaptionBreaksWhereALineMay checks that a caption is cut at a
// break opportunity: never inside a Latin word or a number with its unit.
func TestShortCaptionBreaksWhereALineMay(t *testing.T) {
	b := newBreaker(nil)
	for _, c := range []struct{ in, want string }{
		{"基坑监测点", "基坑监测点"},
		// The date stays whole: the cut comes before it.
		{"临边防护栏杆高度不足未设置挡脚板夜间无警示灯存在风险2025年3月15日前完成", "临边防护栏杆高度不足未设置挡脚板夜间无警示灯存在风险…"},
		{"Edge protection on the fifth floor east side is lower than 1.2 m and has no toe board", "Edge protection on the fifth floor east side is lower than…"},
		{"同条件养护试块28天强度28.5MPa，低于设计值C30，已委托第三方检测机构回弹复核", "同条件养护试块28天强度28.5MPa，低于设计值C30，已委托第三方…"},
	} {
		if got := shortCaption(b, c.in); got != c.want {
			t.Errorf("shortCaption(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBriefPhotosKnowTheirVisit checks that the brief and the tour judge
// a photo's age against the visit it was recorded on: the assembly gives
// each photo its visit's time.
func TestBriefPhotosKnowTheirVisit(t *testing.T) {
	visit := supervision.Visit{ID: "v1", ProjectID: "p01", Status: supervision.Submitted, StartedAt: at("2026-03-12 09:30"), Photos: []string{"old"}}
	lookup := func(hash string) (Photo, bool) {
		return Photo{JPEG: fixtureJPEGs()[1], Caption: "基坑", Taken: at("2008-05-30 15:56")}, true
	}
	pds := NewProjectData(fixtureProjects()[:1], []supervision.Visit{visit}, nil, lookup, at("2026-02-01 00:00"), at("2026-03-31 00:00"))
	if len(pds) != 1 || len(pds[0].Photos) != 1 {
		t.Fatalf("project data %+v", pds)
	}
	if got := pds[0].Photos[0].Visit; !got.Equal(visit.StartedAt) {
		t.Errorf("the photo's visit is %v, want %v", got, visit.StartedAt)
	}
}
