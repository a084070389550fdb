// Command rolo is a terminal CRM for one salesperson: a notebook of
// customers, purchases and contacts that tells the rep who to contact today
// and why, and shows the value pyramid.
package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

func main() {
	// A soft memory limit keeps whole-notebook reports lean; GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(180 << 20)
	}
	// ROLO_CPUPROFILE=FILE writes a CPU profile of the command (for development).
	if path := os.Getenv("ROLO_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			code := run(os.Args[1:], newSystemApp())
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	// ROLO_MEMPROFILE=FILE writes where the command allocated (for development).
	if path := os.Getenv("ROLO_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		code := run(os.Args[1:], newSystemApp())
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], newSystemApp()))
}
