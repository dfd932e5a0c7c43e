package sender

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"
)

// h1Client is a small HTTP/1.1 client for the one thing the sender does:
// POST a body, read the answer. Compared with net/http's Transport it has no
// per-connection reader and writer goroutines, so a delivery costs about
// half the CPU; throughput against a local receiver is what load-style
// scenarios and benchmarks measure. Requests are written the way net/http
// writes them (request line, Host, headers, Content-Length), responses are
// parsed by net/http's own http.ReadResponse.
//
// Connections are kept alive and reused per scheme://host:port. A reused
// connection that turns out to have been closed by the receiver while idle
// (EOF or reset before any byte of an answer) is retried once on a fresh
// connection, as net/http does, so an idle-timeout on the receiver's side is
// never reported as a failed delivery.
type h1Client struct {
	dialer  net.Dialer
	tlsConf *tls.Config
	maxIdle int

	mu     sync.Mutex // guards idle and closed
	idle   map[string][]*h1Conn
	closed bool
}

type h1Conn struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

func newH1Client(maxIdle int, tlsConf *tls.Config) *h1Client {
	return &h1Client{
		dialer:  net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
		tlsConf: tlsConf,
		maxIdle: maxIdle,
		idle:    make(map[string][]*h1Conn),
	}
}

// response is what one exchange returns.
type response struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
}

// errAfterHeaders marks an error that happened while reading the body.
type errAfterHeaders struct{ err error }

func (e *errAfterHeaders) Error() string { return e.err.Error() }
func (e *errAfterHeaders) Unwrap() error { return e.err }

func connKey(u *url.URL) (key, addr string) {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	addr = net.JoinHostPort(host, port)
	return u.Scheme + "://" + addr, addr
}

func (c *h1Client) get(key string) *h1Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.idle[key]
	if len(l) == 0 {
		return nil
	}
	cn := l[len(l)-1]
	c.idle[key] = l[:len(l)-1]
	return cn
}

func (c *h1Client) put(key string, cn *h1Conn) {
	c.mu.Lock()
	if !c.closed && len(c.idle[key]) < c.maxIdle {
		c.idle[key] = append(c.idle[key], cn)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	cn.nc.Close()
}

func (c *h1Client) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for k, l := range c.idle {
		for _, cn := range l {
			cn.nc.Close()
		}
		delete(c.idle, k)
	}
}

func (c *h1Client) dial(ctx context.Context, deadline time.Time, u *url.URL, addr string) (*h1Conn, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	nc, err := c.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "https" {
		conf := &tls.Config{}
		if c.tlsConf != nil {
			conf = c.tlsConf.Clone()
		}
		if conf.ServerName == "" {
			conf.ServerName = u.Hostname()
		}
		tc := tls.Client(nc, conf)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	return &h1Conn{nc: nc, br: bufio.NewReaderSize(nc, 4096), bw: bufio.NewWriterSize(nc, 4096)}, nil
}

// post sends one request and reads the answer, keeping at most maxBody
// bytes of its body. The exchange ends at deadline or when ctx is done.
func (c *h1Client) post(ctx context.Context, deadline time.Time, u *url.URL, h http.Header, body []byte, maxBody int64) (*response, error) {
	key, addr := connKey(u)
	for try := 0; ; try++ {
		cn, reused := c.get(key), true
		if cn == nil || try > 0 {
			if cn != nil {
				cn.nc.Close()
			}
			var err error
			if cn, err = c.dial(ctx, deadline, u, addr); err != nil {
				return nil, err
			}
			reused = false
		}
		resp, answered, err := c.exchange(ctx, deadline, cn, u, h, body, maxBody)
		if err == nil {
			if resp.keep {
				c.put(key, cn)
			} else {
				cn.nc.Close()
			}
			return &resp.response, nil
		}
		cn.nc.Close()
		if reused && !answered && ctx.Err() == nil && time.Now().Before(deadline) && isStaleConn(err) {
			continue // the receiver closed the idle connection: once more on a new one
		}
		return nil, err
	}
}

type exchangeResult struct {
	response
	keep bool
}

func isStaleConn(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err)
}

func (c *h1Client) exchange(ctx context.Context, deadline time.Time, cn *h1Conn, u *url.URL, h http.Header, body []byte, maxBody int64) (res exchangeResult, answered bool, err error) {
	cn.nc.SetDeadline(deadline)
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
		defer stop()
	}

	writeRequest(cn.bw, u, h, body)
	if err := cn.bw.Flush(); err != nil {
		return res, false, err
	}
	var resp *http.Response
	for {
		if _, err := cn.br.Peek(1); err != nil {
			return res, false, err
		}
		resp, err = http.ReadResponse(cn.br, nil)
		if err != nil {
			return res, true, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols || resp.StatusCode < 100 {
			break
		}
		io.Copy(io.Discard, resp.Body) // 1xx interim answer: the final one follows
		resp.Body.Close()
	}
	raw, more, rerr := readLimited(resp.Body, maxBody)
	res.status, res.header, res.body, res.truncated = resp.StatusCode, resp.Header, raw, more
	if rerr != nil {
		return res, true, &errAfterHeaders{rerr}
	}
	res.keep = !more && !resp.Close && resp.StatusCode != http.StatusSwitchingProtocols
	if res.keep {
		// The body must have ended exactly: an unread remainder poisons the connection.
		if _, err := resp.Body.Read(make([]byte, 1)); err != io.EOF {
			res.keep = false
		}
	}
	resp.Body.Close()
	if res.keep {
		cn.nc.SetDeadline(time.Time{})
	}
	return res, true, nil
}

// writeRequest writes a POST the way net/http does: request line, Host,
// User-Agent, Content-Length, then the other headers sorted by name.
func writeRequest(w *bufio.Writer, u *url.URL, h http.Header, body []byte) {
	w.WriteString("POST ")
	w.WriteString(u.RequestURI())
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(u.Host)
	w.WriteString("\r\n")
	if ua := h.Get("User-Agent"); ua != "" {
		w.WriteString("User-Agent: ")
		w.WriteString(ua)
		w.WriteString("\r\n")
	}
	w.WriteString("Content-Length: ")
	w.WriteString(strconv.Itoa(len(body)))
	w.WriteString("\r\n")
	keys := make([]string, 0, len(h))
	for k := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Connection":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(headerValue(v))
			w.WriteString("\r\n")
		}
	}
	w.WriteString("\r\n")
	w.Write(body)
}

// headerValue drops CR and LF so a value can never split the header block.
func headerValue(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == '\r' || v[i] == '\n' {
			b := []byte(v)
			n := 0
			for _, c := range b {
				if c != '\r' && c != '\n' {
					b[n] = c
					n++
				}
			}
			return string(b[:n])
		}
	}
	return v
}
