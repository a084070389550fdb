package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"show", "show", 0}, {"shwo", "show", 1}, {"sho", "show", 1}, {"shows", "show", 1},
		{"call", "cal", 1}, {"vist", "visit", 1}, {"greting", "greeting", 1}, {"abc", "xyz", 3}, {"电话", "电活", 1},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	kinds := []string{"visit", "call", "message", "email", "meeting", "gift", "greeting", "feedback", "complaint"}
	for _, tt := range []struct {
		word string
		want []string
	}{
		{"cal", []string{"call"}},
		{"vist", []string{"visit"}},
		{"Greting", []string{"greeting"}},
		{"meet", []string{"meeting"}}, // the start of it
		{"fax", nil},
		{"foo", nil}, // two letters off a three-letter word is not a typo
		{"emial", []string{"email"}},
		{"", nil},
		{"complain", []string{"complaint"}},
	} {
		if got := Closest(tt.word, kinds); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Phrase([]string{"a", "b", "c"}); got != "a, b or c" {
		t.Errorf("Phrase = %q", got)
	}
}
