package pinyinsearch

import (
	"strings"
	"testing"
)

func TestWhatAnInspectorTypesFindsTheName(t *testing.T) {
	cases := []struct {
		name, query string
		want        bool
	}{
		// The Chinese itself, anywhere in the name.
		{"中国科学院重庆科学中心", "科学中心", true},
		{"中国科学院重庆科学中心", "科学院重庆", true},
		{"中国科学院重庆科学中心", "科学城", false},
		// Initials, full pinyin, and a mix, as input methods accept.
		{"中国科学院重庆科学中心", "zgkxy", true},
		{"中国科学院重庆科学中心", "kxzx", true},
		{"中国科学院重庆科学中心", "kexuezhongxin", true},
		{"中国科学院重庆科学中心", "kexuezx", true},
		{"中国科学院重庆科学中心", "kxzhongx", true},
		{"中国科学院重庆科学中心", "KXZX", true},
		{"中国科学院重庆科学中心", "ke xue zhong xin", true},
		// 重 is zhong or chong; in 重庆 it is chong, and both are accepted.
		{"中国科学院重庆科学中心", "cq", true},
		{"中国科学院重庆科学中心", "chongqing", true},
		{"中国科学院重庆科学中心", "zhongqing", true},
		// Characters must be consecutive, and every letter must be used.
		{"中国科学院重庆科学中心", "zgcq", false},
		{"中国科学院重庆科学中心", "kxzxq", false},
		{"中国科学院重庆科学中心", "kexuezhongxinx", false},
		{"中国科学院重庆科学中心", "kxa", false},
		// Chinese and pinyin in one query.
		{"中国科学院重庆科学中心", "科学zx", true},
		{"中国科学院重庆科学中心", "kx中心", true},
		// A Chinese character cannot be typed by half of itself.
		{"中国科学院重庆科学中心", "科学中x", true},
		// Punctuation in the name is passed over.
		{"西部（重庆）科学城", "xbcqkxc", true},
		{"西部（重庆）科学城", "（重庆）", true},
		// Apostrophes between syllables are ignored.
		{"西安研究院", "xi'an", true},
		{"西安研究院", "xian", true},
		// ü: typed v, or u.
		{"绿色建筑", "lvse", true},
		{"绿色建筑", "luse", true},
		// Latin letters and digits in a name match as themselves.
		{"5G基站A区", "5gjz", true},
		{"5G基站A区", "aq", true},
		{"5G基站A区", "5gzz", false},
		// Names of people.
		{"王建国", "wjg", true},
		{"王建国", "wangjianguo", true},
		{"王建国", "wangjg", true},
		{"王建国", "wangjianguox", false},
		// An empty query finds everything.
		{"王建国", "  ", true},
		// A character the dictionary lacks is still found as itself.
		{"𠮷野家", "𠮷", true},
		{"𠮷野家", "yj", true},
	}
	for _, c := range cases {
		if got := Matches(c.name, c.query); got != c.want {
			t.Errorf("%q finds %q: %v, want %v", c.query, c.name, got, c.want)
		}
	}
}

// A long query against a long text must not take exponential time: each
// position is tried once.
func TestLongQueryIsQuick(t *testing.T) {
	text := Prepare(strings.Repeat("中心", 200) + "城")
	query := strings.Repeat("zx", 150) + "q"
	if text.Matches(query) {
		t.Fatal("a query ending in a letter no character has must not match")
	}
	if !text.Matches(strings.Repeat("zhongxin", 5) + "c") {
		t.Fatal("the full spelling of the last characters must match")
	}
}
