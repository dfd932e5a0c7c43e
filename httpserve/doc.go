// Package httpserve serves an http.Handler the way every hookdrill server
// (`hookdrill serve`, `hookdrill receiver`) does: with read, header, write
// and idle timeouts, and a bound on open connections that sheds the excess
// (closing it at once) without ever stopping to accept. A client that
// opens thousands of connections and sends half a request on each cannot
// exhaust the process's descriptors or stop it answering for longer than
// the read timeout.
package httpserve
