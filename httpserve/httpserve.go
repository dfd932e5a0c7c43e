package httpserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxConns          = 512
	// DefaultShutdownTimeout is how long requests being answered get when
	// the server stops.
	DefaultShutdownTimeout = 5 * time.Second
)

// Options bound what one client can hold. Zero fields take the defaults.
type Options struct {
	ReadHeaderTimeout time.Duration // request line and headers
	ReadTimeout       time.Duration // the whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer
	IdleTimeout       time.Duration // a keep-alive connection between requests
	// MaxConns bounds open connections; one more is closed as soon as it
	// is accepted.
	MaxConns int
}

// WithDefaults fills zero fields.
func (o Options) WithDefaults() Options {
	if o.ReadHeaderTimeout == 0 {
		o.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxConns == 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.ReadHeaderTimeout > o.ReadTimeout {
		o.ReadHeaderTimeout = o.ReadTimeout
	}
	return o
}

// Validate reports negative settings.
func (o Options) Validate() error {
	var errs []error
	for name, d := range map[string]time.Duration{"read header timeout": o.ReadHeaderTimeout, "read timeout": o.ReadTimeout,
		"write timeout": o.WriteTimeout, "idle timeout": o.IdleTimeout} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %s", name, d))
		}
	}
	if o.MaxConns < 0 {
		errs = append(errs, fmt.Errorf("max connections must not be negative, got %d", o.MaxConns))
	}
	return errors.Join(errs...)
}

// NewServer returns an http.Server for h with o's timeouts.
func NewServer(h http.Handler, o Options) *http.Server {
	o = o.WithDefaults()
	return &http.Server{Handler: h, ReadHeaderTimeout: o.ReadHeaderTimeout, ReadTimeout: o.ReadTimeout,
		WriteTimeout: o.WriteTimeout, IdleTimeout: o.IdleTimeout, MaxHeaderBytes: http.DefaultMaxHeaderBytes}
}

// Listener bounds the open connections of an inner listener.
type Listener struct {
	net.Listener
	max  int64
	open atomic.Int64
	shed atomic.Int64
	peak atomic.Int64
}

// LimitListener returns ln with at most max connections open at a time:
// a connection accepted beyond that is closed at once, and Accept goes on
// to the next one.
func LimitListener(ln net.Listener, max int) *Listener {
	return &Listener{Listener: ln, max: int64(max)}
}

// Accept returns the next connection within the bound.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		n := l.open.Add(1)
		if n > l.max {
			l.open.Add(-1)
			l.shed.Add(1)
			_ = c.Close()
			continue
		}
		for {
			p := l.peak.Load()
			if n <= p || l.peak.CompareAndSwap(p, n) {
				break
			}
		}
		return &conn{Conn: c, l: l}, nil
	}
}

// Open is the number of connections open now.
func (l *Listener) Open() int { return int(l.open.Load()) }

// Shed is the number of connections closed for being over the bound.
func (l *Listener) Shed() int { return int(l.shed.Load()) }

// Peak is the most connections that were open at once.
func (l *Listener) Peak() int { return int(l.peak.Load()) }

type conn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}

// Serve serves h on ln with o until ctx ends or serving fails, then shuts
// down (requests being answered get DefaultShutdownTimeout). It returns
// the serving error, nil after ctx ended.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o Options) error {
	o = o.WithDefaults()
	hs := NewServer(h, o)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(LimitListener(ln, o.MaxConns)) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownTimeout)
	defer cancel()
	_ = hs.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
