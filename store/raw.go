package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// eachRow runs a read query straight through the driver on one pooled
// connection and hands fn each row's values (int64, float64, string,
// []byte or nil; valid only during the call). Whole-notebook reports read
// 100,000 rows: database/sql's per-column conversion doubled their cost.
func (s *Store) eachRow(ctx context.Context, op, q string, args []any, fn func(v []driver.Value) error) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return s.wrap(op, err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the SQLite driver cannot query directly")
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, q, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(vals); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			if err := fn(vals); err != nil {
				return err
			}
		}
	})
	return s.wrap(op, err)
}

// Typed views of driver values; NULL and other types read as zero.
func vInt(v driver.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

func vStr(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
