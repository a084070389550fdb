package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
)

func newInitCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create a new, empty notebook",
		Long: `Create a new, empty notebook at --db, $ROLO_DB or the default path.

The notebook is built aside in a private temporary file in the same folder
and takes its name only when complete, with mode 0600 (its folder 0700 if
new). init never replaces a file.`,
		Example: `  rolo init
  rolo init --db ~/work.db               # a second notebook; rolo --db ~/work.db due`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := a.dbPath()
			if err != nil {
				return err
			}
			if store.IsPostgres(path) {
				// A server address may carry a password: never echo it.
				var note string
				if err := store.Create(cmd.Context(), path, a.storeOptions(), func(st *store.Store) (err error) {
					note, err = st.ChineseNote(cmd.Context())
					return err
				}); err != nil {
					return err
				}
				if note != "" {
					fmt.Fprintf(a.Err, "Note: %s.\n", clean(note))
				}
				name := store.RedactAddress(path)
				if a.JSON {
					return writeJSON(a.Out, map[string]any{"path": name, "schema_version": store.SchemaVersionPG()})
				}
				fmt.Fprintf(a.Out, "Created notebook %s\n", name)
				return nil
			}
			if err := initTarget(path); err != nil {
				return err
			}
			if err := store.Create(cmd.Context(), path, a.storeOptions(), nil); err != nil {
				return err
			}
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"path": path, "schema_version": store.SchemaVersion()})
			}
			fmt.Fprintf(a.Out, "Created notebook %s\n", path)
			return nil
		},
	}
}

// initTarget says why init cannot create a notebook at path, if it cannot.
func initTarget(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Lstat(path); err == nil {
			return store.Errorf(store.KindExists, "%s is a symbolic link to a file that does not exist; pass --db with the file's own path", path)
		}
		return nil
	}
	switch {
	case err != nil:
		return err
	case fi.Mode().IsRegular() && fi.Size() > 0:
		return store.Errorf(store.KindExists, "a notebook already exists at %s; rolo is ready to use (pass --db to create another)", path)
	case fi.Mode().IsRegular():
		return store.Errorf(store.KindExists, "%s exists and is empty; rolo init never replaces a file: remove it, or pass --db with another path", path)
	}
	return store.Errorf(store.KindExists, "%s already exists and is not a notebook file; pass --db with another path", path)
}

func newBackupCmd(a *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the notebook (safe while rolo runs)",
		Long: `Write a consistent copy of the notebook to FILE, safe while rolo runs.

The copy is made with SQLite's VACUUM INTO in a private temporary file next
to FILE, checked, synced and only then given FILE's name, so FILE is never
a partial copy and an interrupted or failed backup leaves nothing behind.
An existing FILE is replaced only with --force (and keeps its mode); the
notebook itself and its -wal and -shm files never are. A pipe or device
(rolo backup /dev/stdout | gzip) gets the checked copy written into it.`,
		Example: `  rolo backup ~/rolo-backup.db
  rolo backup "rolo-$(date +%F).db"`,
		Args: exactArgs(1, "the backup FILE to write"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			ctx, done := a.showProgress(cmd.Context(), "backing up")
			err = st.BackupTo(ctx, args[0], store.BackupOptions{Force: force})
			done()
			if errors.Is(err, store.ErrExists) {
				return fmt.Errorf("%w; pass --force to replace it", err)
			}
			if err != nil {
				return err
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "Backed up to %s\n", clean(args[0]))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing FILE (keeping its mode); never the notebook itself")
	return cmd
}

func newCheckCmd(a *App) *cobra.Command {
	var full, repair bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the notebook for damage; --repair saves what can be read into a new notebook",
		Long: `Check the notebook without changing it, even when it is too damaged to open.

By default a quick check: SQLite's quick_check (every table and index is
well-formed, the search index matches its texts), the foreign keys (no row
points to a missing one) and the kept purchase totals (they agree with the
purchases) — about 9 s for a million purchases. --full runs SQLite's
integrity_check instead of quick_check, which also compares every index
entry with its row (about 45 s for a million purchases).

Damage is named: the table or index and the page, as SQLite reports it.

--repair, when the check finds a problem, copies every row that can still
be read, table by table, into a new notebook next to this one
(notebook.recovered.db), rebuilds the purchase totals and the search index
there and says how many rows of each kind were saved. History whose
customer could not be read is kept under a placeholder customer. The
damaged notebook is left as it is: check the copy, then move it into
place.`,
		Example: `  rolo check
  rolo check --full
  rolo check --repair && rolo --db ~/.local/share/rolo/notebook.recovered.db check --full`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), a, full, repair)
		},
	}
	cmd.Flags().BoolVar(&full, "full", false, "run SQLite's complete integrity check (compares every index with its table; slower)")
	cmd.Flags().BoolVar(&repair, "repair", false, "if the check finds a problem, copy every readable row into a new notebook beside this one")
	return cmd
}

// noHint marks an error whose message already says what to do.
type noHint struct{ error }

func (e noHint) Unwrap() error { return e.error }

func runCheck(ctx context.Context, a *App, full, repair bool) error {
	path, err := a.dbPath()
	if err != nil {
		return err
	}
	server := store.IsPostgres(path)
	if server && repair {
		return usageErrorf("--repair copies the readable rows of a notebook file; a team's notebook on PostgreSQL is restored from the server's backups (pg_dump), nothing was checked")
	}
	// The check opens the file itself, read-only: it must work on a
	// notebook too damaged to open, and never migrates or writes.
	store.CleanTemps(filepath.Dir(path), a.started)
	started := time.Now()
	pctx, done := a.showProgress(ctx, "checking the notebook")
	defer done()
	rep, err := store.CheckFile(pctx, path, store.CheckOptions{Full: full})
	if err != nil {
		if store.KindOf(err) != store.KindDamaged || !repair {
			return err
		}
		// Too damaged to check: a rescue may still save something.
		rep.Integrity = append(rep.Integrity, err.Error())
	} else {
		a.warnIfShared(path)
	}
	took := time.Since(started)
	var rescue *store.RecoverReport
	if !rep.OK && repair {
		progress.From(pctx).Stage("copying what can be read", 0, "")
		r, err := store.Recover(pctx, path, store.RecoveredPath(path), a.storeOptions())
		if err != nil {
			return fmt.Errorf("repair: %w", err)
		}
		saved := 0
		for _, t := range r.Tables {
			if t.Table != "settings" && t.Table != "state" {
				saved += t.Saved
			}
		}
		if saved == 0 {
			// An empty notebook is no copy of this one: never offered as
			// one to move into its place.
			for _, f := range []string{r.Path, r.Path + "-wal", r.Path + "-shm"} {
				os.Remove(f)
			}
			done()
			why := "nothing readable"
			if len(rep.Integrity) > 0 {
				why = rep.Integrity[0]
			}
			return noHint{store.Errorf(store.KindDamaged, "%s: no customer, purchase or record could be read from it (%s); restore a backup",
				clean(path), clean(why))}
		}
		rescue = &r
	}
	done()
	if a.JSON {
		if err := writeJSON(a.Out, struct {
			store.CheckReport
			Seconds float64              `json:"seconds"`
			Repair  *store.RecoverReport `json:"repair,omitempty"`
		}{rep, took.Seconds(), rescue}); err != nil {
			return err
		}
	} else {
		printCheck(a, rep, took, server)
		if rescue != nil {
			printRescue(a, path, *rescue)
		}
	}
	switch {
	case rep.OK:
		return nil
	case rescue != nil:
		return nil // the copy is made; the report says where
	}
	what := "is damaged"
	if len(rep.Integrity) == 0 {
		what = "failed its check"
	}
	until := ""
	if len(rep.Integrity) > 0 {
		until = "; rolo writes nothing to it until it passes a check"
	}
	fix := "rolo check --repair copies every readable row into a new notebook beside it, or restore a backup"
	if server {
		fix = "restore the team's notebook from the server's backups (pg_dump), or ask its owner"
	}
	return noHint{store.Errorf(store.KindDamaged, "%s %s: %s%s; %s",
		shownName(path), what, strings.Join(rep.Objects(), ", "), until, fix)}
}

func printCheck(a *App, rep store.CheckReport, took time.Duration, server bool) {
	kind := "quick check"
	switch {
	case server:
		kind = "checked on the server"
	case rep.Full:
		kind = "full check"
	}
	for _, d := range rep.Damage {
		fmt.Fprintf(a.Out, "damaged: %s: %s\n", clean(d.Object), clean(d.Detail))
	}
	for _, l := range rep.ForeignKeys {
		fmt.Fprintln(a.Out, "foreign key: "+clean(l))
	}
	if rep.Totals > 0 {
		fmt.Fprintf(a.Out, "purchase totals: %d customers disagree with their purchases\n", rep.Totals)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(a.Out, "note: %s\n", clean(n))
	}
	if rep.OK {
		fmt.Fprintf(a.Out, "ok: %s (%s, %.1fs)\n", clean(rep.Path), kind, took.Seconds())
	} else if a.IsTTY {
		fmt.Fprintf(a.Out, "(%s, %.1fs)\n", kind, took.Seconds())
	}
}

func printRescue(a *App, path string, r store.RecoverReport) {
	fmt.Fprintf(a.Out, "Saved what could be read into %s:\n", clean(r.Path))
	for _, t := range r.Tables {
		line := fmt.Sprintf("  %-13s %8d saved", t.Table, t.Saved)
		if t.Unreadable != "" {
			line += "; unreadable: " + clean(t.Unreadable)
		} else if len(t.Lost) > 0 {
			var parts []string
			for _, l := range t.Lost {
				if l.To == math.MaxInt64 {
					parts = append(parts, fmt.Sprintf("from id %d on", l.From))
				} else {
					parts = append(parts, fmt.Sprintf("ids %d–%d", l.From, l.To))
				}
			}
			line += "; could not read " + strings.Join(parts, ", ")
		}
		if t.Unusable > 0 {
			line += fmt.Sprintf("; %d rows too damaged to store", t.Unusable)
		}
		fmt.Fprintln(a.Out, line)
	}
	if r.Placeholders > 0 {
		fmt.Fprintf(a.Out, "  %d placeholder customers hold saved history whose customer could not be read\n", r.Placeholders)
	}
	if r.OK {
		fmt.Fprintf(a.Out, "The copy passes the quick check. %s is left as it was; once you are happy with the copy (rolo --db %s check --full), keep %s aside and move the copy into its place.\n",
			clean(path), clean(shellQuote(r.Path)), clean(path))
	} else {
		fmt.Fprintf(a.Out, "The copy does not pass the quick check either: rolo --db %s check shows why.\n", clean(shellQuote(r.Path)))
	}
}
