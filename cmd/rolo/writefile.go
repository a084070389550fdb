package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rolo-crm/rolo/store"
)

// writeOutput runs write against stdout, or against a private temporary
// file renamed to path only when everything was written.
func writeOutput(a *App, path string, write func(w io.Writer) (int, error)) error {
	if path == "" || path == "-" {
		_, err := write(a.Out)
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".rolo-export-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if strings.Contains(err.Error(), "no space left") {
			return store.Errorf(store.KindDiskFull, "export to %s: the disk is full; nothing was written", path)
		}
		return fmt.Errorf("export to %s: %w (nothing was written)", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if a.IsTTY || isTerminal(a.Err) {
		fmt.Fprintf(a.Err, "Wrote %s to %s\n", plural(n, "record"), clean(path))
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
