package main

import (
	"context"
	"time"

	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/tui"
)

// runTUI opens the interactive notebook.
func runTUI(ctx context.Context, st *store.Store, today time.Time) error {
	return tui.Run(ctx, st, today)
}
