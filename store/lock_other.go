//go:build !unix

package store

import (
	"io/fs"
	"os"
)

// Without flock, temporary files are never taken for stale: a killed
// process's leftovers stay for the user to remove.
func lockFile(*os.File) error       { return nil }
func removeIfUnlocked(string) bool  { return false }
func keepOwner(string, fs.FileInfo) {}
func isNoSpace(err error) bool      { return KindOf(err) == KindDiskFull }

func fileID(fs.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }
