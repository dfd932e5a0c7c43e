package sender

import (
	"sync"
	"sync/atomic"
	"time"
)

// task is attempt n of delivery dl, as start worked it out: due at the
// clock instant due, followed after a failure by wait (or by nothing when
// stop is set). release ends the clock hold taken for it. A task is passed
// by value: handing one over allocates nothing.
type task struct {
	dl      *delivery
	n       int
	due     time.Time
	wait    time.Duration
	stop    bool
	release func()
}

// run runs t, which holds a connection slot, and then each waiting task
// the slot is handed to, until none is waiting.
func (t task) run() {
	for {
		next, ok := t.dl.attempt(t.n, t.due, t.wait, t.stop)
		t.release()
		if !ok {
			return
		}
		t = next
	}
}

// slots bounds the exchanges in flight to Config.Concurrency. A task that
// finds every slot taken waits in a FIFO queue, holding no goroutine; the
// attempt that frees a slot hands it to the first waiter, and its goroutine
// runs that task next. So however many deliveries are queued, at most
// Concurrency goroutines run attempts, and a queued delivery costs a queue
// node rather than a parked goroutine and its stack.
type slots struct {
	mu         sync.Mutex
	free       int
	head, tail *waiter
	n          int                   // waiters queued
	byDl       map[*delivery]*waiter // the waiters whose context can be cancelled
	spare      []*waiter             // nodes kept for reuse
}

type waiter struct {
	t          task
	prev, next *waiter
}

func newSlots(n int) *slots {
	return &slots{free: n, byDl: make(map[*delivery]*waiter)}
}

// What take did with a task.
const (
	slotTaken     = iota // the task holds a slot: run it
	slotQueued           // the task waits in the queue
	slotCancelled        // no slot, and the task's context is done: end it
)

// take reserves a slot for t, or queues t. A task whose context is already
// done is not queued: cancelPending, which its context's end runs, may
// have looked for it in the queue already.
func (q *slots) take(t task) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.free > 0 {
		q.free--
		return slotTaken
	}
	if t.dl.ctx.Err() != nil {
		return slotCancelled
	}
	var w *waiter
	if k := len(q.spare); k > 0 {
		w, q.spare = q.spare[k-1], q.spare[:k-1]
	} else {
		w = new(waiter)
	}
	w.t, w.prev = t, q.tail
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	q.n++
	if t.dl.ctx.Done() != nil {
		q.byDl[t.dl] = w
	}
	return slotQueued
}

// handOff gives up the caller's slot: to the first waiting task, which the
// caller must then run, or back to the free count.
func (q *slots) handOff() (task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	w := q.head
	if w == nil {
		q.free++
		return task{}, false
	}
	return q.unlink(w), true
}

// remove takes dl's task out of the queue, for a delivery whose context
// was cancelled while it waited.
func (q *slots) remove(dl *delivery) (task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	w := q.byDl[dl]
	if w == nil {
		return task{}, false
	}
	return q.unlink(w), true
}

// drain empties the queue and returns its tasks, oldest first.
func (q *slots) drain() []task {
	q.mu.Lock()
	defer q.mu.Unlock()
	ts := make([]task, 0, q.n)
	for q.head != nil {
		ts = append(ts, q.unlink(q.head))
	}
	return ts
}

// unlink removes w from the queue and returns its task. Called with q.mu held.
func (q *slots) unlink(w *waiter) task {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	q.n--
	t := w.t
	if t.dl.ctx.Done() != nil {
		delete(q.byDl, t.dl)
	}
	*w = waiter{}
	if len(q.spare) < maxSpareWaiters {
		q.spare = append(q.spare, w)
	}
	return t
}

// maxSpareWaiters bounds the queue nodes kept for reuse.
const maxSpareWaiters = 256

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
