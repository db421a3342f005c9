package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"fieldbrief/supervision"
)

// TestVisitRectificationPage checks the page the responsible units sign:
// every finding still to be put right, with its unit, deadline and reply
// date, then the inspectors' line and one receipt line per unit, all on
// the report's last page.
func TestVisitRectificationPage(t *testing.T) {
	in := fixtureVisitInput()
	for _, l := range []supervision.Lang{supervision.Chinese, supervision.English} {
		t.Run(string(l), func(t *testing.T) {
			path, res := writeReport(t, "visit-rect-"+string(l)+".pdf", func(b *bytes.Buffer) (Result, error) {
				return Visit(b, testFonts(t), in, Options{Lang: l, Time: fixedTime})
			})
			last := bodyText(t, path, A4, "-f", strconv.Itoa(res.Pages), "-l", strconv.Itoa(res.Pages))
			if l == supervision.English {
				mustContain(t, "last page", last, "7. Rectification required", "Reply by", "(Finding 1) 5层东侧临边防护栏杆高度不足1.2m",
					"Inspectors: 张伟, 李娜", "Inspectors (signature)", "Received for the unit by", "Date")
				return
			}
			// f1 is due 2025-03-15, f2 03-27, f3 (a request) 04-15: the
			// reply is due on the deadline; f0a was 20 days overdue on the
			// visit (Wednesday 12 March), so its reply is due five working
			// days later, Wednesday 19 March. f0c is closed and not asked
			// for again.
			mustContain(t, "last page", last, "七、整改要求", "回复时限",
				"（问题1）5层东侧临边防护栏杆高度不足1.2m，未设置挡脚板", "2025年3月15日2025年3月15日",
				"（问题2）同条件养护试块28天强度28.5MPa", "2025年3月27日2025年3月27日",
				"（问题3）110kV专用变电站接入方案尚未批复", "2025年4月15日2025年4月15日",
				"（复查1）车辆冲洗设施未正常使用", "2025年2月20日2025年3月19日",
				"建设工程规划许可证（二期）尚未取得",
				"督查人员：张伟、李娜", "督查人员（签名）：", "日期：",
				"责任单位：中建八局第一建设有限公司", "责任单位：国网重庆高新供电公司", "责任单位：规划自然资源局")
			if n := strings.Count(last, "责任单位签收人"); n != 3 {
				t.Errorf("%d receipt lines on the last page, want one for each of the 3 units", n)
			}
			if strings.Contains(last, "配电箱未做重复接地") {
				t.Error("a closed finding is asked for again")
			}
			// The signatures come after the list, not before it.
			if strings.Index(last, "督查人员（签名）") < strings.Index(last, "建设工程规划许可证") {
				t.Error("the signature lines come before the requirements")
			}
		})
	}
}

// TestReplyDue checks the rule of decision 0039 case by case.
func TestReplyDue(t *testing.T) {
	visit := at("2025-03-14 10:00") // a Friday
	for _, c := range []struct {
		name     string
		severity supervision.Severity
		deadline supervision.Date
		want     supervision.Date
	}{
		{"a minor finding replies at its deadline", supervision.SeverityMinor, "2025-04-30", "2025-04-30"},
		{"a serious one within five working days, the weekend not counted", supervision.SeveritySerious, "2025-04-30", "2025-03-21"},
		{"a serious one due sooner than that replies at its deadline", supervision.SeveritySerious, "2025-03-18", "2025-03-18"},
		{"one overdue on the visit day: five working days", supervision.SeverityMajor, "2025-03-01", "2025-03-21"},
		{"one without a deadline: five working days", supervision.SeverityMinor, "", "2025-03-21"},
	} {
		f := supervision.Finding{Severity: c.severity, Deadline: c.deadline, Status: supervision.StatusOpen}
		if got := ReplyDue(f, visit); got != c.want {
			t.Errorf("%s: reply due %s, want %s", c.name, got, c.want)
		}
	}
}

// TestMissingCharactersFootnote checks that a page printing □ for a
// character the fonts lack explains it at its foot, by code point, and a
// page without one does not.
func TestMissingCharactersFootnote(t *testing.T) {
	in := fixtureVisitInput()
	path, res := writeReport(t, "visit-missing.pdf", func(b *bytes.Buffer) (Result, error) {
		return Visit(b, testFonts(t), in, Options{Time: fixedTime})
	})
	note := "处的字符超出字库，无法印出（本文件中为 U+1F600、U+20BB7），以电子记录为准。"
	for p := 1; p <= res.Pages; p++ {
		page := pdfText(t, path, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
		has := strings.Contains(string(ink(page)), string(ink(note)))
		// The summary with the emoji and 𠮷 is on page 1.
		if want := strings.ContainsRune(page, '□'); has != want {
			t.Errorf("page %d: footnote %v, placeholder on the page %v", p, has, want)
		}
		if p == 1 && !has {
			t.Errorf("page 1 prints the summary's □ without the footnote:\n%s", page)
		}
	}
}

// TestSignaturesMoveTogether gives a visit more and more findings until
// the requirements fill their last page: the signature lines then go
// together onto the next page, which says whose requirements they are.
func TestSignaturesMoveTogether(t *testing.T) {
	in := fixtureVisitInput()
	base := in.Raised[0]
	for n := 14; n <= 24; n++ {
		in.Raised = in.Raised[:3]
		for i := range n {
			f := base
			f.ID = "many" + strconv.Itoa(i)
			f.Description = "第" + strconv.Itoa(i+1) + "处临边防护栏杆高度不足1.2m，未设置挡脚板，夜间无警示灯，需立即整改并回复"
			f.PhotosBefore = nil
			in.Raised = append(in.Raised, f)
		}
		path, res := writeReport(t, "visit-many.pdf", func(b *bytes.Buffer) (Result, error) {
			return Visit(b, testFonts(t), in, Options{Time: fixedTime})
		})
		var pages []int
		var page string
		for p := 1; p <= res.Pages; p++ {
			text := pdfText(t, path, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
			if strings.Contains(text, "签收人") || strings.Contains(text, "（签名）") {
				pages, page = append(pages, p), text
			}
		}
		if len(pages) != 1 {
			t.Fatalf("%d findings: signature lines on pages %v, want one page", n, pages)
		}
		if strings.Count(page, "责任单位签收人") != 3 || !strings.Contains(page, "督查人员（签名）") {
			t.Errorf("%d findings: page %d has only some of the signature lines:\n%s", n, pages[0], page)
		}
		if strings.Contains(page, "（问题") {
			continue // the list's last rows are on the page with the signatures
		}
		if !strings.Contains(string(ink(page)), string(ink("中科院科学中心 · 整改要求（续）"))) {
			t.Errorf("%d findings: page %d, with the signatures alone, does not say whose they are:\n%s", n, pages[0], page)
		}
		return
	}
	t.Fatal("with up to 24 more findings the signatures never had a page of their own; the test needs more")
}
