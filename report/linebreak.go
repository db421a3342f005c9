package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fieldbrief/linebreak"
	"fieldbrief/supervision"
)

// Lines are broken by package linebreak: UAX #14 with the tailorings of a
// Chinese official document (see docs/decisions/0031-line-breaking.md).
// This file adapts it to the document: which names stay whole, and how a
// line is set flush with both margins without spacing out Latin letters.

// newBreaker returns the line breaker of a document that keeps names whole.
func newBreaker(names []string) linebreak.Breaker {
	return linebreak.Breaker{Tailor: linebreak.Chinese, Names: names}
}

// personNames gathers the personal names a document prints, to keep each
// on one line: the projects' leaders (项目长) and chain leaders, their
// contacts, and the inspectors. A label such as "管委会副主任 周立新"
// contributes its last word, the name.
func personNames(projects []supervision.Project, inspectors ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(label string) {
		f := strings.Fields(label)
		if len(f) == 0 {
			return
		}
		name := f[len(f)-1]
		if n := utf8.RuneCountInString(name); n < 2 || n > 8 || seen[name] {
			return
		}
		seen[name] = true
		out = append(out, name)
	}
	for _, p := range projects {
		add(p.Leader)
		add(p.ChainLeader)
		for _, c := range p.Contacts {
			add(c.Name)
		}
	}
	for _, list := range inspectors {
		for _, n := range list {
			add(n)
		}
	}
	return out
}

// justifiable splits a line into the pieces between which space may be
// added to set it flush with both margins: each Chinese character or mark
// on its own, a Latin word or number whole, a space on its own. Latin is
// never letter-spaced.
func justifiable(line string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range line {
		if narrow(r) {
			word.WriteRune(r)
			continue
		}
		flush()
		out = append(out, string(r))
	}
	flush()
	return out
}

// narrow reports a character of Latin-like text, set without added space
// between its letters.
func narrow(r rune) bool {
	return r < 0x2E80 && !unicode.IsSpace(r) && linebreak.ClassOf(r) != linebreak.ID
}

// stopProjects lists the projects of ps.
func stopProjects(ps []ProjectData) []supervision.Project {
	out := make([]supervision.Project, len(ps))
	for i, pd := range ps {
		out[i] = pd.Project
	}
	return out
}
