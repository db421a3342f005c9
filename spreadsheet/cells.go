package spreadsheet

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
)

// grid is one sheet's cells as text, raw (a date is its serial number),
// with every merged range's value copied into each of its cells; blank
// keeps which cells were empty before that copy, so a section title merged
// across a row is not taken for a row full of values.
type grid struct {
	name  string
	rows  [][]string
	blank map[[2]int]bool
	f     *excelize.File
}

func readGrid(f *excelize.File, sheet string) (*grid, error) {
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, damaged(err)
	}
	g := &grid{name: sheet, rows: rows, blank: map[[2]int]bool{}, f: f}
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, damaged(err)
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		v := g.cell(r1-1, c1-1)
		for r := r1 - 1; r < r2 && r < len(g.rows)+1; r++ {
			for c := c1 - 1; c < c2; c++ {
				if r == r1-1 && c == c1-1 {
					continue
				}
				g.set(r, c, v)
				g.blank[[2]int{r, c}] = true
			}
		}
	}
	return g, nil
}

func (g *grid) cell(r, c int) string {
	if r < 0 || r >= len(g.rows) || c < 0 || c >= len(g.rows[r]) {
		return ""
	}
	return g.rows[r][c]
}

func (g *grid) set(r, c int, v string) {
	if v == "" {
		return
	}
	for len(g.rows) <= r {
		g.rows = append(g.rows, nil)
	}
	for len(g.rows[r]) <= c {
		g.rows[r] = append(g.rows[r], "")
	}
	g.rows[r][c] = v
}

// filled counts the cells of row r that hold a value of their own (not
// one copied from a merged range).
func (g *grid) filled(r int) int {
	n := 0
	for c := range g.rows[r] {
		if strings.TrimSpace(g.rows[r][c]) != "" && !g.blank[[2]int{r, c}] {
			n++
		}
	}
	return n
}

// formula returns the formula of a cell, for explaining an empty value.
func (g *grid) formula(r, c int) string {
	name, err := excelize.CoordinatesToCellName(c+1, r+1)
	if err != nil {
		return ""
	}
	fo, _ := g.f.GetCellFormula(g.name, name)
	return fo
}

func colName(c int) string {
	name, err := excelize.ColumnNumberToName(c + 1)
	if err != nil {
		return "?"
	}
	return name
}

// halfWidth turns full-width letters, digits and punctuation into their
// ASCII forms and the ideographic space into a space, as people type
// figures with a Chinese input method on.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - 0xFEE0
		case r == '\u3000' || r == '\u00a0':
			return ' '
		}
		return r
	}, s)
}

// norm is the form a header is matched in: half-width, lower case, no
// spaces and no unit in brackets.
func norm(s string) string {
	s = strings.ToLower(halfWidth(s))
	s = unitInBrackets.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

var unitInBrackets = regexp.MustCompile(`[(\[【][^)\]】]*[)\]】]`)

// number reads a figure as the office writes it: an Excel number, or
// text with thousands separators, full-width digits, a trailing unit.
func number(s string) (float64, bool) {
	s = strings.TrimSpace(halfWidth(s))
	s = strings.NewReplacer(",", "", " ", "", "、", "").Replace(s)
	s = strings.TrimRight(s, "万亿元")
	if s == "" || s == "-" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

var textDate = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// date reads a day: an Excel date (its serial number), or text such as
// 2026-03-15, 2026/3/15, 2026.03.15 or 2026年3月15日.
func date(s string) (sv.Date, bool) {
	s = strings.TrimSpace(halfWidth(s))
	if m := textDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false
		}
		return sv.DateOf(t), true
	}
	// Serials from 1982 to 2119: a plain figure outside them is not a date.
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 30000 && v < 80000 {
		t, err := excelize.ExcelDateToTime(v, false)
		if err == nil {
			return sv.DateOf(t), true
		}
	}
	return "", false
}

// boolean reads yes/no as people write it in a cell.
func boolean(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(halfWidth(s))) {
	case "", "0", "false", "no", "n", "否", "×", "x":
		return false, true
	case "1", "true", "yes", "y", "是", "√", "✓":
		return true, true
	}
	return false, false
}

// excelDay is a day as the time excelize writes as an Excel date.
func excelDay(d sv.Date) (time.Time, bool) { return d.Time(time.UTC) }

// displayWidth is how many character widths s takes in a cell: CJK and
// full-width characters take two.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if unicode.Is(unicode.Han, r) || (r >= 0xFF00 && r <= 0xFFEF) || (r >= 0x3000 && r <= 0x303F) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
