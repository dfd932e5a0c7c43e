package h1

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Client is the lean HTTP/1.1 POST client described in the package
// comment. It is safe for concurrent use: each Post has a connection of its
// own, and idle connections are pooled per scheme://host:port.
type Client struct {
	dialer    net.Dialer
	tlsConf   *tls.Config
	maxIdle   int
	maxHeader int64 // response header bytes read per exchange

	mu     sync.Mutex // guards idle and closed
	idle   map[string][]*h1Conn
	closed bool
}

type h1Conn struct {
	nc  net.Conn
	raw syscall.RawConn // nc's file descriptor, for plain TCP; nil for TLS
	br  *bufio.Reader   // reads nc through lim
	lim headLimit
	wb  []byte    // the request being written
	hc  headCache // the last simple answer's head

	// State of send's RawConn.Read callback, made once per connection.
	ready   func(fd uintptr) bool
	written int
	werr    error

	// State of dirty's RawConn.Read callback.
	peek    func(fd uintptr) bool
	peekBuf [1]byte
	peeked  bool
}

// maxKeptWriteBuffer bounds the request buffer a connection keeps between
// requests; a larger body's buffer is dropped after use.
const maxKeptWriteBuffer = 16 << 10

// NewClient returns a client that keeps at most maxIdle idle connections
// per scheme://host:port, sets up https connections with a clone of tlsConf
// (nil: crypto/tls defaults; ServerName defaults to the URL's host), and
// reads at most maxHeader bytes of an answer's head.
func NewClient(maxIdle int, tlsConf *tls.Config, maxHeader int64) *Client {
	return &Client{
		dialer:    net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
		tlsConf:   tlsConf,
		maxIdle:   maxIdle,
		maxHeader: maxHeader,
		idle:      make(map[string][]*h1Conn),
	}
}

// headLimit is the reader under a connection's bufio.Reader. While an
// answer's head is read it lets at most n more bytes through and then
// fails with a *HeaderTooLargeError, so a receiver sending an endless
// header costs at most the limit (net/http's Transport does the same); n < 0
// means no limit (the body has limits of its own).
type headLimit struct {
	r   io.Reader
	n   int64
	max int64
}

func (l *headLimit) Read(p []byte) (int, error) {
	if l.n < 0 {
		return l.r.Read(p)
	}
	if l.n == 0 {
		return 0, &HeaderTooLargeError{Limit: l.max}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// HeaderTooLargeError reports an answer whose header (status line, header
// lines and any interim 1xx answers) is longer than the client reads (the
// maxHeader of NewClient, which the sender sets from its
// Config.MaxHeaderBytes; the message names that setting).
type HeaderTooLargeError struct {
	Limit int64 // bytes; 0 when the limit is a net/http client's own
	// Detail is the other client's own message when Limit is 0.
	Detail string
}

func (e *HeaderTooLargeError) Error() string {
	if e.Detail != "" {
		return "the response header is larger than the client reads; the answer was not read further (" + e.Detail + ")"
	}
	return "the response header is larger than the " + byteSize(e.Limit) +
		" the sender reads (sender.Config.MaxHeaderBytes); the answer was not read further"
}

// byteSize renders n as "1 MiB", "64 KiB" or "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Response is what one exchange returns.
type Response struct {
	Got       bool // the status and headers were read (the zero value has none)
	Status    int
	Header    http.Header // read-only: identical heads on a connection share one map
	Body      []byte      // at most the maxBody bytes of Post
	Truncated bool        // the body was longer than maxBody
}

// BodyError marks an error that happened while reading the body, after the
// status and headers: the Response returned with it is valid.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return e.Err.Error() }
func (e *BodyError) Unwrap() error { return e.Err }

// Endpoint is a parsed target URL with what every request to it needs,
// worked out once: the connection pool key, the dial address and the start
// of the request head.
type Endpoint struct {
	URL  *url.URL
	key  string // scheme://host:port
	addr string // host:port
	head string // "POST <request-uri> HTTP/1.1\r\nHost: <host>\r\n"
}

func NewEndpoint(u *url.URL) Endpoint {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	addr := net.JoinHostPort(host, port)
	return Endpoint{
		URL:  u,
		key:  u.Scheme + "://" + addr,
		addr: addr,
		head: "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\n",
	}
}

func (c *Client) get(key string) *h1Conn {
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

func (c *Client) put(key string, cn *h1Conn) {
	c.mu.Lock()
	if !c.closed && len(c.idle[key]) < c.maxIdle {
		c.idle[key] = append(c.idle[key], cn)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	cn.nc.Close()
}

// Close closes the idle connections and makes connections still in use be
// closed instead of pooled when their Post returns. Post may still be called
// (it dials, and closes afterwards).
func (c *Client) Close() {
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

func (c *Client) dial(ctx context.Context, deadline time.Time, ep *Endpoint) (*h1Conn, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	nc, err := c.dialer.DialContext(ctx, "tcp", ep.addr)
	if err != nil {
		return nil, err
	}
	if ep.URL.Scheme == "https" {
		conf := &tls.Config{}
		if c.tlsConf != nil {
			conf = c.tlsConf.Clone()
		}
		if conf.ServerName == "" {
			conf.ServerName = ep.URL.Hostname()
		}
		tc := tls.Client(nc, conf)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	cn := &h1Conn{nc: nc, lim: headLimit{r: nc, n: -1, max: c.maxHeader}, wb: make([]byte, 0, 4096)}
	cn.br = bufio.NewReaderSize(&cn.lim, 4096)
	cn.useRaw()
	return cn, nil
}

// Post sends one POST of body with the headers h (names in order first, see
// the package comment) to ep and reads the answer, keeping at most maxBody
// bytes of its body. Dialling, the TLS handshake, writing and reading all
// end at deadline or when ctx is done. The Response is valid when err is
// nil or a *BodyError (the head was read, the body was not read whole).
func (c *Client) Post(ctx context.Context, deadline time.Time, ep *Endpoint, h http.Header, order []string, body []byte, maxBody int64) (Response, error) {
	for try := 0; ; try++ {
		cn, reused := c.get(ep.key), true
		for cn != nil && try == 0 && cn.dirty() {
			// Bytes (or the end) arrived on the idle connection after the
			// last answer: a body on a 204 or 304, bytes past
			// Content-Length. Its framing is lost; take another.
			cn.nc.Close()
			cn = c.get(ep.key)
		}
		if cn == nil || try > 0 {
			if cn != nil {
				cn.nc.Close()
			}
			var err error
			if cn, err = c.dial(ctx, deadline, ep); err != nil {
				return Response{}, err
			}
			reused = false
		}
		resp, answered, err := c.exchange(ctx, deadline, cn, ep, h, order, body, maxBody)
		if err == nil {
			// Anything already read past the answer (a body on a 204,
			// bytes past Content-Length) would be taken for the start of
			// the next answer: such a connection is not reused.
			if resp.keep && cn.br.Buffered() == 0 {
				c.put(ep.key, cn)
			} else {
				cn.nc.Close()
			}
			return resp.Response, nil
		}
		cn.nc.Close()
		if reused && !answered && ctx.Err() == nil && time.Now().Before(deadline) && isStaleConn(err) {
			continue // the receiver closed the idle connection: once more on a new one
		}
		return Response{}, err
	}
}

type exchangeResult struct {
	Response
	keep bool
}

func isStaleConn(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err)
}

func (c *Client) exchange(ctx context.Context, deadline time.Time, cn *h1Conn, ep *Endpoint, h http.Header, order []string, body []byte, maxBody int64) (res exchangeResult, answered bool, err error) {
	// The deadline is left in place afterwards: a connection going back to
	// the pool gets a new one before its next use.
	cn.nc.SetDeadline(deadline)
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
		defer stop()
	}

	cn.wb = appendRequest(cn.wb[:0], ep, h, order, body)
	err = cn.send()
	if cap(cn.wb) > maxKeptWriteBuffer {
		cn.wb = make([]byte, 0, 4096)
	}
	if err != nil {
		return res, false, err
	}
	// The head is read under the header limit; bytes buffered already
	// (none on a clean connection) count against it too.
	cn.lim.n = max(c.maxHeader-int64(cn.br.Buffered()), 0)
	defer func() { cn.lim.n = -1 }()
	if _, err := cn.br.Peek(1); err != nil {
		return res, false, err
	}
	// A simple head is complete in the buffer, so within the limit; the
	// body it goes on to read has a limit of its own.
	n := cn.lim.n
	cn.lim.n = -1
	if res, ok, err := readSimpleResponse(cn.br, maxBody, &cn.hc); ok {
		return res, true, err
	}
	cn.lim.n = n
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
			cn.lim.n = -1 // the head is read: the body has its own limit
			break
		}
		io.Copy(io.Discard, resp.Body) // 1xx interim answer: the final one follows
		resp.Body.Close()
	}
	raw, more, rerr := ReadLimited(resp.Body, maxBody)
	res.Got, res.Status, res.Header, res.Body, res.Truncated = true, resp.StatusCode, resp.Header, raw, more
	if rerr != nil {
		return res, true, &BodyError{Err: rerr}
	}
	res.keep = !more && !resp.Close && resp.StatusCode != http.StatusSwitchingProtocols
	if res.keep {
		// The body must have ended exactly: an unread remainder poisons the connection.
		if _, err := resp.Body.Read(make([]byte, 1)); err != io.EOF {
			res.keep = false
		}
	}
	resp.Body.Close()
	return res, true, nil
}

// maxSimpleBody is the largest Content-Length readSimpleResponse reads into
// a buffer of that size at once; larger bodies are read as they come.
const maxSimpleBody = 64 << 10

// maxSimpleHeaders bounds the header lines readSimpleResponse handles.
const maxSimpleHeaders = 16

// readSimpleResponse parses the common answer without net/http: a final
// HTTP/1.1 status (2xx to 5xx), a header block that is already buffered in
// full, well-formed (CRLF line ends, token names, no folded lines) and free
// of anything that changes the framing (Transfer-Encoding, Connection,
// Trailer) or that net/http rewrites (Pragma), and a body framed by one
// valid Content-Length (or none at all for 204 and 304). The result is the
// one http.ReadResponse and the generic path would produce. ok=false means
// the answer is not of that form and nothing has been consumed; the caller
// then parses it with net/http.
//
// hc, when not nil, holds the connection's last simple head: a receiver
// answers most requests with byte-identical heads (the same status and
// headers, the same Date within a second), and such a head reuses the
// parsed status, length and header map, which the journal then shares
// between attempts (recorded headers are read-only).
func readSimpleResponse(br *bufio.Reader, maxBody int64, hc *headCache) (res exchangeResult, ok bool, err error) {
	buf, _ := br.Peek(br.Buffered())
	end := bytes.Index(buf, crlf2)
	if end < 0 {
		return res, false, nil
	}
	head := buf[:end+2] // every line with its CRLF
	var h simpleHead
	if hc != nil && hc.hdr != nil && bytes.Equal(head, hc.raw) {
		h = hc.simpleHead
	} else if h, ok = parseSimpleHead(head); !ok {
		return res, false, nil
	} else if hc != nil {
		hc.raw, hc.simpleHead = append(hc.raw[:0], head...), h
	}
	status, clen, hdr := h.status, h.clen, h.hdr
	noBody := status == 204 || status == 304
	br.Discard(len(head) + 2)
	res.Got, res.Status, res.Header = true, status, hdr
	res.keep = true
	if noBody || clen == 0 {
		res.Body = []byte{}
		return res, true, nil
	}
	if clen > maxBody || clen > maxSimpleBody {
		raw, more, rerr := ReadLimited(&exactReader{r: br, n: clen}, maxBody)
		res.Body, res.Truncated = raw, more
		res.keep = rerr == nil && !more
		if rerr != nil {
			return res, true, &BodyError{Err: rerr}
		}
		return res, true, nil
	}
	b := make([]byte, clen)
	k, rerr := io.ReadFull(br, b)
	res.Body = b[:k]
	if rerr != nil {
		if rerr == io.EOF {
			rerr = io.ErrUnexpectedEOF
		}
		res.keep = false
		return res, true, &BodyError{Err: rerr}
	}
	return res, true, nil
}

// simpleHead is what readSimpleResponse takes from a head.
type simpleHead struct {
	status int
	clen   int64 // -1 when there is no Content-Length
	hdr    http.Header
}

// headCache is a connection's last simple head, raw and parsed.
type headCache struct {
	raw []byte
	simpleHead
}

// parseSimpleHead parses head, the status line and header lines each with
// its CRLF, if it is of the form readSimpleResponse handles.
func parseSimpleHead(head []byte) (h simpleHead, ok bool) {
	nl := bytes.IndexByte(head, '\n')
	if nl < 1 || head[nl-1] != '\r' {
		return h, false
	}
	line := head[:nl-1]
	if len(line) < 12 || string(line[:9]) != "HTTP/1.1 " || (len(line) > 12 && line[12] != ' ') {
		return h, false
	}
	status := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return h, false
		}
		status = status*10 + int(c-'0')
	}
	if status < 200 {
		return h, false
	}

	// First pass: validate every line and find keys and values.
	type field struct{ k, v []byte }
	var fields [maxSimpleHeaders]field
	n := 0
	clen := int64(-1)
	for rest := head[nl+1:]; len(rest) > 0; {
		nl := bytes.IndexByte(rest, '\n')
		if nl < 1 || rest[nl-1] != '\r' || n == maxSimpleHeaders {
			return h, false
		}
		line, next := rest[:nl-1], rest[nl+1:]
		rest = next
		colon := bytes.IndexByte(line, ':')
		if colon < 1 {
			return h, false
		}
		k, v := line[:colon], line[colon+1:]
		for _, c := range k {
			if !tokenByte(c) {
				return h, false
			}
		}
		for _, c := range v {
			if c < ' ' && c != '\t' || c == 0x7f {
				return h, false
			}
		}
		v = trimSpaceTab(v)
		switch {
		case asciiEqualFold(k, "Content-Length"):
			if clen >= 0 || len(v) == 0 || len(v) > 18 {
				return h, false
			}
			clen = 0
			for _, c := range v {
				if c < '0' || c > '9' {
					return h, false
				}
				clen = clen*10 + int64(c-'0')
			}
		case asciiEqualFold(k, "Transfer-Encoding"), asciiEqualFold(k, "Connection"),
			asciiEqualFold(k, "Trailer"), asciiEqualFold(k, "Pragma"):
			return h, false
		}
		fields[n] = field{k, v}
		n++
	}
	noBody := status == 204 || status == 304
	if clen < 0 && !noBody {
		return h, false // delimited by the connection's close
	}

	// Second pass: one string holds every canonical key and value.
	var stack [512]byte
	all := stack[:0]
	for _, f := range fields[:n] {
		upper := true
		for _, c := range f.k {
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			all = append(all, c)
			upper = c == '-'
		}
		all = append(all, f.v...)
	}
	str := string(all)
	vals := make([]string, n)
	hdr := make(http.Header, n)
	off := 0
	for i, f := range fields[:n] {
		k := str[off : off+len(f.k)]
		off += len(f.k)
		v := str[off : off+len(f.v)]
		off += len(f.v)
		if vv, dup := hdr[k]; dup {
			hdr[k] = append(vv, v)
			continue
		}
		vals[i] = v
		hdr[k] = vals[i : i+1 : i+1]
	}
	return simpleHead{status: status, clen: clen, hdr: hdr}, true
}

var crlf2 = []byte("\r\n\r\n")

// exactReader reads a body of n bytes, reporting a body cut short by the
// connection's end as io.ErrUnexpectedEOF, as net/http's body does.
type exactReader struct {
	r io.Reader
	n int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	k, err := e.r.Read(p)
	e.n -= int64(k)
	if err == io.EOF && e.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	return k, err
}

// tokenByte reports whether c may appear in a header name (RFC 9110 tchar),
// the set net/textproto accepts.
func tokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c < 0x80 && strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func trimSpaceTab(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// appendRequest appends a POST with every header name spelled exactly as
// it is given (never canonicalised) in a fixed order: the request line,
// Host, User-Agent (when set and not empty), Content-Type, Content-Length,
// then the names in order (the platform's documented headers, in the order
// its documentation lists them; a name there matches a key of h in any
// case and is written as order spells it), then every other header sorted
// by name.
func appendRequest(b []byte, ep *Endpoint, h http.Header, order []string, body []byte) []byte {
	b = append(b, ep.head...)
	var arr [16]string
	keys := arr[:0]
	var ua []string
	for k, v := range h {
		switch {
		case equalFoldString(k, "User-Agent"):
			ua = v
		case !framingHeader(k):
			keys = append(keys, k)
		}
	}
	if len(ua) > 0 && ua[0] != "" { // an empty User-Agent sends none
		b = appendField(b, "User-Agent", ua[:1])
	}
	b = appendNamed(b, h, keys, "Content-Type")
	b = append(b, "Content-Length: "...)
	b = strconv.AppendUint(b, uint64(len(body)), 10)
	b = append(b, "\r\n"...)
	for _, name := range order {
		b = appendNamed(b, h, keys, name)
	}
	var arr2 [16]string
	rest := arr2[:0]
	for _, k := range keys {
		if !equalFoldString(k, "Content-Type") && !inOrder(k, order) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		b = appendField(b, k, h[k])
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// appendNamed appends the values of every key of h that is name in any
// case, under name's spelling.
func appendNamed(b []byte, h http.Header, keys []string, name string) []byte {
	for _, k := range keys {
		if equalFoldString(k, name) {
			b = appendField(b, name, h[k])
		}
	}
	return b
}

func appendField(b []byte, name string, vals []string) []byte {
	for _, v := range vals {
		b = append(b, name...)
		b = append(b, ": "...)
		b = appendHeaderValue(b, v)
		b = append(b, "\r\n"...)
	}
	return b
}

func inOrder(k string, order []string) bool {
	for _, n := range order {
		if equalFoldString(k, n) {
			return true
		}
	}
	return false
}

func equalFoldString(a, b string) bool {
	return len(a) == len(b) && asciiEqualFold([]byte(a), b)
}

// framingHeader reports whether k is, canonicalised, one of the headers
// writeRequest writes itself or never sends: Host, User-Agent,
// Content-Length, Transfer-Encoding, Connection.
func framingHeader(k string) bool {
	var name string
	switch len(k) {
	case 4:
		name = "Host"
	case 10:
		if k[0] == 'u' || k[0] == 'U' {
			name = "User-Agent"
		} else {
			name = "Connection"
		}
	case 14:
		name = "Content-Length"
	case 17:
		name = "Transfer-Encoding"
	default:
		return false
	}
	return http.CanonicalHeaderKey(k) == name
}

// appendHeaderValue appends v without CR and LF, so a value can never
// split the header block.
func appendHeaderValue(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c != '\r' && c != '\n' {
			b = append(b, c)
		}
	}
	return b
}

// send writes the request in cn.wb. On plain TCP it writes from inside
// RawConn.Read and then waits there for the socket to become readable:
// Go's own Read would first try a read that, right after the request went
// out, finds nothing yet, and that costs a system call per exchange. The
// readiness wait is armed before the write, so an answer that arrives at
// once is not missed. Anything unusual (a request larger than the socket
// takes at once, bytes already buffered, a spurious wake-up) falls back to
// the ordinary calls, which behave the same, only slower.
func (cn *h1Conn) send() error {
	if cn.raw == nil || cn.br.Buffered() > 0 {
		_, err := cn.nc.Write(cn.wb)
		return err
	}
	cn.written, cn.werr = 0, nil
	err := cn.raw.Read(cn.ready)
	written, werr := cn.written, cn.werr
	cn.werr = nil
	switch {
	case werr == syscall.EAGAIN:
		// The socket's buffer is full: write the rest the ordinary way.
		_, err := cn.nc.Write(cn.wb[written:])
		return err
	case werr != nil:
		return &net.OpError{Op: "write", Net: "tcp", Source: cn.nc.LocalAddr(), Addr: cn.nc.RemoteAddr(), Err: os.NewSyscallError("write", werr)}
	}
	if err == nil {
		return nil
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "raw-read" {
		c := *oe
		if written < len(cn.wb) {
			c.Op = "write" // the deadline passed or the connection closed before the request went out
		} else {
			c.Op = "read" // waiting for the answer is a read
		}
		err = &c
	}
	return err
}

// ReadLimited reads up to limit+1 bytes of r and returns at most limit of
// them, reporting whether more followed (the rest of r is left unread).
func ReadLimited(r io.Reader, limit int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b[:limit], true, err
	}
	return b, false, err
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}
