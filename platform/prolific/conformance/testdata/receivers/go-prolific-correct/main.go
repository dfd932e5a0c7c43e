// Command go-prolific-correct is a correct Prolific receiver on net/http:
// HMAC over the raw bytes, a 5-minute freshness window, 401 on any
// authentication failure, deduplication on X-Event-ID after applying, newer
// X-Timestamp wins, every event type acknowledged. GET /state shows what it
// applied, for conform's probes. With REJECT_DUPLICATES=1 it answers 409 to
// a repeated X-Event-ID instead of acknowledging it (a common mistake); with
// IGNORE_STUDIES=1 it acknowledges study events without applying them (an
// app that only acts on submissions: correct); with QUOTA=N a rate-limit
// middleware in front of it answers 429 to every webhook request after the
// first N (a free-tier quota that runs out mid-suite).
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type state struct {
	mu        sync.Mutex
	Processed map[string]int    `json:"processed"`
	Status    map[string]string `json:"status"`
	stamp     map[string]int64
}

func main() {
	secret := []byte(os.Getenv("SECRET"))
	rejectDup := os.Getenv("REJECT_DUPLICATES") == "1"
	ignoreStudies := os.Getenv("IGNORE_STUDIES") == "1"
	quota, _ := strconv.Atoi(os.Getenv("QUOTA"))
	var served atomic.Int64
	st := &state{Processed: map[string]int{}, Status: map[string]string{}, stamp: map[string]int64{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		_ = json.NewEncoder(w).Encode(st)
	})
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, r *http.Request) {
		if quota > 0 && served.Add(1) > int64(quota) {
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		ts := r.Header.Get("X-Prolific-Request-Timestamp")
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Prolific-Request-Signature"))
		sec, terr := strconv.ParseInt(ts, 10, 64)
		if err != nil || terr != nil || len(sig) == 0 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(ts))
		m.Write(body)
		age := time.Since(time.Unix(sec, 0))
		if !hmac.Equal(m.Sum(nil), sig) || age > 5*time.Minute || age < -5*time.Minute {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var ev struct {
			EventType  string `json:"event_type"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		if ignoreStudies && strings.HasPrefix(ev.EventType, "study.") {
			w.WriteHeader(http.StatusOK) // acknowledged, nothing to do
			return
		}
		id := r.Header.Get("X-Event-ID")
		stamp, _ := strconv.ParseInt(r.Header.Get("X-Timestamp"), 10, 64)
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.Processed[id] > 0 {
			if rejectDup {
				http.Error(w, "duplicate", http.StatusConflict)
				return
			}
			w.WriteHeader(http.StatusOK)
			return
		}
		if ev.ResourceID != "" && ev.Status != "" && stamp >= st.stamp[ev.ResourceID] {
			st.Status[ev.ResourceID], st.stamp[ev.ResourceID] = ev.Status, stamp
		}
		st.Processed[id]++
		w.WriteHeader(http.StatusOK)
	})
	srv := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		os.Exit(1)
	}
}
