package testkit

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// Answering starts an HTTP receiver that reads each request's body and
// answers with codes in turn, the last one repeating (200 when codes is
// empty). It counts the requests and stops when the test ends.
func Answering(t testing.TB, codes ...int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	if len(codes) == 0 {
		codes = []int{http.StatusOK}
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		i := n.Add(1) - 1
		w.WriteHeader(codes[min(i, int64(len(codes)-1))])
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// RawServer accepts TCP connections on 127.0.0.1 and hands each to handle
// on a goroutine of its own (the connection is closed when handle
// returns). It returns the URL http://ADDR/hook; when the test ends it
// stops accepting and waits for every handle to return.
func RawServer(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("raw server: %v", err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/hook"
}

// KeepAlive is a RawServer handler that serves one connection until the
// client closes it: each request's body is read and discarded, then answer
// writes the raw answer and returns whether to keep the connection open.
func KeepAlive(answer func(c net.Conn) bool) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			if !answer(c) {
				return
			}
		}
	}
}

// Hanging starts a receiver that reads each request and never answers
// (the client's timeout is what ends the exchange); its connections close
// when the test ends. It returns the URL http://ADDR/hook.
func Hanging(t testing.TB) string {
	t.Helper()
	done := make(chan struct{})
	url := RawServer(t, func(c net.Conn) {
		go func() {
			br := bufio.NewReader(c)
			for {
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
			}
		}()
		<-done
	})
	t.Cleanup(func() { close(done) }) // runs before RawServer's cleanup
	return url
}

// Request is one request a Recorder received.
type Request struct {
	Header http.Header
	Body   []byte
	Path   string
}

// Recorder is a receiver that records every request and answers the n-th
// (1-based) with status(n), 200 when status is nil.
type Recorder struct {
	// URL is the receiver's base URL (http://127.0.0.1:port).
	URL string

	mu     sync.Mutex // guards status and got
	status func(n int) int
	got    []Request
}

// Recording starts a Recorder on 127.0.0.1, stopped when the test ends.
func Recording(t testing.TB, status func(n int) int) *Recorder {
	t.Helper()
	r := &Recorder{status: status}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, Request{Header: req.Header.Clone(), Body: b, Path: req.URL.Path})
		n, status := len(r.got), r.status
		r.mu.Unlock()
		code := http.StatusOK
		if status != nil {
			code = status(n)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(ts.Close)
	r.URL = ts.URL
	return r
}

// SetStatus replaces the answer function for the requests that follow.
func (r *Recorder) SetStatus(status func(n int) int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

// Requests returns a copy of the requests received so far, in order.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}
