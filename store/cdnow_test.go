package store

import (
	"bufio"
	"context"
	"fmt"
	"github.com/rolo-crm/rolo/money"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rolo-crm/rolo/tiering"
)

// loadCDNOW imports the public CDNOW sample (master id, sample id, yyyymmdd,
// quantity, dollars) as purchases, one customer per master id.
func loadCDNOW(t *testing.T, s *Store) {
	t.Helper()
	// The repository's own copy: the test runs on a fresh clone.
	f, err := os.Open(filepath.Join("..", "tiering", "clv", "testdata", "cdnow", "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	err = s.Bulk(ctx, func(b *Bulk) error {
		ids := map[string]int64{}
		sc := bufio.NewScanner(f)
		line := 0
		for sc.Scan() {
			line++
			fs := strings.Fields(sc.Text())
			if len(fs) != 5 {
				return fmt.Errorf("line %d: %d fields", line, len(fs))
			}
			id, ok := ids[fs[0]]
			if !ok {
				c := Customer{Name: "CDNOW " + fs[0], ExternalID: fs[0]}
				if id, err = b.AddCustomer(&c); err != nil {
					return err
				}
				ids[fs[0]] = id
			}
			d, err := time.Parse("20060102", fs[2])
			if err != nil {
				return err
			}
			qty, _ := strconv.ParseFloat(fs[3], 64)
			amount, err := money.CNY.Parse(fs[4])
			if err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			if _, err := b.AddPurchase(&Purchase{CustomerID: id, Date: d.Format(DateLayout), Quantity: qty, Amount: amount}); err != nil {
				return err
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCDNOWPyramidThroughTheStore(t *testing.T) {
	eachEngine(t, func(t *testing.T) {
		s := newTestStore(t)
		loadCDNOW(t, s)
		ctx := context.Background()
		asOf := time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
		ms, err := s.Metrics(ctx, asOf, MetricsOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2357 {
			t.Fatalf("%d customers, want 2357", len(ms))
		}
		count := func(as map[int64]tiering.Assignment, order []tiering.Tier) []int {
			out := make([]int, len(order))
			for _, a := range as {
				for i, o := range order {
					if a.Tier == o {
						out[i]++
					}
				}
			}
			return out
		}
		cfg := tiering.DefaultConfig()
		if got := count(tiering.Assign(ms, cfg, asOf), tiering.PyramidTiers); !reflect.DeepEqual(got, []int{24, 448, 707, 1178}) {
			t.Errorf("pyramid by revenue = %v, want [24 448 707 1178]", got)
		}
		cfg.Method = tiering.MethodPareto
		if got := count(tiering.Assign(ms, cfg, asOf), []tiering.Tier{tiering.A, tiering.B, tiering.C}); !reflect.DeepEqual(got, []int{777, 801, 779}) {
			t.Errorf("ABC 80/95 = %v, want [777 801 779]", got)
		}
		// The trigger-kept totals and an as-of aggregation over the purchases agree.
		slow, err := s.Metrics(ctx, asOf, MetricsOptions{Since: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ms, slow) {
			t.Errorf("totals and aggregation disagree")
		}
		rep, err := s.Check(ctx)
		if err != nil || !rep.OK {
			t.Errorf("check after import: %+v %v", rep, err)
		}
	})
}
