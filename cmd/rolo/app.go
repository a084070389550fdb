package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/rolo-crm/rolo/insight"
	"github.com/rolo-crm/rolo/money"
	"github.com/rolo-crm/rolo/render"
	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// App carries what every command needs: streams, environment, clock, the
// global flags and the lazily opened notebook (so --help never opens it).
type App struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	Now    func() time.Time

	// IsTTY says stdout is a terminal: tables, colour, relative dates.
	IsTTY bool
	// InTTY says stdin is a terminal (the TUI needs both).
	InTTY bool
	// Width is the terminal width in cells, 0 when unknown.
	Width int

	// Global flags.
	DBPath string
	AsOf   string
	JSON   bool

	store *store.Store
	svc   *insight.Service
	// OpenTUI runs the interactive program; nil when not wired (tests).
	OpenTUI func(ctx context.Context, svc *insight.Service, today time.Time) error
}

func newSystemApp() *App {
	a := &App{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Getenv: os.Getenv,
		Now:    time.Now,
		IsTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
	}
	if a.IsTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			a.Width = w
		}
	}
	a.OpenTUI = runTUI
	return a
}

// dbPath is the notebook path from --db, ROLO_DB or the default.
func (a *App) dbPath() (string, error) {
	if a.DBPath != "" {
		return a.DBPath, nil
	}
	return store.DefaultPath(a.Getenv)
}

// Store opens the existing notebook on first use.
func (a *App) Store(ctx context.Context) (*store.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, path, store.Options{Now: a.Now, OnBusy: a.waitBusy()})
	if err != nil {
		return nil, err
	}
	a.adopt(st)
	return st, nil
}

// waitBusy is how a write waits for another (a long import): it says so
// once on stderr and waits up to 15 minutes.
func (a *App) waitBusy() func(time.Duration) bool {
	told := false
	return func(waited time.Duration) bool {
		if !told {
			told = true
			fmt.Fprintln(a.Err, "rolo: another program is writing to the notebook (an import?); waiting for it to finish…")
		}
		return waited < 15*time.Minute
	}
}

// adopt makes st the open notebook.
func (a *App) adopt(st *store.Store) {
	a.store, a.svc = st, insight.New(st)
}

// Service opens the notebook on first use and serves its use cases.
func (a *App) Service(ctx context.Context) (*insight.Service, error) {
	if _, err := a.Store(ctx); err != nil {
		return nil, err
	}
	return a.svc, nil
}

// Close closes the notebook if it was opened.
func (a *App) Close() {
	if a.store != nil {
		a.store.Close()
		a.store, a.svc = nil, nil
	}
}

// open is how most commands start: the context, today and the notebook.
func (a *App) open(cmd *cobra.Command) (context.Context, time.Time, *insight.Service, error) {
	ctx := cmd.Context()
	today, err := a.Today()
	if err != nil {
		return ctx, today, nil, err
	}
	svc, err := a.Service(ctx)
	return ctx, today, svc, err
}

// customer opens the notebook and resolves a CUSTOMER argument.
func (a *App) customer(cmd *cobra.Command, ref string) (*insight.Service, store.Customer, error) {
	svc, err := a.Service(cmd.Context())
	if err != nil {
		return nil, store.Customer{}, err
	}
	c, err := svc.Resolve(cmd.Context(), ref)
	if store.KindOf(err) == store.KindNotFound {
		err = fmt.Errorf("%w; try rolo find or rolo list", err)
	}
	return svc, c, err
}

// currency is the open notebook's currency (CNY before one is open).
func (a *App) currency() money.Currency {
	if a.store == nil {
		return money.CNY
	}
	return a.store.Currency()
}

// Today is --as-of, or the local date now.
func (a *App) Today() (time.Time, error) {
	if a.AsOf != "" {
		t, err := store.ParseDate(a.AsOf)
		if err != nil {
			return t, fmt.Errorf("--as-of: %w", err)
		}
		return t, nil
	}
	return store.Today(a.Now()), nil
}

// renderer styles output for stdout, honouring NO_COLOR and pipes.
func (a *App) renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(a.Out)
	if !a.IsTTY || a.Getenv("NO_COLOR") != "" || a.Getenv("TERM") == "dumb" {
		r.SetColorProfile(termenv.Ascii)
	} else {
		r.SetColorProfile(termenv.ANSI256)
	}
	return r
}

// Exit codes, mapped in one place.
const (
	exitOK        = 0
	exitAttention = 1 // `rolo due`: something is overdue
	exitUsage     = 2 // bad flags or input, unknown or ambiguous customer
	exitNotebook  = 3 // missing, damaged, busy, read-only or too new notebook
	exitFailure   = 4 // anything else
)

// errAttention is returned by commands that succeed but want exit code 1.
var errAttention = errors.New("attention")

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errAttention):
		return exitAttention
	case errors.As(err, &ue):
		return exitUsage
	}
	switch store.KindOf(err) {
	case store.KindInvalid, store.KindNotFound, store.KindAmbiguous, store.KindConflict, store.KindExists, store.KindNoModel:
		return exitUsage
	case store.KindNoNotebook, store.KindNotNotebook, store.KindTooNew, store.KindDamaged, store.KindBusy,
		store.KindReadOnly, store.KindDiskFull, store.KindNotPermitted:
		return exitNotebook
	}
	return exitFailure
}

// hints say what to do about an error, by kind: the store's messages say
// what went wrong and never name a command.
var hints = map[store.Kind]string{
	store.KindNoNotebook:  "run rolo init to create one, or pass --db with the path of your notebook",
	store.KindNotNotebook: "pass --db with the path of a rolo notebook",
	store.KindDamaged:     "run rolo check to see what is damaged, or restore a backup",
	store.KindNoModel:     "run rolo clv to fit one",
}

// printError writes err to stderr as inert text, with what to do about it.
func (a *App) printError(err error) {
	msg := err.Error()
	if h := hints[store.KindOf(err)]; h != "" && !strings.Contains(msg, h) {
		msg += "; " + h
	}
	fmt.Fprintln(a.Err, "rolo: "+render.CleanText(msg))
}
