package store

import (
	"context"
	"database/sql"

	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/settings"
)

func seedSettings(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES ('currency', 'CNY')`)
	return err
}

// RawSettings returns every setting as stored, defaults filled in.
func (s *Store) RawSettings(ctx context.Context) (map[string]string, error) {
	out := make(map[string]string, len(settings.Defs))
	for _, d := range settings.Defs {
		out[d.Key] = d.Default
	}
	stored, err := s.StoredSettings(ctx)
	if err != nil {
		return nil, err
	}
	for k, v := range stored {
		out[k] = v
	}
	return out, nil
}

// Settings returns the notebook settings, parsed.
func (s *Store) Settings(ctx context.Context) (settings.Settings, error) {
	raw, err := s.RawSettings(ctx)
	if err != nil {
		return settings.Settings{}, err
	}
	set, err := settings.Parse(raw)
	if err != nil {
		return set, Errorf(KindDamaged, "%v; change it with the config command", err)
	}
	return set, nil
}

// Currency is the notebook currency, read when the notebook was opened
// and kept current by SetSetting.
func (s *Store) Currency() money.Currency {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.currency
}

// loadCurrency reads the currency setting.
func (s *Store) loadCurrency(ctx context.Context, q queryer) error {
	var code string
	err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM settings WHERE key = 'currency'), 'CNY')`).Scan(&code)
	if err != nil {
		return s.wrap("read settings", err)
	}
	return s.setCurrency(code)
}

// setCurrency takes code, the notebook's currency setting.
func (s *Store) setCurrency(code string) error {
	cur, err := money.Lookup(code)
	if err != nil {
		return Errorf(KindDamaged, "setting currency: %v", err)
	}
	s.mu.Lock()
	s.currency = cur
	s.mu.Unlock()
	return nil
}

// SetSetting checks and stores one setting. A currency with other
// decimals than the current one is refused once money is recorded: the
// amounts are kept in minor units of the currency.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if err := settings.Check(key, value); err != nil {
		return &Error{Kind: KindInvalid, Msg: err.Error(), Err: err}
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if key == "currency" {
			cur, _ := money.Lookup(value)
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM purchases LIMIT 1)`).Scan(&n); err != nil {
				return s.wrap("save setting", err)
			}
			if old := s.Currency(); n > 0 && cur.Decimals != old.Decimals {
				return Errorf(KindConflict, "cannot change the currency from %s (%d decimals) to %s (%d decimals): the notebook's amounts are kept in minor units of %s",
					old.Code, old.Decimals, cur.Code, cur.Decimals, old.Code)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		if err == nil && key == "pyramid.cuts" {
			return s.keepTierCuts(ctx, tx, "", nil) // the tiers follow the cuts
		}
		return s.wrap("save setting", err)
	})
	if err == nil && key == "currency" {
		cur, _ := money.Lookup(value)
		s.mu.Lock()
		s.currency = cur
		s.mu.Unlock()
	}
	return err
}
