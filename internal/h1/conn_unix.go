//go:build unix

package h1

import (
	"net"
	"syscall"
	"unsafe"
)

// useRaw lets send write plain TCP requests through the file descriptor.
func (cn *h1Conn) useRaw() {
	if tc, ok := cn.nc.(*net.TCPConn); ok {
		if raw, err := tc.SyscallConn(); err == nil {
			cn.raw, cn.ready, cn.peek = raw, cn.writeThenWait, cn.peekIdle
		}
	}
}

// writeThenWait is send's RawConn.Read callback: on its first call it
// writes cn.wb and asks to wait for readability; called again, the socket
// is readable.
func (cn *h1Conn) writeThenWait(fd uintptr) bool {
	if cn.werr != nil || cn.written == len(cn.wb) {
		return true // readable (or the write failed)
	}
	for cn.written < len(cn.wb) {
		n, err := syscall.Write(int(fd), cn.wb[cn.written:])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			cn.werr = err
			return true
		case n <= 0:
			cn.werr = syscall.EAGAIN // nothing taken: let the ordinary Write deal with it
			return true
		}
		cn.written += n
	}
	return false // sent: wait until the answer can be read
}

// dirty reports whether an idle connection has received anything since its
// last answer was read: bytes the receiver sent beyond that answer's
// framing, or its end (the receiver closed it). One non-blocking
// recv(MSG_PEEK) on plain TCP; on TLS only bytes already buffered are seen.
func (cn *h1Conn) dirty() bool {
	if cn.br.Buffered() > 0 {
		return true
	}
	if cn.raw == nil {
		return false
	}
	cn.peeked = false
	if err := cn.raw.Read(cn.peek); err != nil {
		return true
	}
	return cn.peeked
}

// peekIdle is dirty's RawConn.Read callback: it never waits.
func (cn *h1Conn) peekIdle(fd uintptr) bool {
	for {
		n, _, errno := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&cn.peekBuf[0])), 1,
			syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN || errno == syscall.EWOULDBLOCK:
			cn.peeked = false // nothing there: clean
		case errno != 0:
			cn.peeked = true // a pending error (reset): not reusable
		default:
			cn.peeked = true // n > 0: leftover bytes; n == 0: closed by the receiver
			_ = n
		}
		return true
	}
}
