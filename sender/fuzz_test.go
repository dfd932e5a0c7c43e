package sender_test

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/sender"
)

// FuzzReceiverAnswer: whatever bytes a receiver answers with, the sender
// records an outcome; it never panics or hangs.
func FuzzReceiverAnswer(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	f.Add([]byte("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
	f.Add([]byte("garbage"))
	f.Add([]byte(""))

	var mu sync.Mutex
	var answer []byte
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				req.Body.Close()
				mu.Lock()
				a := answer
				mu.Unlock()
				c.Write(a)
			}()
		}
	}()
	pol := fastPolicy(1)
	pol.Timeout = 200 * time.Millisecond
	s, err := sender.New(sender.Config{Profile: fakeProfile{policy: pol}})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	url := "http://" + ln.Addr().String() + "/hook"
	f.Fuzz(func(t *testing.T, b []byte) {
		mu.Lock()
		answer = b
		mu.Unlock()
		res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: url, Secret: secret}})
		if len(res.Attempts) != 1 || res.Attempts[0].Outcome == "" {
			t.Fatalf("no recorded outcome: %+v", res)
		}
		if a := res.Attempts[0]; a.Outcome == hookdrill.OutcomeSuccess && (a.Response == nil || a.Response.Status/100 != 2) {
			t.Fatalf("success without a 2xx answer: %+v", a)
		}
	})
}
