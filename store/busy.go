package store

import (
	"context"
	"database/sql"
	"time"
)

// A write begins with BEGIN IMMEDIATE, which waits busy_timeout (10 s) for
// another writer to finish. A bulk write — an import of a million rows, a
// large demo — holds the notebook longer than that, and a write that gave
// up then would fail for nothing: it waits on instead, telling the caller
// (Options.OnBusy) how long it has waited, until the notebook is free, the
// caller says stop, or maxBusyWait has passed.

// maxBusyWait is how long a write waits for another one at most, when the
// caller does not decide.
const maxBusyWait = 15 * time.Minute

type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// begin starts a write transaction on b, waiting for another writer.
func (s *Store) begin(ctx context.Context, b beginner) (*sql.Tx, error) {
	if s.damage.Load() != nil {
		return nil, Errorf(KindDamaged, "%s was found damaged (%s): nothing is written to it until it passes a check", s.path, s.Damaged())
	}
	start := time.Now()
	for {
		tx, err := b.BeginTx(ctx, nil)
		if err == nil {
			return tx, nil
		}
		err = s.wrap("begin", err)
		if KindOf(err) != KindBusy || ctx.Err() != nil {
			return nil, err
		}
		waited := time.Since(start)
		if s.onBusy != nil {
			if !s.onBusy(waited) {
				return nil, err
			}
		} else if waited > maxBusyWait {
			return nil, err
		}
	}
}
