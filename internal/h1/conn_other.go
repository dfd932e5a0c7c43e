//go:build !unix

package h1

// useRaw does nothing here: send uses the ordinary calls.
func (cn *h1Conn) useRaw() {}

// dirty reports whether an idle connection has bytes buffered beyond its
// last answer.
func (cn *h1Conn) dirty() bool { return cn.br.Buffered() > 0 }
