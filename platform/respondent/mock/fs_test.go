package mock

import (
	"os"
	"sync/atomic"
	"syscall"
)

// fullFS is the OS file system that, while full is set, fails every write
// after its first half byte: a disk that fills up mid-record.
type fullFS struct {
	OSStateFS
	full atomic.Bool
}

type fullFile struct {
	*os.File
	fs *fullFS
}

func (f fullFile) Write(b []byte) (int, error) {
	if f.fs.full.Load() {
		n, _ := f.File.Write(b[:len(b)/2])
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Write(b)
}

func (f *fullFS) CreateTemp(dir, pattern string) (StateFile, error) {
	g, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return fullFile{g, f}, nil
}

func (f *fullFS) OpenAppend(name string) (StateFile, error) {
	g, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return fullFile{g, f}, nil
}

// TestFailedSaveIs503 fills the disk: every change is answered 503 in the
// platform's error shape, is not made, and is gone after a restart too;
