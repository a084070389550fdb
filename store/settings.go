package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// Setting keys and their defaults. Values are text; the packages that use a
// setting parse it (tier cuts, cadences, weights, festivals).
var defaultSettings = map[string]string{
	"currency":        "CNY",
	"pyramid.cuts":    "1,20,50,100",
	"pareto.cuts":     "80,95",
	"score.weights":   "revenue=0.4,profit=0.2,count=0.2,recency=0.2",
	"cadence":         "key=14,major=30,ordinary=90,small=180",
	"birthday.days":   "7",
	"festival.days":   "7",
	"festivals.solar": "",
}

func seedSettings(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES ('currency', 'CNY')`)
	return err
}

// SettingKeys lists the known setting keys in order.
func SettingKeys() []string {
	keys := make([]string, 0, len(defaultSettings))
	for k := range defaultSettings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Settings returns every known setting, defaults filled in.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	out := make(map[string]string, len(defaultSettings))
	for k, v := range defaultSettings {
		out[k] = v
	}
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, s.wrap("read settings", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, s.wrap("read settings", err)
		}
		out[k] = v
	}
	return out, s.wrap("read settings", rows.Err())
}

// Setting returns one setting, its default when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	def, ok := defaultSettings[key]
	if !ok {
		return "", fmt.Errorf("%w: unknown setting %q; known settings: %v", ErrInvalid, key, SettingKeys())
	}
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return def, nil
	}
	return v, s.wrap("read setting", err)
}

// SetSetting stores one setting. validate, when not nil, checks the value first.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if _, ok := defaultSettings[key]; !ok {
		return fmt.Errorf("%w: unknown setting %q; known settings: %v", ErrInvalid, key, SettingKeys())
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		return s.wrap("save setting", err)
	})
}
