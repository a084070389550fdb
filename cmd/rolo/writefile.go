package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/rolo-crm/rolo/store"
)

// stdStream says whether path names the standard output (1) or error (2):
// those are written to as the streams they are, never opened, replaced
// or renamed over (if stdout is redirected to a file, that file).
func stdStream(path string) int {
	switch path {
	case "", "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		return 1
	case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2":
		return 2
	}
	return 0
}

// writeOutput runs write against stdout, or writes the file at path whole
// (see store.WriteFile): into a private temporary file renamed to path only
// when everything was written. An existing file is replaced only with
// force, and keeps its mode; the open notebook (and its -wal and -shm),
// any other rolo notebook and a folder never are; a device or pipe is
// written in place.
func writeOutput(ctx context.Context, a *App, path string, force bool, write func(w io.Writer) (int, error)) error {
	switch stdStream(path) {
	case 1:
		_, err := write(a.Out)
		return err
	case 2:
		_, err := write(a.Err)
		return err
	}
	nb := ""
	if a.store != nil {
		nb = a.store.Path()
	}
	var n int
	o := store.WriteOptions{Kind: "export", Force: force, Notebook: nb, NoNotebooks: true, Temps: a.temps, Before: a.started}
	err := store.WriteFile(ctx, path, o, func(f *os.File) error {
		var err error
		n, err = write(f)
		return err
	})
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("export: %w; pass --force to replace it", err)
	}
	if err != nil {
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
