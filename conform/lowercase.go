package conform

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// lowercaseTag marks checks delivered through the lower-casing proxy.
const lowercaseTag = "lowercase_headers"

// maxProxyBody bounds what the proxy reads of a request or an answer.
const maxProxyBody = 1 << 20

// lowercaseProxy forwards every request to target with each header name
// written in lower case, the way proxies and HTTP/2 hops present them, and
// passes the answer back. It listens on 127.0.0.1.
type lowercaseProxy struct {
	srv    *http.Server
	ln     net.Listener
	target *url.URL
	client *http.Client
}

func startLowercaseProxy(target string, base *http.Transport) (*lowercaseProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	tr := base
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	tr.DisableCompression = true
	p := &lowercaseProxy{ln: ln, target: u, client: &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's address for a request to the target.
func (p *lowercaseProxy) URL() string {
	u := *p.target
	u.Scheme, u.Host = "http", p.ln.Addr().String()
	return u.String()
}

func (p *lowercaseProxy) Close() error { return p.srv.Close() }

func (p *lowercaseProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxProxyBody))
	if err != nil {
		http.Error(w, "proxy: read request", http.StatusBadGateway)
		return
	}
	u := *p.target
	u.Path, u.RawPath, u.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, "proxy: build request", http.StatusBadGateway)
		return
	}
	for k, vs := range r.Header {
		switch k {
		case "Content-Length", "Connection", "Accept-Encoding", "Transfer-Encoding":
			continue // the transport writes these
		}
		// Go writes header names as stored: a lower-case key goes out
		// lower-cased (HTTP/1.1).
		out.Header[strings.ToLower(k)] = vs
	}
	out.Header["User-Agent"] = []string{""} // present and empty: no default User-Agent
	out.ContentLength = int64(len(body))
	resp, err := p.client.Do(out)
	if err != nil {
		if ctxErr := context.Cause(r.Context()); ctxErr != nil {
			return
		}
		// No answer: close the connection so the sender records a
		// transport failure, not an answer of the proxy's own.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
				return
			}
		}
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(resp.Body, maxProxyBody))
}
