package transfer

import (
	"strings"
	"sync"
	"unicode"
)

// personName is a name in the parts of a vCard N property.
type personName struct {
	Family, Given, Additional, Prefix, Suffix string
}

// compoundSurnames are the two-character Chinese surnames (复姓) of the
// Hundred Family Surnames and later use, simplified and traditional, and
// the Korean ones. 单于 is left out: 单 followed by a given name 于… is the
// likelier reading today.
// Built on first use, not when every rolo command starts.
var compoundSurnames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`
		欧阳 司马 上官 诸葛 东方 皇甫 令狐 慕容 尉迟 公孙 长孙 宇文 司徒 夏侯 轩辕 独孤 端木 南宫 西门 百里
		万俟 闻人 赫连 澹台 公羊 公冶 宗政 濮阳 淳于 太叔 申屠 仲孙 钟离 鲜于 闾丘 司空 亓官 司寇 子车
		颛孙 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 东郭 南门 呼延 羊舌 微生 梁丘 左丘
		东门 第五 太史 耶律 完颜 纳兰 叱干 斛律 贺兰
		歐陽 司馬 諸葛 東方 尉遲 公孫 長孫 軒轅 獨孤 南宮 西門 萬俟 聞人 赫連 澹臺 濮陽 鍾離 鮮于 閭丘
		顓孫 巫馬 樂正 壤駟 夾谷 穀梁 東郭 南門 東門 納蘭 賀蘭
		남궁 황보 제갈 선우 독고 사공 서문 동방`) {
		m[s] = true
	}
	return m
})

// surnameFirst reports text in a script whose names put the family name
// first: Chinese characters (Japanese kanji read the same way) and Hangul.
func surnameFirst(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

// isCJKRune is a character that reads surname-first.
func isCJKRune(r rune) bool { return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) }

var (
	namePrefixes = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "sir": true}
	nameSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true}
	// Particles that belong to the family name that follows them.
	nameParticles = map[string]bool{"van": true, "von": true, "de": true, "der": true, "den": true, "da": true, "di": true,
		"del": true, "della": true, "du": true, "la": true, "le": true, "bin": true, "binti": true, "al": true, "ter": true}
)

func nameWord(w string) string { return strings.ToLower(strings.Trim(w, ".,")) }

// splitName divides a display name into vCard N parts. Chinese and Korean
// names put the surname first — one character, or two for a compound
// surname (欧阳娜娜 → 欧阳 + 娜娜), a space between them is optional;
// other names are given name first ("Emma Lee"), or "Lee, Emma" with a
// comma, with honorifics, suffixes and particles (van, de) kept apart.
// A name that cannot be divided goes whole into the family name for CJK
// scripts and into the given name otherwise.
func splitName(name string) personName {
	name = strings.TrimSpace(name)
	if name == "" {
		return personName{}
	}
	if first, _ := firstRune(name); isCJKRune(first) {
		if strings.ContainsAny(name, "·・•") {
			return personName{Family: name} // 爱新觉罗·溥仪 or 阿依古丽·买买提: the order varies
		}
		sur := chineseSurname(name)
		return personName{Family: sur, Given: strings.TrimSpace(name[len(sur):])}
	}
	if fam, rest, ok := strings.Cut(name, ","); ok && !strings.Contains(rest, ",") && strings.TrimSpace(fam) != "" {
		// "Lee, Emma": family name first, then given and middle names.
		n := personName{Family: strings.TrimSpace(fam)}
		if words := strings.Fields(rest); len(words) > 0 {
			n.Given, n.Additional = words[0], strings.Join(words[1:], " ")
		}
		return n
	}
	return splitWestern(strings.Fields(name))
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		return r, i
	}
	return 0, 0
}

// chineseSurname is the surname at the start of a CJK name: a compound
// surname when the name is longer than it, else the first character.
func chineseSurname(name string) string {
	rs := []rune(name)
	if len(rs) >= 2 && compoundSurnames()[string(rs[:2])] {
		if len(rs) > 2 || string(rs[:2]) == name {
			return string(rs[:2])
		}
	}
	return string(rs[:1])
}

// splitWestern divides words given name first: prefix, given, additional,
// family (with its particles), suffix.
func splitWestern(words []string) personName {
	var n personName
	for len(words) > 1 && namePrefixes[nameWord(words[0])] {
		n.Prefix = strings.TrimSpace(n.Prefix + " " + words[0])
		words = words[1:]
	}
	for len(words) > 1 && nameSuffixes[nameWord(words[len(words)-1])] {
		n.Suffix = strings.TrimSpace(words[len(words)-1] + " " + n.Suffix)
		words = words[:len(words)-1]
	}
	switch len(words) {
	case 0:
		return n
	case 1:
		n.Given = words[0]
		return n
	}
	fam := len(words) - 1
	for fam > 1 && nameParticles[nameWord(words[fam-1])] {
		fam--
	}
	n.Given = words[0]
	n.Additional = strings.Join(words[1:fam], " ")
	n.Family = strings.Join(words[fam:], " ")
	return n
}

// joinName puts N parts back together the way splitName reads them:
// family then given without a space for CJK names (王;小明 → 王小明),
// else prefix, given, additional, family, suffix with spaces.
func joinName(n personName) string {
	if surnameFirst(n.Family) {
		if r, _ := firstRune(n.Given); n.Given == "" || isCJKRune(r) {
			return strings.TrimSpace(n.Family + n.Given)
		}
		return strings.TrimSpace(n.Family + " " + n.Given)
	}
	var parts []string
	for _, p := range []string{n.Prefix, n.Given, n.Additional, n.Family, n.Suffix} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}
