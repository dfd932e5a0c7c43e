//go:build unix

package sender

import (
	"net"
	"syscall"
)

// useRaw lets send write plain TCP requests through the file descriptor.
func (cn *h1Conn) useRaw() {
	if tc, ok := cn.nc.(*net.TCPConn); ok {
		if raw, err := tc.SyscallConn(); err == nil {
			cn.raw, cn.ready = raw, cn.writeThenWait
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
