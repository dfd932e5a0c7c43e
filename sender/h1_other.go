//go:build !unix

package sender

// useRaw does nothing here: send uses the ordinary calls.
func (cn *h1Conn) useRaw() {}
