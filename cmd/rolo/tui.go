package main

import (
	"context"
	"time"

	"github.com/rolo-crm/rolo/store"
)

// runTUI opens the interactive notebook. Until the TUI lands it is nil and
// rolo prints help or a summary instead.
var runTUI func(ctx context.Context, st *store.Store, today time.Time) error
