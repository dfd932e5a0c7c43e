package mock

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill/clock"
)

// benchClient is a keep-alive client with enough idle connections for
// RunParallel.
func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}}
}

func benchGet(b *testing.B, url string, auth bool) {
	hc := benchClient()
	defer hc.CloseIdleConnections()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			if auth {
				req.Header.Set("Authorization", "Token t")
			}
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// subscriptionBytes returns a server with one subscription, its URL path
// and the exact bytes GET answers with.
func subscriptionFixture(b *testing.B) (*Server, string, []byte) {
	srv, err := newServer(Config{Seed: 1, Clock: clock.Real{}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", ""); err != nil {
		b.Fatal(err)
	}
	sub, _, err := srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", "study.status.change", "https://x.example/h")
	if err != nil {
		b.Fatal(err)
	}
	path := "/api/v1/hooks/subscriptions/" + sub.ID + "/"
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Token t")
	srv.ServeHTTP(rec, req)
	return srv, path, rec.Body.Bytes()
}

// BenchmarkGetSubscription is GET /api/v1/hooks/subscriptions/{id}/ over
// loopback through the whole mock (routing, auth, journaling).
func BenchmarkGetSubscription(b *testing.B) {
	srv, path, _ := subscriptionFixture(b)
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	benchGet(b, ts.URL+path, true)
}

// BenchmarkPlainHandler serves the same bytes from a bare net/http
// handler: the ceiling BenchmarkGetSubscription is compared with.
func BenchmarkPlainHandler(b *testing.B) {
	srv, _, body := subscriptionFixture(b)
	srv.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer ts.Close()
	benchGet(b, ts.URL+"/x", true)
}

// BenchmarkReady measures New, listen and serve until the first successful
// answer (goal: under 100 ms).
func BenchmarkReady(b *testing.B) {
	var total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		srv, err := newServer(Config{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		hs := &http.Server{Handler: srv}
		go func() { _ = hs.Serve(ln) }()
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/api/v1/hooks/event-types/", nil)
		req.Header.Set("Authorization", "Token t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err)
		}
		resp.Body.Close()
		total += time.Since(start)
		n++
		_ = hs.Close()
		_ = srv.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "ms/ready")
}
