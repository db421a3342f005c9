package spreadsheet

import (
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// LedgerFilter chooses the findings of a ledger, as the findings list and
// `findings export` do.
type LedgerFilter struct {
	// Status is "open" (still being worked or verified, 在办), "overdue"
	// or "all" (also closed and withdrawn); empty means open.
	Status    string
	ProjectID string
	Unit      string
}

// Valid reports whether the filter's status is one the ledger knows.
func (lf LedgerFilter) Valid() error {
	switch lf.Status {
	case "", "open", "overdue", "all":
		return nil
	}
	return translate.Errorf(sv.EInvalid, "spreadsheet.error.the_status_must_be_open_overdue", lf.Status)
}

// Select returns the findings the filter keeps, in ledger order: by
// project, then by the day found.
func (lf LedgerFilter) Select(all []sv.Finding, now time.Time) []sv.Finding {
	var out []sv.Finding
	for _, f := range all {
		switch {
		case lf.ProjectID != "" && f.ProjectID != lf.ProjectID:
		case lf.Unit != "" && strings.TrimSpace(f.ResponsibleUnit) != strings.TrimSpace(lf.Unit):
		case (lf.Status == "" || lf.Status == "open") && !f.Status.Active():
		case lf.Status == "overdue" && !f.Overdue(now):
		default:
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b sv.Finding) int {
		if c := strings.Compare(a.ProjectID, b.ProjectID); c != 0 {
			return c
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
	return out
}

// LedgerHeader is the ledger's columns, in order.
var LedgerHeader = []string{"序号", "项目", "问题描述", "类别", "严重程度", "责任单位", "发现日期", "整改期限", "状态", "逾期天数", "销号日期", "照片数"}

// Sheet names of the ledger.
const (
	LedgerSheet  = "问题台账"
	SummarySheet = "按责任单位汇总"
)

// WriteLedger writes the findings ledger (问题台账): one row per finding
// with dates as Excel dates, overdue rows shaded, a frozen and filterable
// header; and a summary by responsible unit (在办 / 逾期 / 已销号).
// projects names each finding's project; now dates the overdue days.
func WriteLedger(findings []sv.Finding, projects map[string]sv.Project, now time.Time) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", LedgerSheet); err != nil {
		return nil, internal(err)
	}
	if _, err := f.NewSheet(SummarySheet); err != nil {
		return nil, internal(err)
	}
	t := newTable(f, LedgerSheet, st)
	t.header(LedgerHeader)
	type tally struct{ open, late, closed int }
	units := map[string]*tally{}
	var order []string
	for i, fd := range findings {
		name := fd.ProjectID
		if p, ok := projects[fd.ProjectID]; ok {
			name = p.DisplayName()
		}
		late := fd.DaysLate(now)
		var closed any = ""
		if fd.Status == sv.StatusClosed && !fd.ClosedAt.IsZero() {
			closed = sv.DateOf(fd.ClosedAt.In(now.Location()))
		}
		var found any = ""
		if !fd.CreatedAt.IsZero() {
			found = sv.DateOf(fd.CreatedAt.In(now.Location()))
		}
		t.row(late > 0, float64(i+1), name, fd.Description, fd.Category.Label(sv.Chinese), fd.Severity.Label(sv.Chinese),
			fd.ResponsibleUnit, found, fd.Deadline, fd.Status.Label(sv.Chinese), float64(late), closed,
			float64(len(fd.PhotosBefore)+len(fd.PhotosAfter)))
		u := strings.TrimSpace(fd.ResponsibleUnit)
		c, ok := units[u]
		if !ok {
			c = &tally{}
			units[u] = c
			order = append(order, u)
		}
		switch {
		case fd.Status == sv.StatusClosed:
			c.closed++
		case fd.Status.Active():
			c.open++
			if late > 0 {
				c.late++
			}
		}
	}
	if err := t.finish(); err != nil {
		return nil, err
	}
	slices.Sort(order)
	s := newTable(f, SummarySheet, st)
	s.header([]string{"责任单位", "在办", "逾期", "已销号"})
	var sum tally
	for _, u := range order {
		c := units[u]
		s.row(c.late > 0, u, float64(c.open), float64(c.late), float64(c.closed))
		sum.open, sum.late, sum.closed = sum.open+c.open, sum.late+c.late, sum.closed+c.closed
	}
	s.row(false, "合计", float64(sum.open), float64(sum.late), float64(sum.closed))
	if err := s.finish(); err != nil {
		return nil, err
	}
	return save(f)
}
