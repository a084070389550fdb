package store

import (
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"
)

// Kind classifies a store error; callers choose exit codes and hints by it.
type Kind int

// Error kinds.
const (
	KindOther        Kind = iota
	KindInvalid           // bad input: a value, a date, an amount
	KindNotFound          // no such customer, purchase, follow-up...
	KindAmbiguous         // a reference matches several customers
	KindConflict          // the change contradicts what is stored (duplicate id, already done)
	KindExists            // a file or notebook that would be created already exists
	KindNoNotebook        // no notebook at the path
	KindNotNotebook       // the file is not a rolo notebook
	KindTooNew            // written by a newer rolo
	KindDamaged           // the notebook file is damaged
	KindBusy              // another writer holds the notebook
	KindDiskFull          // no space left
	KindReadOnly          // the file cannot be written
	KindNotPermitted      // the file or folder cannot be opened
	KindNoModel           // no lifetime-value model has been fitted yet
	KindUnavailable       // the database server cannot be reached or refused the login
	KindUnsupported       // not something this engine does (a file check on PostgreSQL, teams on SQLite)
)

var kindNames = [...]string{"error", "invalid", "not found", "ambiguous", "conflict", "exists", "no notebook",
	"not a rolo notebook", "notebook written by a newer rolo", "notebook damaged", "notebook busy", "disk full",
	"notebook is read-only", "permission denied", "no model", "database unavailable", "not supported"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "error"
}

// Error is what the store returns: a kind to act on and a plain message
// for people, wrapping the cause when there is one. Its message never
// names a command: front ends add their own hints by kind.
type Error struct {
	Kind Kind
	Msg  string
	Err  error // the underlying cause, if any
}

func (e *Error) Error() string {
	switch {
	case e.Msg != "":
		return e.Msg
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Kind.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the kind sentinels: errors.Is(err, store.ErrNotFound) holds for
// every Error of KindNotFound.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Msg == "" && t.Err == nil && t.Kind == e.Kind
}

// Errorf makes an Error of a kind with a formatted message; a %w verb
// wraps its argument as the cause.
func Errorf(kind Kind, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Kind: kind, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// KindOf is the kind of err: a store error's kind, or for a SQLite error
// that reached the caller some other way the kind its result code means;
// KindOther for anything else.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if kind := pgKind(err); kind != KindOther {
		return kind
	}
	kind, _ := describeCode(sqliteCode(err), "the notebook")
	return kind
}

// describeCode is the kind of a SQLite result code and what it means for
// the file at path, KindOther for the codes without a plain meaning.
func describeCode(code int, path string) (Kind, string) {
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return KindBusy, fmt.Sprintf("another program is writing to %s; try again in a moment", path)
	case sqlite3.SQLITE_FULL:
		return KindDiskFull, fmt.Sprintf("no space left for %s; free some disk space and try again (nothing was changed)", path)
	case sqlite3.SQLITE_READONLY:
		return KindReadOnly, fmt.Sprintf("cannot write %s; check the permissions of the file and its folder", path)
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
		return KindNotPermitted, fmt.Sprintf("cannot open %s; check the permissions of the file and its folder", path)
	case sqlite3.SQLITE_CORRUPT:
		return KindDamaged, fmt.Sprintf("%s is damaged: SQLite found a malformed page; nothing was changed", path)
	case sqlite3.SQLITE_NOTADB:
		return KindDamaged, fmt.Sprintf("%s is damaged or not a database: its first page is not SQLite's", path)
	case sqlite3.SQLITE_IOERR:
		switch code {
		case sqlite3.SQLITE_IOERR_SHMSIZE, sqlite3.SQLITE_IOERR_SHMMAP:
			// SQLite grows the -shm file by writing to it; on a full disk that fails.
			return KindDiskFull, fmt.Sprintf("no space left for %s-shm, the notebook's shared-memory file; free some disk space and try again (nothing was changed)", path)
		case sqlite3.SQLITE_IOERR_WRITE, sqlite3.SQLITE_IOERR_FSYNC, sqlite3.SQLITE_IOERR_TRUNCATE:
			return KindDiskFull, fmt.Sprintf("could not write %s; the disk is probably full — free some disk space and try again (nothing was changed)", path)
		}
	}
	return KindOther, ""
}

// Sentinels, one per kind, for errors.Is.
var (
	ErrInvalid      = &Error{Kind: KindInvalid}
	ErrNotFound     = &Error{Kind: KindNotFound}
	ErrAmbiguous    = &Error{Kind: KindAmbiguous}
	ErrConflict     = &Error{Kind: KindConflict}
	ErrExists       = &Error{Kind: KindExists}
	ErrNoNotebook   = &Error{Kind: KindNoNotebook}
	ErrNotNotebook  = &Error{Kind: KindNotNotebook}
	ErrTooNew       = &Error{Kind: KindTooNew}
	ErrDamaged      = &Error{Kind: KindDamaged}
	ErrBusy         = &Error{Kind: KindBusy}
	ErrDiskFull     = &Error{Kind: KindDiskFull}
	ErrReadOnly     = &Error{Kind: KindReadOnly}
	ErrNotPermitted = &Error{Kind: KindNotPermitted}
	ErrNoModel      = &Error{Kind: KindNoModel}
	ErrUnavailable  = &Error{Kind: KindUnavailable}
	ErrUnsupported  = &Error{Kind: KindUnsupported}
)

// Extended result codes the store reacts to.
const (
	sqliteConstraintForeignKey = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	sqliteConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqliteConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)
