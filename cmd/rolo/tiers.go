package main

import (
	"context"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tiering"
)

// tierConfig reads the tiering settings of the notebook.
func tierConfig(ctx context.Context, st *store.Store) (tiering.Config, error) {
	set, err := st.Settings(ctx)
	if err != nil {
		return tiering.Config{}, err
	}
	return tiering.ConfigFromSettings(set)
}

// tierState is everything tiering knows about the notebook as of a day.
type tierState struct {
	cfg     tiering.Config
	metrics []tiering.Metrics // every current customer, by id
	assign  map[int64]tiering.Assignment
}

func computeTiers(ctx context.Context, st *store.Store, cfg tiering.Config, today time.Time) (*tierState, error) {
	ms, err := st.Metrics(ctx, today, metricsFor(cfg))
	if err != nil {
		return nil, err
	}
	ts := &tierState{cfg: cfg, metrics: ms, assign: tiering.Assign(ms, cfg, today)}
	return ts, nil
}

// currentTiers is every customer's pyramid tier by the notebook's settings.
func currentTiers(ctx context.Context, a *App, st *store.Store, today time.Time) (map[int64]string, error) {
	cfg, err := tierConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	ts, err := computeTiers(ctx, st, cfg, today)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ts.assign))
	for id, as := range ts.assign {
		out[id] = string(as.Tier)
	}
	return out, nil
}

func parseTierList(s string) (map[string]bool, error) {
	valid := []string{"key", "major", "ordinary", "small", "prospect"}
	out := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		ok := false
		for _, v := range valid {
			ok = ok || v == t
		}
		if !ok {
			return nil, usageErrorf("unknown tier %q; use %s", t, strings.Join(valid, ", "))
		}
		out[t] = true
	}
	return out, nil
}

// metricsFor asks for only the metrics cfg needs: the purchase figures
// alone unless the method looks at contacts, referrals or surveys.
func metricsFor(cfg tiering.Config) store.MetricsOptions {
	o := store.MetricsOptions{Lean: true}
	switch cfg.Method {
	case tiering.MethodScorecard:
		return store.MetricsOptions{Growth: true}
	case tiering.MethodScore:
		if cfg.ScoreWeights["referrals"] > 0 || cfg.ScoreWeights["satisfaction"] > 0 {
			o.Lean = false
		}
	}
	return o
}
