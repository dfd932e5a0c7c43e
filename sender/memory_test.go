package sender_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/sender"
)

// BenchmarkHugeResponseHeader delivers to a local receiver that answers
// with a 400 MB header (one endless header line, streamed until the sender
// hangs up) and reports the process's peak resident memory (peak-RSS-MB,
// Linux VmHWM) and the bytes allocated per delivery. Loopback only; the
// receiver stops when the sender closes the connection.
//
//	go test ./sender -run '^$' -bench HugeResponseHeader -benchtime 3x
func BenchmarkHugeResponseHeader(b *testing.B) {
	const total = 400 << 20
	chunk := []byte(strings.Repeat("a", 64<<10))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
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
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Huge: ")
					for sent := 0; sent < total; sent += len(chunk) {
						if _, err := c.Write(chunk); err != nil {
							return // the sender hung up
						}
					}
					io.WriteString(c, "\r\nContent-Length: 0\r\n\r\n")
				}
			}()
		}
	}()
	s, err := sender.New(sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	url := "http://" + ln.Addr().String() + "/hook"
	ev, _ := fakeProfile{}.NewEvent(hookdrill.EventSpec{Type: "thing.happened", Status: "DONE", ID: "big"}, nil, time.Unix(1767225600, 0))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, err := s.Deliver(b.Context(), sender.Delivery{Event: ev, Target: hookdrill.Target{URL: url, Secret: secret}})
		if err != nil {
			b.Fatal(err)
		}
		res, _ := h.Wait(b.Context())
		if a := res.Attempts[0]; a.Outcome != hookdrill.OutcomeProtocol || len(a.Truncated) != 1 {
			b.Fatalf("want protocol_error, response_header; got %s %v: %s", a.Outcome, a.Truncated, a.Error)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MB")
	}
}

// peakRSS is the process's peak resident set size in bytes (Linux
// VmHWM), or 0 where /proc is not there.
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
