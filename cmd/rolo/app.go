package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
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
	// ErrTTY says stderr is a terminal: long work shows its progress there.
	ErrTTY bool
	// Width is the terminal width in cells, 0 when unknown.
	Width int
	// forced says stdout is not a terminal but CLICOLOR_FORCE asks for
	// what a terminal gets (a pager): tables and colour, never the TUI.
	forced bool
	// BuildInfo reads how the binary was built (debug.ReadBuildInfo when nil).
	BuildInfo func() (*debug.BuildInfo, bool)

	// Global flags.
	DBPath string
	AsOf   string
	JSON   bool
	Quiet  bool // no progress display

	// On a team's notebook (list, due, pyramid): one rep's customers, or
	// everyone's with their rep.
	Rep  string
	Team bool

	store *store.Store
	svc   *insight.Service
	// temps are the temporary files the command holds, removed if a
	// signal ends the process before the command could.
	temps *store.Temps
	// started is when the process started: rolo's temporary files older
	// than this, and no longer locked, were left by a killed rolo.
	started time.Time
	// OpenTUI runs the interactive program; nil when not wired (tests).
	OpenTUI func(ctx context.Context, svc *insight.Service, today time.Time) error
}

func newSystemApp() *App {
	a := &App{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Getenv:  os.Getenv,
		Now:     time.Now,
		started: time.Now(),
		IsTTY:   term.IsTerminal(int(os.Stdout.Fd())),
		InTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
	}
	if a.IsTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			a.Width = w
		}
	} else if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil {
		a.Width = w // a pager's terminal, for CLICOLOR_FORCE
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

// Store opens the existing notebook on first use. Opening first removes
// what a killed rolo left in the notebook's folder (see store.CleanTemps)
// and warns, once, when other users can read the notebook.
func (a *App) Store(ctx context.Context) (*store.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	store.CleanTemps(filepath.Dir(path), a.started)
	st, err := store.Open(ctx, path, a.storeOptions())
	if err != nil {
		return nil, err
	}
	a.warnIfShared(path)
	if d := st.Damaged(); d != "" {
		fmt.Fprintf(a.Err, "rolo: warning: %s was found damaged (%s): what it shows may be incomplete, and nothing is written to it until it passes a check; rolo check --repair copies every readable row into a new notebook beside it\n",
			render.Clean(path), render.Clean(d))
	}
	a.adopt(st)
	return st, nil
}

// storeOptions are the options every notebook of the command is opened with.
func (a *App) storeOptions() store.Options {
	return store.Options{Now: a.Now, Temps: a.temps, Started: a.started, OnBusy: a.waitBusy(), Rep: a.Rep}
}

// warnIfShared warns when the notebook file can be read by its group or by
// everyone: it holds customers' personal data. A warning, not an error:
// the owner may mean it.
func (a *App) warnIfShared(path string) {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return
	}
	fmt.Fprintf(a.Err, "rolo: warning: other users can read %s (mode %04o); chmod 600 %s makes it private\n",
		render.Clean(path), fi.Mode().Perm(), render.Clean(shellQuote(path)))
}

// shellQuote quotes path for a shell when it needs it.
func shellQuote(path string) string {
	if strings.Trim(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+~") == "" {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
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

// Today is --as-of, or the local date now. --as-of takes every date form
// (2026-11-22, yesterday, 上周五), relative to the clock's date.
func (a *App) Today() (time.Time, error) {
	if a.AsOf != "" {
		t, err := store.ParseWhen(a.AsOf, store.Today(a.Now()))
		if err != nil {
			return t, usageErrorf("--as-of: %w", err)
		}
		return t, nil
	}
	return store.Today(a.Now()), nil
}

// applyColourEnv follows CLICOLOR_FORCE (https://bixense.com/clicolors/):
// set to anything but 0, output into a pipe (rolo due | less -R) is what a
// terminal gets, tables and colour, as wide as $COLUMNS or the terminal
// rolo's errors go to, else 80. NO_COLOR wins over it.
func (a *App) applyColourEnv() {
	force := a.Getenv("CLICOLOR_FORCE")
	if a.IsTTY || force == "" || force == "0" || a.Getenv("NO_COLOR") != "" {
		return
	}
	a.IsTTY, a.forced = true, true
	if n, err := strconv.Atoi(a.Getenv("COLUMNS")); err == nil && n > 0 {
		a.Width = n
	} else if a.Width <= 0 {
		a.Width = 80
	}
}

// renderer styles output for stdout, honouring NO_COLOR, CLICOLOR_FORCE
// and pipes.
func (a *App) renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(a.Out)
	switch {
	case a.Getenv("NO_COLOR") != "":
		r.SetColorProfile(termenv.Ascii)
	case a.forced:
		r.SetColorProfile(termenv.ANSI256)
	case !a.IsTTY || a.Getenv("TERM") == "dumb":
		r.SetColorProfile(termenv.Ascii)
	default:
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
	// A command stopped by SIGINT, SIGTERM or SIGHUP exits with 128 + the
	// signal's number, as shells report it: 130, 143, 129.
	exitSignal = 128
)

// stopSignal is the cause of a command's context when a signal stopped it.
type stopSignal struct{ sig os.Signal }

func (s stopSignal) Error() string { return "stopped by " + signalName(s.sig) }

func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT (Ctrl-C)"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}

// signalCode is the exit code for a command stopped by sig.
func signalCode(sig os.Signal) int {
	if n, ok := sig.(syscall.Signal); ok {
		return exitSignal + int(n)
	}
	return exitFailure
}

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
	case store.KindInvalid, store.KindNotFound, store.KindAmbiguous, store.KindConflict, store.KindExists, store.KindNoModel,
		store.KindUnsupported:
		return exitUsage
	case store.KindNoNotebook, store.KindNotNotebook, store.KindTooNew, store.KindDamaged, store.KindBusy,
		store.KindReadOnly, store.KindDiskFull, store.KindNotPermitted, store.KindUnavailable:
		return exitNotebook
	}
	return exitFailure
}

// hints say what to do about an error, by kind: the store's messages say
// what went wrong and never name a command.
var hints = map[store.Kind]string{
	store.KindNoNotebook:  "run rolo init to create one, or pass --db with the path of your notebook",
	store.KindNotNotebook: "pass --db with the path of a rolo notebook",
	store.KindDamaged:     "rolo check shows what is damaged, rolo check --repair copies every readable row into a new notebook beside it; or restore a backup",
	store.KindNoModel:     "run rolo clv to fit one",
}

// printError writes err to stderr as inert text, with what to do about it.
func (a *App) printError(err error) {
	msg := err.Error()
	var nh noHint
	// A message that already names rolo init needs no hint to run it.
	if h := hints[store.KindOf(err)]; h != "" && !strings.Contains(msg, h) && !errors.As(err, &nh) &&
		!(store.KindOf(err) == store.KindNoNotebook && strings.Contains(msg, "rolo init")) {
		msg += "; " + h
	}
	fmt.Fprintln(a.Err, "rolo: "+render.CleanText(msg))
}
