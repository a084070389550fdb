package store

import (
	"context"
	"fmt"
	"testing"
)

// Completion offers current customers whose id, name, pinyin or initials
// start with what was typed, ids that match first: on both engines.
func TestCustomersByPrefix(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		ctx := context.Background()
		for _, n := range []string{"王小明", "王大力", "李娜", "Anna Li"} {
			if _, err := s.AddCustomer(ctx, Customer{Name: n}); err != nil {
				t.Fatal(err)
			}
		}
		old, _ := s.AddCustomer(ctx, Customer{Name: "王老"})
		if err := s.ArchiveCustomer(ctx, old.ID); err != nil {
			t.Fatal(err)
		}
		names := func(prefix string) string {
			ms, err := s.CustomersByPrefix(ctx, prefix, 10)
			if err != nil {
				t.Fatal(err)
			}
			out := ""
			for _, m := range ms {
				out += fmt.Sprintf("%d:%s ", m.ID, m.Name)
			}
			return out
		}
		for prefix, want := range map[string]string{
			"王":  "2:王大力 1:王小明 ",
			"wx": "1:王小明 ",
			"3":  "3:李娜 ",
			"#4": "4:Anna Li ",
			"an": "4:Anna Li ",
			"zz": "",
		} {
			if got := names(prefix); got != want {
				t.Errorf("%q: %q, want %q", prefix, got, want)
			}
		}
	})
}
