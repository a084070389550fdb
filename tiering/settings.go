package tiering

import "fmt"

// ConfigFromSettings builds a tiering config from notebook settings
// (pyramid.cuts, pareto.cuts, score.weights); missing keys keep defaults.
func ConfigFromSettings(set map[string]string) (Config, error) {
	cfg := DefaultConfig()
	var err error
	if v, ok := set["pyramid.cuts"]; ok {
		if cfg.PyramidCuts, err = ParseCuts(v, 4); err != nil {
			return cfg, fmt.Errorf("setting pyramid.cuts: %w", err)
		}
	}
	if v, ok := set["pareto.cuts"]; ok {
		if cfg.ParetoCuts, err = ParseCuts(v, 2); err != nil {
			return cfg, fmt.Errorf("setting pareto.cuts: %w", err)
		}
	}
	if v, ok := set["score.weights"]; ok {
		if cfg.ScoreWeights, err = ParseWeights(v); err != nil {
			return cfg, fmt.Errorf("setting score.weights: %w", err)
		}
	}
	return cfg, nil
}
