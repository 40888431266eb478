package logs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Errors of the read calls; control maps them to supervisord's faults.
var (
	ErrNoFile       = errors.New("no log file")   // NO_FILE
	ErrBadArguments = errors.New("bad arguments") // BAD_ARGUMENTS
)

// source is what the read calls read: a log file or a tail buffer.
type source interface {
	size() (int64, error)
	readAt(off, length int64) ([]byte, error)
}

type fileSource struct{ f *os.File }

func (s fileSource) size() (int64, error) {
	st, err := s.f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func (s fileSource) readAt(off, length int64) ([]byte, error) {
	// The client chooses length: the buffer is what the file holds, not
	// what it asked for (gigabytes, in PID 1).
	sz, err := s.size()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, min(length, max(sz-off, 0)))
	n, err := s.f.ReadAt(buf, off)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return buf[:n], err
}

type ringSource struct{ r *ring }

func (s ringSource) size() (int64, error) { return s.r.total, nil }

func (s ringSource) readAt(off, length int64) ([]byte, error) {
	return s.r.readAt(off, length), nil
}

// readRange has supervisord's readFile semantics: a negative offset reads
// the last -offset bytes (length must be 0); otherwise length 0 reads from
// offset to the end, and a positive length reads that many bytes.
func readRange(src source, offset, length int64) ([]byte, error) {
	sz, err := src.size()
	if err != nil {
		return nil, err
	}
	if offset < 0 {
		if length != 0 {
			return nil, ErrBadArguments
		}
		return src.readAt(max(sz+offset, 0), min(-offset, sz))
	}
	if length < 0 {
		return nil, ErrBadArguments
	}
	if rest := max(sz-offset, 0); length == 0 || length > rest {
		length = rest
	}
	return src.readAt(offset, length)
}

// tailRange has supervisord's tailFile semantics: it returns up to length
// bytes ending at the end, the size (the offset to ask for next), and
// whether more than length bytes were new since offset (overflow).
func tailRange(src source, offset, length int64) ([]byte, int64, bool, error) {
	sz, err := src.size()
	if err != nil {
		return nil, 0, false, err
	}
	overflow := false
	if sz > offset+length {
		overflow = true
		offset = sz - 1
	}
	if offset+length > sz {
		if offset > sz-1 {
			length = 0
		}
		offset = sz - length
	}
	offset, length = max(offset, 0), max(length, 0)
	if length == 0 {
		return []byte{}, sz, overflow, nil
	}
	data, err := src.readAt(offset, length)
	return data, sz, overflow, err
}

// ReadFile reads the channel's log with supervisord's readFile semantics:
// the file when there is one, else the tail buffer (whose offsets count
// every byte since the start or the last Clear). Errors wrap ErrNoFile or
// ErrBadArguments, or are I/O errors (FAILED).
func (c *Channel) ReadFile(offset, length int64) (data []byte, err error) {
	err = c.withSource(func(src source) error {
		data, err = readRange(src, offset, length)
		return err
	})
	return data, err
}

// TailFile reads the channel's log with supervisord's tailFile semantics
// (see tailRange). With no log it returns ErrNoFile; supervisord answers
// that case with ["", 0, false].
func (c *Channel) TailFile(offset, length int64) (data []byte, size int64, overflow bool, err error) {
	err = c.withSource(func(src source) error {
		data, size, overflow, err = tailRange(src, offset, length)
		return err
	})
	return data, size, overflow, err
}

// withSource runs read on the channel's log. A file is read without
// holding c.mu (a big read must not stall the copier); the tail buffer is
// read under it.
func (c *Channel) withSource(read func(source) error) error {
	c.mu.Lock()
	src, err := c.sourceLocked()
	if err != nil {
		c.mu.Unlock()
		return err
	}
	if f, ok := src.(fileSource); ok {
		c.mu.Unlock()
		defer f.f.Close()
		return read(src)
	}
	defer c.mu.Unlock()
	return read(src)
}

// sourceLocked opens what the read calls read. The caller closes a
// fileSource. c.mu must be held.
func (c *Channel) sourceLocked() (source, error) {
	if c.file != nil {
		f, err := os.Open(c.file.path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", c.file.path, ErrNoFile)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read log file: %w", err)
		}
		return fileSource{f}, nil
	}
	if c.tail != nil {
		return ringSource{c.tail}, nil
	}
	return nil, ErrNoFile
}
