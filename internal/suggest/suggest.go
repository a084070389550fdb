// Package suggest finds what a mistyped word was probably meant to be, for
// "did you mean" hints in error messages. It does no I/O.
package suggest

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidates nearest to word — by edit distance, a
// swap of two neighbouring letters counting once — that are close enough
// to be a typo of it (at most a third of the word's letters, at least one),
// or that it is the start of. Best first, in the candidates' order on ties.
func Closest(word string, candidates []string) []string {
	w := strings.ToLower(strings.TrimSpace(word))
	if w == "" {
		return nil
	}
	limit := max(1, utf8.RuneCountInString(w)/3)
	best, out := limit+1, []string(nil)
	for _, c := range candidates {
		d := Distance(w, strings.ToLower(c))
		if len(w) >= 2 && strings.HasPrefix(strings.ToLower(c), w) {
			d = min(d, 1)
		}
		switch {
		case d > limit:
		case d < best:
			best, out = d, []string{c}
		case d == best:
			out = append(out, c)
		}
	}
	return out
}

// Distance is the optimal string alignment distance between a and b, in
// runes: insertions, deletions, substitutions and swaps of neighbours.
func Distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// Phrase says the suggestions in words: "call", "call or cal", "a, b or c";
// empty without any.
func Phrase(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
