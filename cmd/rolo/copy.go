package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/store"
	"github.com/rolo-crm/rolo/store/transfer"
)

// copyOptions are rolo copy's flags.
type copyOptions struct {
	newIDs, allowDuplicates bool
}

func newCopyCmd(a *App) *cobra.Command {
	var o copyOptions
	cmd := &cobra.Command{
		Use:   "copy FROM TO",
		Short: "Copy a whole notebook into a new or empty one, or add it to another, all or nothing",
		Long: `Copy a whole notebook: customers, purchases, payments, contacts,
follow-ups, surveys, events, statuses, agenda actions and settings.

FROM and TO are notebook files or PostgreSQL addresses (postgres://...), so a
personal notebook moves into a team's database and back. TO is a file that
does not exist yet (it is built aside and appears only when complete) or a
notebook that holds no customers: the copy keeps every id.

With --new-ids, TO may already hold customers, such as a team's notebook that
another rep filled first: every copied row gets a new id there, and what
refers to it (payments, referrals, snoozes) follows. TO keeps its own
currency and settings. A customer of FROM whose phone, email or external id
TO already holds stops the copy (was it copied before?); --allow-duplicates
adds those customers anyway (not an external id, which is one customer's).

The copy is one transaction: before it commits, rolo counts the rows of
every kind and adds up the money (revenue, cost, paid, payments) that FROM
holds and that TO gained, and if anything differs nothing is written. FROM
is only read.`,
		Example: `  rolo copy ~/.local/share/rolo/notebook.db postgres://me@teamdb/sales
  rolo copy --new-ids ~/.local/share/rolo/notebook.db postgres://li@teamdb/sales   # a second rep
  rolo copy postgres://me@teamdb/sales ~/rolo-copy.db
  rolo copy notebook.db copy.db     # a whole notebook, checked row for row
  rolo copy --new-ids old.db notebook.db   # add one notebook to another: new ids, references kept`,
		Args: exactArgs(2, "a notebook to copy from and one to copy into"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCopy(cmd.Context(), a, args[0], args[1], o)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.newIDs, "new-ids", false, "give the copied rows new ids, to add FROM to a notebook that holds customers")
	fs.BoolVar(&o.allowDuplicates, "allow-duplicates", false, "with --new-ids: add customers whose phone or email TO already holds")
	return cmd
}

// isServer says whether a notebook name is a database server's address
// rather than a file.
func isServer(name string) bool {
	return strings.HasPrefix(name, "postgres://") || strings.HasPrefix(name, "postgresql://")
}

// shownName is a notebook's name for messages: a server address without
// its password.
func shownName(name string) string {
	if isServer(name) {
		if u, err := url.Parse(name); err == nil {
			return u.Redacted()
		}
	}
	return name
}

// sameNotebook says whether two names are one notebook.
func sameNotebook(a, b string) bool {
	if isServer(a) || isServer(b) {
		return a == b
	}
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	if aerr == nil && berr == nil {
		return os.SameFile(ai, bi)
	}
	aa, _ := filepath.Abs(a)
	ba, _ := filepath.Abs(b)
	return aa == ba
}

func runCopy(ctx context.Context, a *App, from, to string, o copyOptions) error {
	if sameNotebook(from, to) {
		return usageErrorf("%s is both FROM and TO: name another notebook to copy into", clean(shownName(to)))
	}
	if o.allowDuplicates && !o.newIDs {
		return usageErrorf("--allow-duplicates goes with --new-ids: without it rolo copy keeps every id, and writes only into a notebook that holds no customers")
	}
	ctx, done := a.showProgress(ctx, "copying")
	defer done()
	if !isServer(from) {
		store.CleanTemps(filepath.Dir(from), a.started)
	}
	src, err := store.Open(ctx, from, a.storeOptions())
	if err != nil {
		return err
	}
	defer src.Close()
	want, err := src.Census(ctx)
	if err != nil {
		return err
	}
	var warnings []string
	into := func(dst *store.Store) (err error) {
		warnings, err = copyNotebook(ctx, a, src, dst, from, want, o)
		return err
	}

	newFile := false
	if !isServer(to) {
		_, err := os.Lstat(to)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			newFile = true
		case err != nil:
			return err
		}
	}
	if newFile {
		// Built aside and given its name only when complete.
		err = store.Create(ctx, to, a.storeOptions(), into)
	} else {
		opts := a.storeOptions()
		opts.Create = isServer(to) // a server's database gets rolo's tables
		var dst *store.Store
		if dst, err = store.Open(ctx, to, opts); err != nil {
			return err
		}
		err = into(dst)
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}
	done()
	if err != nil {
		return err
	}
	if a.JSON {
		return writeJSON(a.Out, map[string]any{"from": shownName(from), "to": shownName(to), "copied": want,
			"new_ids": o.newIDs, "warnings": warnings})
	}
	cash := src.Currency().Format
	if a.ErrTTY {
		cash = src.Currency().Grouped
	}
	fmt.Fprintf(a.Err, "Copied %s, %s, %s, %s, %s, %s and %s from %s to %s.\n",
		plural(int(want.Customers), "customer"), plural(int(want.Purchases), "purchase"), plural(int(want.Payments), "payment"),
		plural(int(want.Contacts), "contact"), plural(int(want.FollowUps), "follow-up"), plural(int(want.Surveys), "survey"),
		plural(int(want.Events), "event"), clean(shownName(from)), clean(shownName(to)))
	same := "Both sides hold the same rows and the same money"
	if o.newIDs {
		same = "The rows have new ids there, and it gained what " + clean(shownName(from)) + " holds, row for row and to the cent"
	}
	fmt.Fprintf(a.Err, "%s: revenue %s, cost %s, paid %s at the sale and %s after.\n",
		same, cash(want.Revenue), cash(want.Cost), cash(want.PaidAtSale), cash(want.Paid))
	for _, w := range warnings {
		fmt.Fprintf(a.Err, "Note: %s.\n", clean(w))
	}
	return nil
}

// errCopyStopped stops the export when the restore has stopped.
var errCopyStopped = errors.New("the copy stopped")

// copyNotebook streams src's whole-notebook export into dst's restore, in
// one transaction that commits only when dst holds what src held.
func copyNotebook(ctx context.Context, a *App, src, dst *store.Store, from string, want store.Census, o copyOptions) ([]string, error) {
	held, err := dst.CustomerKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(held) > 0 && !o.newIDs {
		return nil, store.Errorf(store.KindConflict, "%s already holds %s: rolo copy keeps every id, so it writes only into a new file or an empty notebook (nothing was written); "+
			"add --new-ids to add %s to them with new ids, or name a file that does not exist yet",
			shownName(dst.Path()), plural(len(held), "customer"), shownName(from))
	}
	m := progress.From(ctx)
	m.Stage("copying", 0, "bytes")
	pr, pw := io.Pipe()
	exported := make(chan error, 1)
	go func() {
		_, err := transfer.ExportAll(ctx, src, progress.Writer(pw, m), a.Now())
		pw.CloseWithError(err)
		exported <- err
	}()
	verify := func(b *store.Bulk, before store.Census) error {
		m.Stage("checking the copy", 0, "")
		got, err := b.Census()
		if err != nil {
			return err
		}
		if diff := want.Diff(got.Sub(before), src.Currency()); len(diff) > 0 {
			return store.Errorf(store.KindOther, "the copy does not match %s (%s): nothing was written; was %s changed during the copy? Try again",
				shownName(from), strings.Join(diff, ", "), shownName(from))
		}
		return nil
	}
	rep, err := transfer.ImportAll(ctx, dst, pr, transfer.ImportOptions{Name: shownName(from), Stream: true, Verify: verify,
		NewIDs: o.newIDs, AllowDuplicates: o.allowDuplicates})
	pr.CloseWithError(errCopyStopped) // the export stops too
	if xerr := <-exported; xerr != nil && !errors.Is(xerr, errCopyStopped) && err != nil {
		return nil, xerr // reading the source failed: say that, not what the restore made of it
	}
	var ie *transfer.ImportError
	if errors.As(err, &ie) {
		ie.Hint = strings.TrimSpace(ie.Hint + " " + fmt.Sprintf("%s is unchanged, and so is %s.", shownName(dst.Path()), shownName(from)))
	}
	if store.KindOf(err) == store.KindConflict && !o.newIDs && dst.SeesPart(ctx) {
		return nil, store.Errorf(store.KindConflict, "%s already uses the ids of %s for rows of other reps of the team, which you do not see. rolo copy keeps every id, so it fills only an empty team notebook: nothing was written. "+
			"Add --new-ids to add your notebook with new ids",
			shownName(dst.Path()), shownName(from))
	}
	return rep.Warnings, err
}
