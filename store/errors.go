package store

import (
	"errors"
	"fmt"
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
)

var kindNames = [...]string{"error", "invalid", "not found", "ambiguous", "conflict", "exists", "no notebook",
	"not a rolo notebook", "notebook written by a newer rolo", "notebook damaged", "notebook busy", "disk full",
	"notebook is read-only", "permission denied", "no model"}

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

// KindOf is the kind of err, KindOther when it is not a store error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
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
)

// Extended result codes the store reacts to.
const (
	sqliteConstraintForeignKey = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	sqliteConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqliteConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)
