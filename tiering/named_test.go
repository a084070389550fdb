package tiering

import "testing"

// A tier's name for people says the tier once: with its Chinese label, or
// the label alone where it already begins with the tier.
func TestNamed(t *testing.T) {
	for tier, want := range map[Tier]string{Key: "key 重要客户", Small: "small 小客户", A: "A类", C: "C类"} {
		if got := Named(tier); got != want {
			t.Errorf("Named(%s) = %q, want %q", tier, got, want)
		}
	}
}
