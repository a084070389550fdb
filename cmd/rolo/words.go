package main

import (
	"strings"

	"github.com/rolo-crm/rolo/internal/suggest"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering/agenda"
)

// The words the command line takes besides English: agenda reasons in
// Chinese for rolo snooze and rolo dismiss.

// chineseReasons name the agenda reasons in Chinese.
var chineseReasons = [][2]string{
	{"跟进", "follow-up"}, {"投诉", "complaint"}, {"回款", "payment"}, {"付款", "payment"}, {"联系", "cadence"},
	{"回访", "cadence"}, {"复购", "reorder"}, {"流失", "slipping"}, {"挽回", "win-back"}, {"生日", "birthday"},
	{"纪念日", "event"}, {"事件", "event"}, {"节日", "festival"}, {"调查", "survey"}, {"问卷", "survey"},
}

// parseReason reads an agenda reason in English or Chinese.
func parseReason(s string) (agenda.Reason, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	names := make([]string, 0, len(agenda.Reasons)+len(chineseReasons))
	for _, r := range agenda.Reasons {
		if string(r) == in || strings.ReplaceAll(string(r), "-", "") == strings.ReplaceAll(in, "-", "") {
			return r, nil
		}
		names = append(names, string(r))
	}
	for _, zh := range chineseReasons {
		if zh[0] == in {
			return agenda.Reason(zh[1]), nil
		}
		names = append(names, zh[0])
	}
	if near := suggest.Closest(in, names); len(near) > 0 {
		return "", usageErrorf("%q is not an agenda reason; did you mean %s?", s, suggest.Phrase(near))
	}
	return "", usageErrorf("%q is not an agenda reason; use one of %s (or in Chinese: %s)", s, reasonList(), chineseReasonList())
}

func chineseReasonList() string {
	var out []string
	for _, zh := range chineseReasons {
		out = append(out, zh[0]+" "+zh[1])
	}
	return strings.Join(out, ", ")
}

// chineseKindList is "拜访 visit, 电话 call, ..." for help, five to a line.
func chineseKindList() string {
	var b strings.Builder
	for i, k := range store.ChineseContactKinds {
		switch {
		case i > 0 && i%5 == 0:
			b.WriteString(",\n  ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(k[0] + " " + k[1])
	}
	return b.String()
}
