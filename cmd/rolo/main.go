// Command rolo is a terminal CRM for one salesperson: a notebook of
// customers, purchases and contacts that tells the rep who to contact today
// and why, and shows the value pyramid.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/rolo-crm/rolo/store"
)

func main() {
	// A soft limit on the Go heap keeps whole-notebook reports lean: with it
	// at 140 MiB, the peak of `today`, `due` and a `clv` fit over 100,000
	// customers stays under 200 MB in all (at 180 MiB: up to 200 MB; a few
	// per cent more CPU for the collector). It is soft: a larger notebook
	// gets the memory it needs. GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(140 << 20)
	}
	// ROLO_CPUPROFILE=FILE writes a CPU profile of the command (for development).
	if path := os.Getenv("ROLO_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			code := runWithSignals(os.Args[1:], newSystemApp())
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	// ROLO_MEMPROFILE=FILE writes where the command allocated (for development).
	if path := os.Getenv("ROLO_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		code := runWithSignals(os.Args[1:], newSystemApp())
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
		os.Exit(code)
	}
	os.Exit(runWithSignals(os.Args[1:], newSystemApp()))
}

// stopGrace is how long a command may take to stop after a signal before
// the process ends without it.
const stopGrace = 3 * time.Second

// runWithSignals runs rolo so that SIGINT, SIGTERM and SIGHUP stop the
// command cleanly instead of killing the process mid-write: see runSignals.
func runWithSignals(args []string, a *App) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	return runSignals(args, a, sigs, os.Exit, stopGrace)
}

// runSignals runs rolo; the first signal from sigs cancels the command's
// context, and the command stops, removes its temporary files and exits
// with 128 + the signal's number. A command that has not stopped after
// grace, or a second signal, ends the process through exit, after
// removing the temporary files it holds. (SIGKILL cannot be caught: the
// next rolo removes what a killed one left, see store.CleanTemps.)
func runSignals(args []string, a *App, sigs <-chan os.Signal, exit func(int), grace time.Duration) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	if a.temps == nil {
		a.temps = &store.Temps{}
	}
	done := make(chan struct{})
	go func() {
		var sig os.Signal
		select {
		case sig = <-sigs:
		case <-done:
			return
		}
		cancel(stopSignal{sig})
		timer := time.NewTimer(grace)
		defer timer.Stop()
		select {
		case <-done:
			return
		case <-sigs:
		case <-timer.C:
		}
		a.temps.RemoveAll()
		fmt.Fprintf(a.Err, "rolo: %s; the command did not stop in time and was ended (nothing half-written was left behind)\n", stopSignal{sig})
		exit(signalCode(sig))
	}()
	code := runContext(ctx, args, a)
	close(done)
	return code
}
