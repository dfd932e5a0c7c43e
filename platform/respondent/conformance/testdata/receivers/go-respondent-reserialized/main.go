// Command go-respondent-reserialized is a Respondent receiver on net/http
// that follows the published sample too literally: it decodes the body into
// a map and signs json.Marshal of it. Go sorts map keys, so the bytes never
// match what Respondent signed and every real delivery is refused with 401:
// one root cause that hides every other check.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	secret := []byte(os.Getenv("SECRET"))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		again, _ := json.Marshal(body)
		_, sig, _ := strings.Cut(r.Header.Get("Respondent-Webhook-Signature"), "=")
		m := hmac.New(sha256.New, secret)
		m.Write(again)
		if base64.StdEncoding.EncodeToString(m.Sum(nil)) != sig {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	srv := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		os.Exit(1)
	}
}
