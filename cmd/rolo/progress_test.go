package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		stage       string
		done, total int64
		unit        string
		elapsed     time.Duration
		want        string
	}{
		{"importing purchases", 5 << 20, 20 << 20, "bytes", 4 * time.Second,
			"importing purchases ▕█████               ▏  25%  5.0 MB of 20.0 MB · 1.2 MB/s · 12s left · 4s"},
		{"adding customers", 12345, 0, "customers", 2 * time.Second, "⠋ adding customers  12,345 customers · 6,172 customers/s · 2s"},
		{"importing purchases", 20 << 20, 20 << 20, "bytes", 75 * time.Second, "⠋ importing purchases — 20.0 MB read, saving · 1m15s"},
		{"checking the notebook", 0, 0, "", 3 * time.Second, "⠋ checking the notebook · 3s"},
	} {
		got := progressLine(tc.stage, tc.done, tc.total, tc.unit, tc.elapsed, tc.elapsed, tc.done, 120)
		if got != tc.want {
			t.Errorf("progressLine(%s, %d/%d) =\n%q\nwant\n%q", tc.stage, tc.done, tc.total, got, tc.want)
		}
	}
	if got := progressLine("importing purchases", 5, 20, "rows", 4*time.Second, 4*time.Second, 5, 30); len([]rune(got)) > 29 {
		t.Errorf("not cut to the terminal: %q", got)
	}
}

// What drawing the progress costs an import, as the median of imports with
// and without it run alternately (ABBA, so a machine whose load drifts
// weighs on both alike): reported as plain-ms, progress-ms and
// overhead-% (should stay within the noise, well under 2%). Run it with
// -benchtime 10x or more: one run of each is noise.
func BenchmarkImportProgress(b *testing.B) {
	dir := b.TempDir()
	customers, purchases := purchasesCSV(b, dir, 50000)
	var plain, drawnMS []float64
	importOnce := func(drawn bool) float64 {
		db := filepath.Join(dir, "import.db")
		rolo := func(args ...string) {
			a := &App{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, ErrTTY: drawn,
				Getenv: func(k string) string {
					if k == "ROLO_PROGRESS_AFTER_MS" {
						return "0"
					}
					return ""
				}, Now: time.Now}
			if code := run(append([]string{"--db", db}, args...), a); code != 0 {
				b.Fatalf("rolo %v: exit %d", args, code)
			}
		}
		for _, f := range []string{db, db + "-wal", db + "-shm"} {
			os.Remove(f)
		}
		rolo("init")
		rolo("import", "customers", customers)
		start := time.Now()
		rolo("import", "purchases", purchases)
		return float64(time.Since(start).Microseconds()) / 1000
	}
	b.ResetTimer()
	for i := range b.N {
		order := []bool{false, true}
		if i%2 == 1 {
			order = []bool{true, false}
		}
		for _, drawn := range order {
			if ms := importOnce(drawn); drawn {
				drawnMS = append(drawnMS, ms)
			} else {
				plain = append(plain, ms)
			}
		}
	}
	median := func(xs []float64) float64 {
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	p, d := median(plain), median(drawnMS)
	b.ReportMetric(p, "plain-ms")
	b.ReportMetric(d, "progress-ms")
	b.ReportMetric(100*(d/p-1), "overhead-%")
}
