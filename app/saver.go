package app

import "sync"

// saver writes a visit's changes as they happen, off the UI goroutine. It
// keeps at most one write running: changes made meanwhile wait, and only
// the newest write for each key (an item, or the visit's header) is run, so
// typing never queues a pile of transactions and a later value is never
// overwritten by an earlier one.
type saver struct {
	bg func(func())
	// done is called (off the UI goroutine) after each write with its key
	// and error, nil when saved.
	done func(key string, err error)

	mu      sync.Mutex
	pending map[string]func() error
	order   []string // keys in the order they first changed
	running bool
	idle    []func() // run once nothing is pending
}

func newSaver(bg func(func()), done func(string, error)) *saver {
	return &saver{bg: bg, done: done, pending: map[string]func() error{}}
}

// put queues write under key, replacing a queued write with the same key,
// and starts a writer if none runs.
func (s *saver) put(key string, write func() error) {
	s.mu.Lock()
	if _, ok := s.pending[key]; !ok {
		s.order = append(s.order, key)
	}
	s.pending[key] = write
	start := !s.running
	s.running = true
	s.mu.Unlock()
	if start {
		s.bg(s.drain)
	}
}

// whenIdle runs f (off the UI goroutine) once every queued write is done,
// at once if none is pending. Submitting waits for it, so the store checks
// what the inspector sees.
func (s *saver) whenIdle(f func()) {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		s.bg(f)
		return
	}
	s.idle = append(s.idle, f)
	s.mu.Unlock()
}

func (s *saver) drain() {
	for {
		s.mu.Lock()
		if len(s.order) == 0 {
			s.running = false
			idle := s.idle
			s.idle = nil
			s.mu.Unlock()
			for _, f := range idle {
				f()
			}
			return
		}
		key := s.order[0]
		s.order = s.order[1:]
		write := s.pending[key]
		delete(s.pending, key)
		s.mu.Unlock()
		s.done(key, write())
	}
}
