package store

import "testing"

// A thank-you's text gets the new id of the purchase or the referred
// customer it names; other texts, and rows that have no new id, stay as
// they were.
func TestRenumberFollowUp(t *testing.T) {
	idOf := func(id int64) (int64, bool) {
		switch id {
		case 7:
			return 20007, true
		case 8:
			return 0, true // in the file, not written (a dry run)
		}
		return 0, false
	}
	for _, tt := range []struct{ source, in, want string }{
		{"thanks", PurchaseThanks(Purchase{ID: 7, Item: "白茶"}, "key"), "thank-you call for purchase 20007 of 白茶 (key customer)"},
		{"thanks", "thank-you call for purchase 7", "thank-you call for purchase 20007"},
		{"thanks", "thank-you call for purchase 8 of 茶", "thank-you call for purchase 8 of 茶"},
		{"thanks", "thank-you call for purchase 9", "thank-you call for purchase 9"},
		{"thanks", "thank-you call for purchase 7x", "thank-you call for purchase 7x"},
		{"thanks", "thank-you call for purchase ", "thank-you call for purchase "},
		{"manual", "thank-you call for purchase 7", "thank-you call for purchase 7"},
		{"thanks", "call about purchase 7", "call about purchase 7"},
		{"referral", thanks("张伟", 7, "2026-11-02"), "thank you for referring 张伟 (#20007, first purchase 2026-11-02)"},
		{"referral", thanks("A (#3, x)", 7, "2026-11-02"), "thank you for referring A (#3, x) (#20007, first purchase 2026-11-02)"},
		{"referral", thanks("张伟", 9, "2026-11-02"), thanks("张伟", 9, "2026-11-02")},
		{"referral", "thank you for referring 张伟", "thank you for referring 张伟"},
	} {
		if got := RenumberFollowUp(tt.in, tt.source, idOf, idOf); got != tt.want {
			t.Errorf("RenumberFollowUp(%q, %s) = %q, want %q", tt.in, tt.source, got, tt.want)
		}
	}
}
