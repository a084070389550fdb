package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/rolo-crm/rolo/store"
	"github.com/spf13/cobra"
)

func newInitCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create a new, empty notebook",
		Long: `Create a new, empty notebook: the file --db names, else $ROLO_DB, else
$XDG_DATA_HOME/rolo/notebook.db (~/.local/share/rolo/notebook.db), private
to you (mode 0600 in a 0700 folder). An existing notebook is never touched.`,
		Example: `  rolo init
  rolo init --db ~/work.db               # a second notebook; rolo --db ~/work.db due`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := a.dbPath()
			if err != nil {
				return err
			}
			if _, err := os.Stat(path); err == nil {
				return store.Errorf(store.KindExists, "a notebook already exists at %s; rolo is ready to use (pass --db to create another)", path)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			st, err := store.Open(cmd.Context(), path, store.Options{Create: true, Now: a.Now})
			if err != nil {
				return err
			}
			st.Close()
			if a.JSON {
				return writeJSON(a.Out, map[string]any{"path": path, "schema_version": store.SchemaVersion()})
			}
			fmt.Fprintf(a.Out, "Created notebook %s\n", path)
			return nil
		},
	}
}

func newBackupCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the notebook (safe while rolo runs)",
		Long: `Write a consistent copy of the notebook to FILE, safe while rolo runs in another
terminal: SQLite's VACUUM INTO a private temporary file, checked, then renamed
into place, so FILE is complete or not there at all. Restore by using the copy
as the notebook (rolo --db FILE, or copy it over the notebook while rolo is closed).`,
		Example: `  rolo backup ~/rolo-backup.db
  rolo backup "rolo-$(date +%F).db"`,
		Args: exactArgs(1, "the backup FILE to write"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			if a.IsTTY {
				fmt.Fprintf(a.Out, "Backed up to %s\n", clean(args[0]))
			}
			return nil
		},
	}
}

func newCheckCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the notebook for damage (integrity, foreign keys, search index)",
		Long: `Check the notebook: SQLite's integrity and foreign-key checks, the search index,
and the kept purchase totals against the purchases. Exit status 3 when
something is damaged (restore a backup).`,
		Example: `  rolo check
  rolo check --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := st.Check(cmd.Context())
			if err != nil {
				return err
			}
			if a.JSON {
				if err := writeJSON(a.Out, rep); err != nil {
					return err
				}
			} else {
				for _, l := range rep.Integrity {
					fmt.Fprintln(a.Out, "integrity: "+clean(l))
				}
				for _, l := range rep.ForeignKeys {
					fmt.Fprintln(a.Out, "foreign key: "+clean(l))
				}
				if rep.Totals > 0 {
					fmt.Fprintf(a.Out, "purchase totals: %s disagree with their purchases\n", plural(rep.Totals, "customer"))
				}
				if rep.Search != "ok" {
					fmt.Fprintln(a.Out, "search index: "+clean(rep.Search))
				}
				if rep.OK {
					fmt.Fprintf(a.Out, "ok: %s\n", clean(st.Path()))
				}
			}
			if !rep.OK {
				return store.Errorf(store.KindDamaged, "%s failed its check; restore a backup (rolo backup makes one)", st.Path())
			}
			return nil
		},
	}
}
