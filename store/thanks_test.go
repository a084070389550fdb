package store

import "testing"

// A thank-you's text gets the purchase's new id; other texts, and
// purchases that have none, stay as they were.
func TestRenumberThanks(t *testing.T) {
	idOf := func(id int64) (int64, bool) {
		switch id {
		case 7:
			return 20007, true
		case 8:
			return 0, true // in the file, not written (a dry run)
		}
		return 0, false
	}
	for _, tt := range []struct{ in, want string }{
		{PurchaseThanks(Purchase{ID: 7, Item: "白茶"}, "key"), "thank-you call for purchase 20007 of 白茶 (key customer)"},
		{"thank-you call for purchase 7", "thank-you call for purchase 20007"},
		{"thank-you call for purchase 8 of 茶", "thank-you call for purchase 8 of 茶"},
		{"thank-you call for purchase 9", "thank-you call for purchase 9"},
		{"thank-you call for purchase 7x", "thank-you call for purchase 7x"},
		{"thank-you call for purchase ", "thank-you call for purchase "},
		{"call about purchase 7", "call about purchase 7"},
	} {
		if got := RenumberThanks(tt.in, idOf); got != tt.want {
			t.Errorf("RenumberThanks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
