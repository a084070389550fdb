package main

import (
	"context"
	"time"

	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/tui"
)

// runTUI opens the interactive notebook.
func runTUI(ctx context.Context, svc *insight.Service, today time.Time) error {
	return tui.Run(ctx, svc, today)
}
