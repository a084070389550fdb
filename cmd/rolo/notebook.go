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
		Args:  cobra.NoArgs,
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
		Args:  exactArgs(1, "the backup FILE to write"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			ctx, done := a.showProgress(cmd.Context(), "backing up")
			err = st.Backup(ctx, args[0])
			done()
			if err != nil {
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
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.Store(cmd.Context())
			if err != nil {
				return err
			}
			ctx, done := a.showProgress(cmd.Context(), "checking the notebook")
			rep, err := st.Check(ctx)
			done()
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
