package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Files rolo writes whole — backups, exports, new notebooks, recovered
// copies — are built aside in a private (0600) temporary file next to
// their destination and given their name only when complete. The
// temporary files carry rolo's own names, ".rolo-KIND-HEX", and stay
// locked (flock) by the process that made them for as long as it lives.
// A process stopped by a signal removes its own; one killed outright
// (SIGKILL, a crash, a power cut) cannot, so the next rolo working in the
// folder removes every such file older than itself that no process holds,
// with the -journal, -wal and -shm files SQLite kept beside it: a hidden
// copy of customer data never stays behind.

const tempPrefix = ".rolo-"

// tempKinds are the kinds of temporary file rolo makes.
func isTempKind(k string) bool {
	switch k {
	case "backup", "export", "new":
		return true
	}
	return false
}

// sqliteSidecars are the files SQLite keeps beside a database.
var sqliteSidecars = [...]string{"-journal", "-wal", "-shm"}

// splitTempName says whether name is one of rolo's temporary files and,
// if so, the temporary file it belongs to (name without a SQLite suffix).
func splitTempName(name string) (base string, sidecar bool, ok bool) {
	base = name
	for _, suf := range sqliteSidecars {
		if strings.HasSuffix(name, suf) {
			base, sidecar = strings.TrimSuffix(name, suf), true
			break
		}
	}
	rest, found := strings.CutPrefix(base, tempPrefix)
	if !found {
		return "", false, false
	}
	kind, id, found := strings.Cut(rest, "-")
	if !found || !isTempKind(kind) || id == "" {
		return "", false, false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false, false
		}
	}
	return base, sidecar, true
}

// Temps is the set of temporary files a process holds, so that a command
// stopped by a signal can remove them on its way out. The zero value is
// ready; a nil *Temps keeps no record.
type Temps struct {
	mu    sync.Mutex
	files map[*TempFile]struct{}
}

func (r *Temps) add(t *TempFile) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.files == nil {
		r.files = map[*TempFile]struct{}{}
	}
	r.files[t] = struct{}{}
}

func (r *Temps) remove(t *TempFile) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.files, t)
}

// RemoveAll removes every temporary file still held, for a process about
// to exit before its command could finish.
func (r *Temps) RemoveAll() {
	if r == nil {
		return
	}
	r.mu.Lock()
	files := make([]*TempFile, 0, len(r.files))
	for t := range r.files {
		files = append(files, t)
	}
	r.mu.Unlock()
	for _, t := range files {
		t.Discard()
	}
}

// Len is the number of temporary files held.
func (r *Temps) Len() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.files)
}

// TempFile is a private temporary file, locked while this process holds it.
type TempFile struct {
	path string
	f    *os.File // open for the whole life of the file: it holds the lock
	reg  *Temps
	once sync.Once
}

// Path is where the temporary file is.
func (t *TempFile) Path() string { return t.path }

// File is the open temporary file.
func (t *TempFile) File() *os.File { return t.f }

// Discard removes the temporary file and SQLite's files beside it. It may
// be called more than once, and after Done it does nothing.
func (t *TempFile) Discard() {
	t.once.Do(func() {
		os.Remove(t.path)
		for _, suf := range sqliteSidecars {
			os.Remove(t.path + suf)
		}
		t.f.Close() // unlocks
		t.reg.remove(t)
	})
}

// done releases the file once it has been moved into place.
func (t *TempFile) done() {
	t.once.Do(func() {
		for _, suf := range sqliteSidecars {
			os.Remove(t.path + suf)
		}
		t.f.Close()
		t.reg.remove(t)
	})
}

// createTemp makes a new locked, private temporary file of a kind in dir.
func createTemp(dir, kind string, reg *Temps) (*TempFile, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf("%s%s-%016x", tempPrefix, kind, rand.Uint64()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := lockFile(f); err != nil {
			f.Close()
			os.Remove(name)
			return nil, err
		}
		// Another rolo cleaning the folder may have removed the file
		// between its creation and the lock: then make another.
		fi, err1 := f.Stat()
		di, err2 := os.Lstat(name)
		if err1 != nil || err2 != nil || !os.SameFile(fi, di) {
			f.Close()
			continue
		}
		t := &TempFile{path: name, f: f, reg: reg}
		reg.add(t)
		return t, nil
	}
	return nil, fmt.Errorf("cannot make a temporary file in %s", dir)
}

// CleanTemps removes rolo's temporary files in dir that were left by a
// process that is gone: older than before and not locked. It returns the
// names removed. Errors are not reported: cleaning is a courtesy.
func CleanTemps(dir string, before time.Time) []string {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	var removed []string
	gone := map[string]bool{}
	var sidecars []string
	for _, n := range names {
		base, sidecar, ok := splitTempName(n)
		if !ok {
			continue
		}
		if sidecar {
			sidecars = append(sidecars, n)
			continue
		}
		path := filepath.Join(dir, n)
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(before) {
			continue
		}
		if removeIfUnlocked(path) {
			removed = append(removed, n)
			gone[base] = true
		}
	}
	for _, n := range sidecars {
		base, _, _ := splitTempName(n)
		if !gone[base] {
			if _, err := os.Lstat(filepath.Join(dir, base)); err == nil || !errors.Is(err, fs.ErrNotExist) {
				continue // its database is still there, in use
			}
		}
		path := filepath.Join(dir, n)
		if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(before) {
			if os.Remove(path) == nil {
				removed = append(removed, n)
			}
		}
	}
	return removed
}

// WriteOptions say how WriteFile treats its destination.
type WriteOptions struct {
	// Kind names the temporary file: "export", "backup".
	Kind string
	// Force replaces an existing regular file, keeping its mode.
	Force bool
	// Notebook is the open notebook: it is never replaced, nor its -wal,
	// -shm or -journal file, even with Force.
	Notebook string
	// NoNotebooks refuses to replace any rolo notebook (an export never
	// means to).
	NoNotebooks bool
	// NeedFile says fill needs a regular file (SQLite writes it by name):
	// a device or pipe then gets a copy of the finished file.
	NeedFile bool
	// Temps records the temporary file while it exists.
	Temps *Temps
	// Before: rolo's temporary files in the destination folder older than
	// this and not locked are removed first (none when zero).
	Before time.Time
}

// target is what a destination path turned out to be.
type target struct {
	path    string      // the file to write: symbolic links resolved
	info    fs.FileInfo // nil when it does not exist yet
	inPlace bool        // a character device, pipe or socket: written in place
}

// examineTarget applies the rules for a destination: never the open
// notebook, a folder or a disk; an existing file only with Force; a
// device or pipe is written in place.
func examineTarget(dest string, o WriteOptions) (target, error) {
	li, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(dest)
		if di, err := os.Stat(dir); err != nil || !di.IsDir() {
			return target{}, Errorf(KindInvalid, "there is no folder %s to write %s in", dir, dest)
		}
		if o.Notebook != "" && namesNotebookFile(dest, o.Notebook) {
			return target{}, Errorf(KindInvalid, "%s belongs to the open notebook %s; it is never written over", dest, o.Notebook)
		}
		return target{path: dest}, nil
	}
	if err != nil {
		return target{}, fmt.Errorf("%s: %w", dest, mapOSErr(err))
	}
	fi, err := os.Stat(dest)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return target{}, Errorf(KindInvalid, "%s is a symbolic link to a file that does not exist", dest)
		}
		return target{}, fmt.Errorf("%s: %w", dest, mapOSErr(err))
	}
	t := target{path: dest, info: fi}
	if li.Mode()&fs.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(dest); err == nil {
			t.path = real
		}
	}
	mode := fi.Mode()
	switch {
	case mode.IsDir():
		return target{}, Errorf(KindInvalid, "%s is a folder; give a file name", dest)
	case mode&fs.ModeDevice != 0 && mode&fs.ModeCharDevice == 0:
		return target{}, Errorf(KindInvalid, "%s is a disk (a block device); rolo writes only files, pipes and terminals", dest)
	case !mode.IsRegular():
		t.inPlace = true
		return t, nil
	}
	if o.Notebook != "" && isNotebookFile(fi, o.Notebook) {
		return target{}, Errorf(KindInvalid, "%s is the open notebook %s or one of its files; it is never written over", dest, o.Notebook)
	}
	if o.NoNotebooks && isRoloNotebook(t.path) {
		return target{}, Errorf(KindInvalid, "%s is a rolo notebook; it is never replaced by an export", dest)
	}
	if !o.Force {
		return target{}, Errorf(KindExists, "%s already exists", dest)
	}
	return t, nil
}

// isNotebookFile says whether fi is the notebook file or one of SQLite's
// files beside it, by device and inode (whatever path led to it).
func isNotebookFile(fi fs.FileInfo, notebook string) bool {
	for _, suf := range [...]string{"", "-wal", "-shm", "-journal"} {
		if ni, err := os.Stat(notebook + suf); err == nil && os.SameFile(fi, ni) {
			return true
		}
	}
	return false
}

// namesNotebookFile says whether path, which does not exist, is where
// SQLite would put one of the notebook's files.
func namesNotebookFile(path, notebook string) bool {
	dir, err1 := filepath.EvalSymlinks(filepath.Dir(path))
	ndir, err2 := filepath.EvalSymlinks(filepath.Dir(notebook))
	if err1 != nil || err2 != nil {
		return false
	}
	if di, err := os.Stat(dir); err != nil {
		return false
	} else if ni, err := os.Stat(ndir); err != nil || !os.SameFile(di, ni) {
		return false
	}
	base, nbase := filepath.Base(path), filepath.Base(notebook)
	for _, suf := range [...]string{"", "-wal", "-shm", "-journal"} {
		if base == nbase+suf {
			return true
		}
	}
	return false
}

// isRoloNotebook says whether the file at path is a SQLite database with
// rolo's application id.
func isRoloNotebook(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [72]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false
	}
	return string(h[:16]) == "SQLite format 3\x00" &&
		uint32(h[68])<<24|uint32(h[69])<<16|uint32(h[70])<<8|uint32(h[71]) == ApplicationID
}

// WriteFile writes dest whole or not at all. fill writes the open file it
// is given: a private temporary file next to dest that takes dest's name
// only when fill succeeded, everything is on disk and ctx is still live —
// or, when dest is a device or pipe, dest itself (with NeedFile, a copy of
// the finished temporary file). A new file is linked into place, so a file
// that appeared meanwhile is never replaced; an existing file is replaced
// only with Force and keeps its mode.
func WriteFile(ctx context.Context, dest string, o WriteOptions, fill func(f *os.File) error) error {
	t, err := examineTarget(dest, o)
	if err != nil {
		return err
	}
	if t.inPlace && !o.NeedFile {
		f, err := os.OpenFile(t.path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", dest, mapOSErr(err))
		}
		err = fill(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return writeErr(dest, err, true)
	}
	dir := filepath.Dir(t.path)
	if !o.Before.IsZero() {
		CleanTemps(dir, o.Before)
	}
	tmp, err := createTemp(dir, o.Kind, o.Temps)
	if err != nil {
		return writeErr(dest, err, false)
	}
	defer tmp.Discard()
	if err := fill(tmp.f); err != nil {
		return writeErr(dest, err, false)
	}
	if err := tmp.f.Sync(); err != nil {
		return writeErr(dest, err, false)
	}
	if err := ctx.Err(); err != nil {
		return &Error{KindOther, fmt.Sprintf("stopped before %s was written; nothing was written", dest), err}
	}
	switch {
	case t.inPlace:
		err = copyInto(tmp.f, t.path)
	case t.info == nil:
		err = linkIntoPlace(tmp.path, t.path)
	default:
		err = replace(tmp.path, t, o)
	}
	if err != nil {
		return writeErr(dest, err, t.inPlace)
	}
	if t.inPlace {
		return nil // the deferred Discard removes the copy
	}
	tmp.done()
	syncDir(dir)
	return nil
}

// copyInto writes the whole of f into the device or pipe at path.
func copyInto(f *os.File, path string) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, f)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkIntoPlace gives the finished file at tmp the name dest, which must
// not exist: link() fails if a file appeared there meanwhile, where
// rename() would replace it.
func linkIntoPlace(tmp, dest string) error {
	err := os.Link(tmp, dest)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return Errorf(KindExists, "%s appeared while it was being written and was left as it is", dest)
	}
	// Some file systems cannot link (FAT, some network and FUSE mounts):
	// rename, after a last check.
	if _, err := os.Lstat(dest); err == nil {
		return Errorf(KindExists, "%s appeared while it was being written and was left as it is", dest)
	}
	return os.Rename(tmp, dest)
}

// replace renames the finished file at tmp over the existing file of t,
// giving it that file's mode (and owner, where allowed).
func replace(tmp string, t target, o WriteOptions) error {
	// The destination may have changed since it was examined.
	fi, err := os.Stat(t.path)
	if err != nil || !fi.Mode().IsRegular() || (o.Notebook != "" && isNotebookFile(fi, o.Notebook)) ||
		(o.NoNotebooks && isRoloNotebook(t.path)) {
		return Errorf(KindConflict, "%s changed while it was being written and was left as it is", t.path)
	}
	if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil {
		return err
	}
	keepOwner(tmp, fi)
	return os.Rename(tmp, t.path)
}

// writeErr says what a failed write of dest means: a full disk names the
// destination, and a file never renamed into place was not written at
// all. Errors that are not about the file pass unchanged.
func writeErr(dest string, err error, inPlace bool) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	var errno syscall.Errno
	switch {
	case isNoSpace(err) && inPlace:
		return &Error{KindDiskFull, fmt.Sprintf("no space left on %s; what was written there is incomplete", dest), err}
	case isNoSpace(err):
		return &Error{KindDiskFull, fmt.Sprintf("no space left on the disk of %s; nothing was written", dest), err}
	case inPlace && (errors.As(err, &pe) || errors.As(err, &errno)):
		return fmt.Errorf("write %s: %w (what was written there is incomplete)", dest, mapOSErr(err))
	case errors.As(err, &pe) || errors.As(err, &errno):
		return fmt.Errorf("write %s: %w (nothing was written)", dest, mapOSErr(err))
	}
	return err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
