package sender

import (
	"sync/atomic"
	"time"
)

// task is an attempt handed to a worker: with first set, delivery dl's
// first attempt (start, due at dl.first); otherwise attempt n of dl as
// start worked it out on a simulated clock. release ends the clock hold
// taken for it. A task is passed by value: handing one over allocates
// nothing.
type task struct {
	dl      *delivery
	first   bool
	n       int
	due     time.Time
	wait    time.Duration
	stop    bool
	release func()
}

func (t *task) run() {
	defer t.release()
	if t.first {
		t.dl.start(1, t.dl.first)
		return
	}
	t.dl.attempt(t.n, t.due, t.wait, t.stop)
}

// workers runs tasks on goroutines kept for reuse. An attempt needs a few
// KiB of stack (signing, the HTTP exchange, the journal): a fresh goroutine
// per delivery grows its stack, copying it each time, and gives the grown
// stack back when it ends. Up to maxIdle goroutines that finished a task
// wait for the next one instead; the rest end. All of them end on stop.
type workers struct {
	work    chan task // unbuffered: a send succeeds only if a worker is idle
	quit    chan struct{}
	idle    atomic.Int32
	maxIdle int32
}

func newWorkers(maxIdle int) *workers {
	return &workers{work: make(chan task), quit: make(chan struct{}), maxIdle: int32(maxIdle)}
}

// run runs t on an idle worker, or on a new goroutine if none is idle.
func (w *workers) run(t task) {
	if w.idle.Load() > 0 {
		select {
		case w.work <- t:
			return
		default:
		}
	}
	go w.loop(t)
}

func (w *workers) loop(t task) {
	for {
		t.run()
		t = task{}
		if w.idle.Add(1) > w.maxIdle {
			w.idle.Add(-1)
			return
		}
		select {
		case t = <-w.work:
			w.idle.Add(-1)
		case <-w.quit:
			w.idle.Add(-1)
			return
		}
	}
}

// stop ends the idle workers, and each busy one when its task is done.
// Tasks run after stop get a goroutine of their own that is not kept.
func (w *workers) stop() { close(w.quit) }
