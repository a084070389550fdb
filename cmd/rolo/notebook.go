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
		Long: `Create a new, empty notebook at --db, $ROLO_DB or the default path.

The notebook is built aside in a private temporary file in the same folder
and takes its name only when complete, with mode 0600 (its folder 0700 if
new). init never replaces a file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := a.dbPath()
			if err != nil {
				return err
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
		Args: exactArgs(1, "the backup FILE to write"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			err = st.BackupTo(cmd.Context(), args[0], store.BackupOptions{Force: force})
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
	return &cobra.Command{
		Use:   "check",
		Short: "Check the notebook for damage (integrity, foreign keys, search index)",
		Args:  cobra.NoArgs,
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
					fmt.Fprintf(a.Out, "purchase totals: %d customers disagree with their purchases\n", rep.Totals)
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
