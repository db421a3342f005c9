package linebreak

import (
	"fmt"
	"testing"
)

// marked reads a test string in which ÷ after a character says a break
// must be allowed there and × that it must not; unmarked places are not
// checked.
func marked(m string) ([]rune, map[int]Action) {
	var s []rune
	want := map[int]Action{}
	for _, r := range m {
		switch r {
		case '÷':
			want[len(s)-1] = Allowed
		case '×':
			want[len(s)-1] = NoBreak
		default:
			s = append(s, r)
		}
	}
	return s, want
}

func show(s []rune, ops []Action) string {
	out := ""
	for i, r := range s {
		out += string(r)
		if i < len(s)-1 && ops[i] != NoBreak {
			out += "|"
		}
	}
	return out
}

// Each tailoring, alone, gives the marked breaks, and at least one of them
// differs from Unicode's default: the tailoring is what makes the
// difference.
func TestEachTailoringOnItsOwn(t *testing.T) {
	cases := []struct {
		tailor Tailoring
		names  []string
		texts  []string
	}{
		{Kinsoku, nil, []string{"中×·文", "破折×——号", "中×～文"}},
		{ChineseQuotes, nil, []string{"实行÷“×项目长×”÷的机制", "称÷‘×容缺×’÷受理"}},
		{Dates, nil, []string{"于2026×年×10×月×31×日÷前完成", "截至10×月×31×日÷止", "2026×年×10×月÷底"}},
		{Amounts, nil, []string{"完成8596×万×元÷投资", "计划12.5×亿×元", "面积300×平×方×米"}},
		{Counts, nil, []string{"销号8×项÷问题", "第×12×层÷楼板", "限期3×个×月÷完成", "涉及20×家÷企业"}},
		{HouseNumbers, nil, []string{"金凤大道55×号÷附近", "在3×号×楼÷北侧"}},
		{Names, []string{"张海波", "欧阳明月"}, []string{"项目长张×海×波÷到场", "督查员欧×阳×明×月÷和张×海×波"}},
		{LatinWords, nil, []string{"and/×or well-÷known", "Why?×Because"}},
		{URLs, nil, []string{"see https:×/×/×www.example.com/÷a?÷x=÷1&÷y=÷2024-÷06 now"}},
	}
	for _, c := range cases {
		for _, m := range c.texts {
			t.Run(fmt.Sprintf("%s/%s", c.tailor, m), func(t *testing.T) {
				s, want := marked(m)
				b := Breaker{Tailor: c.tailor, Names: c.names}
				got := b.Opportunities(s)
				def := Default(s)
				differs := false
				for i, w := range want {
					g := got[i]
					if g == Mandatory {
						g = Allowed
					}
					if g != w {
						t.Errorf("after %q (%d): got %v, want %v; lines may break at %s", string(s[:i+1]), i, g, w, show(s, got))
					}
					if def[i] != w {
						differs = true
					}
				}
				if !differs {
					t.Errorf("the default algorithm already gives every marked break in %s: the case does not show the tailoring", show(s, def))
				}
			})
		}
	}
}

func (t Tailoring) String() string {
	names := []string{"Kinsoku", "ChineseQuotes", "Dates", "Amounts", "Counts", "HouseNumbers", "Names", "LatinWords", "URLs"}
	out := ""
	for i, n := range names {
		if t&(1<<i) != 0 {
			if out != "" {
				out += "+"
			}
			out += n
		}
	}
	return out
}

// Every mark of the Kinsoku lists keeps its place next to Chinese text,
// whatever its UAX #14 class.
func TestKinsokuListsHold(t *testing.T) {
	b := Breaker{Tailor: Kinsoku}
	for _, r := range "，。、；：？！）》」』】〕〉…—～·’”％‰℃°,.;:?!)]}%" {
		s := []rune("中文" + string(r) + "中文")
		if !NoLineStart(r) {
			t.Errorf("%q is not in NoLineStart", r)
		}
		if ops := b.Opportunities(s); ops[1] != NoBreak {
			t.Errorf("a line may start with %q: %s", r, show(s, ops))
		}
	}
	for _, r := range "（《「『【〔〈‘“([{￥$" {
		s := []rune("中文" + string(r) + "中文")
		if !NoLineEnd(r) {
			t.Errorf("%q is not in NoLineEnd", r)
		}
		if ops := b.Opportunities(s); ops[2] != NoBreak {
			t.Errorf("a line may end with %q: %s", r, show(s, ops))
		}
	}
}
