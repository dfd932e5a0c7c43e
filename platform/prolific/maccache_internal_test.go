package prolific

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The header names Sign writes directly into the map are the documented
// spellings; all but X-Event-ID are also the form http.Header.Get looks up.
func TestDocumentedHeaderNames(t *testing.T) {
	for _, k := range []string{HeaderSignature, HeaderRequestTimestamp, HeaderTimestamp, "Content-Type", "User-Agent"} {
		require.Equal(t, http.CanonicalHeaderKey(k), k)
	}
	require.Equal(t, "X-Event-ID", HeaderEventID)
	require.NotEqual(t, http.CanonicalHeaderKey(HeaderEventID), HeaderEventID)
}

// The cached HMAC states sign exactly like a fresh hmac.New, for the spec
// vector, for keys of every length around the SHA-256 block size, for more
// secrets than the cache holds, and from many goroutines at once.
func TestMacCacheMatchesSignature(t *testing.T) {
	var c macCache
	// signature appends after a prefix, as Sign does after the timestamp.
	signature := func(secret, ts string, body []byte) string {
		st := c.get(secret)
		out := string(st.appendSignature([]byte("prefix:"), []byte(ts), body))
		st.release()
		if rest, ok := strings.CutPrefix(out, "prefix:"); ok {
			return rest
		}
		return "prefix lost: " + out
	}
	require.Equal(t, "6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs=", signature("cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test", "1767225600",
		[]byte(`{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`)))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < maxCachedSecrets+20; i++ {
				secret := fmt.Sprintf("%0*d", i%130, i)
				body := []byte(fmt.Sprintf(`{"n": %d, "g": %d}`, i, g))
				ts := fmt.Sprint(1767225600 + i)
				if got, want := signature(secret, ts, body), Signature(secret, ts, body); got != want {
					t.Errorf("secret %d: cached %s, fresh %s", i, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	require.LessOrEqual(t, len(c.pools), maxCachedSecrets)
}
