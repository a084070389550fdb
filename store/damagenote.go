package store

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"time"
)

// A notebook found damaged stays known as damaged. A large notebook is not
// checked whole when it is opened, so damage in pages a command does not
// read would go unnoticed and commands would go on writing into it. So
// when a check finds damage, or SQLite fails a statement with
// SQLITE_CORRUPT, a small note is left beside the notebook
// (NOTEBOOK.damaged, JSON) and every write is refused while it applies:
// until the notebook passes a check as thorough as the one that found the
// damage, or another file takes the notebook's name (a restored backup,
// the recovered copy moved into place) — the note names the file it is
// about by device and inode. Reading stays possible.

// damageNote is what the note beside a damaged notebook holds.
type damageNote struct {
	Found  string `json:"found"`  // when, RFC 3339
	By     string `json:"by"`     // "integrity_check", "quick_check" or "reading"
	Damage string `json:"damage"` // what was found, for people
	Dev    uint64 `json:"dev,omitempty"`
	Ino    uint64 `json:"ino,omitempty"`
}

// DamageNotePath is where the note about a damaged notebook at path is kept.
func DamageNotePath(path string) string { return path + ".damaged" }

// readDamageNote returns the note about the notebook file at path, if one
// applies to the file there now; a note about a file that is no longer
// there is removed.
func readDamageNote(path string) (damageNote, bool) {
	b, err := os.ReadFile(DamageNotePath(path))
	if err != nil {
		return damageNote{}, false
	}
	var n damageNote
	if json.Unmarshal(b, &n) != nil {
		n = damageNote{Found: "?", By: "reading", Damage: "an unreadable note"}
	}
	if fi, err := os.Stat(path); err == nil {
		if dev, ino, ok := fileID(fi); ok && n.Ino != 0 && (dev != n.Dev || ino != n.Ino) {
			os.Remove(DamageNotePath(path))
			return damageNote{}, false
		}
	}
	return n, true
}

// noteDamage leaves the note beside the notebook at path (best effort: a
// folder that cannot be written keeps no note) and returns it.
func noteDamage(path, by, damage string, now time.Time) damageNote {
	n := damageNote{Found: now.UTC().Format(time.RFC3339), By: by, Damage: damage}
	if fi, err := os.Stat(path); err == nil {
		n.Dev, n.Ino, _ = fileID(fi)
	}
	if old, ok := readDamageNote(path); ok && old.By == "integrity_check" && by != "integrity_check" {
		n.By = old.By // keep what only the full check can clear
	}
	b, _ := json.MarshalIndent(n, "", "  ")
	os.WriteFile(DamageNotePath(path), append(b, '\n'), 0o600)
	return n
}

// clearDamageNote removes the note after the notebook passed a check: a
// quick check clears what a quick check or a failed read found, only the
// full check what the full check found.
func clearDamageNote(path string, full bool) {
	n, ok := readDamageNote(path)
	if !ok || (n.By == "integrity_check" && !full) {
		return
	}
	if err := os.Remove(DamageNotePath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
}

// Damaged says what a check or a failed read found wrong with the
// notebook, and when; "" when nothing is known. While it is not empty,
// every write is refused.
func (s *Store) Damaged() string {
	n := s.damage.Load()
	if n == nil {
		return ""
	}
	return n.Damage + ", found " + n.Found
}
