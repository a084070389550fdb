package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rolo-crm/rolo/progress"
	"github.com/rolo-crm/rolo/render"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 100 * time.Millisecond

// progressAfter is how long work runs before its progress shows: quick
// commands never flash a line.
const progressAfter = 500 * time.Millisecond

// showProgress draws the progress of the work done with the returned
// context on stderr, about ten times a second, when stderr is a terminal
// (not with --json or --quiet). done clears the line: the command's
// one-line summary follows. what names the work until it names a stage.
func (a *App) showProgress(ctx context.Context, what string) (context.Context, func()) {
	if !a.ErrTTY || a.JSON || a.Quiet {
		return ctx, func() {}
	}
	m := progress.New()
	m.Stage(what, 0, "")
	ctx = progress.With(ctx, m)
	after := progressAfter
	if v, err := strconv.Atoi(a.Getenv("ROLO_PROGRESS_AFTER_MS")); err == nil && v >= 0 {
		after = time.Duration(v) * time.Millisecond // tests draw at once
	}
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		drawn := false
		var last string
		stageStart, stageDone := start, int64(0)
		for {
			select {
			case <-stop:
				if drawn {
					fmt.Fprint(a.Err, "\r\x1b[K")
				}
				return
			case now := <-tick.C:
				if now.Sub(start) < after {
					continue
				}
				stage, done, total, unit := m.Snapshot()
				if stage != last {
					last, stageStart, stageDone = stage, now, done
				}
				line := progressLine(stage, done, total, unit, now.Sub(start), now.Sub(stageStart), done-stageDone, a.errWidth())
				fmt.Fprint(a.Err, "\r"+line+"\x1b[K")
				drawn = true
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			close(stop)
			<-finished
		})
	}
}

func (a *App) errWidth() int {
	if a.Width > 0 {
		return a.Width
	}
	return 80
}

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// progressLine is one redraw: the stage, a bar when the total is known,
// the count, the rate and the time left.
func progressLine(stage string, done, total int64, unit string, elapsed, inStage time.Duration, doneInStage int64, width int) string {
	var b strings.Builder
	if total > 0 && done >= total {
		// All read: what is left (writing, indexing, committing) has no count.
		return render.Truncate(fmt.Sprintf("%s %s — %s read, saving · %s", spinnerFrames[int(elapsed/progressEvery)%len(spinnerFrames)],
			stage, amountOf(total, unit), shortDuration(elapsed)), width-1)
	}
	if total > 0 {
		frac := min(1, float64(done)/float64(total))
		const barW = 20
		full := int(frac * barW)
		b.WriteString(stage + " ▕" + strings.Repeat("█", full) + strings.Repeat(" ", barW-full) + fmt.Sprintf("▏ %3.0f%%", 100*frac))
	} else {
		b.WriteString(spinnerFrames[int(elapsed/progressEvery)%len(spinnerFrames)] + " " + stage)
	}
	if done > 0 {
		b.WriteString("  " + amountOf(done, unit))
		if total > 0 {
			b.WriteString(" of " + amountOf(total, unit))
		}
		if secs := inStage.Seconds(); secs >= 1 && doneInStage > 0 {
			rate := float64(doneInStage) / secs
			b.WriteString(" · " + amountOf(int64(rate), unit) + "/s")
			if total > 0 && rate > 0 {
				b.WriteString(fmt.Sprintf(" · %s left", shortDuration(time.Duration(float64(total-done)/rate*float64(time.Second)))))
			}
		}
	}
	b.WriteString(fmt.Sprintf(" · %s", shortDuration(elapsed)))
	return render.Truncate(b.String(), width-1)
}

// amountOf writes n units: bytes as KB/MB, others grouped by thousands.
func amountOf(n int64, unit string) string {
	if unit == "bytes" {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
