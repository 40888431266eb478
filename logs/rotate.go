package logs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// rotatingFile is a log file rotated the way supervisord rotates it: after
// a write that brings it to maxBytes, name.N-1 → name.N … name → name.1,
// and name is started again empty; with no backups it is just truncated.
// Its callers serialise the calls.
type rotatingFile struct {
	path     string
	maxBytes int64 // 0: never rotate
	backups  int
	f        *os.File // nil after a failed open; the next write retries
	size     int64
}

func openRotating(path string, maxBytes int64, backups int) (*rotatingFile, error) {
	r := &rotatingFile{path: path, maxBytes: maxBytes, backups: max(backups, 0)}
	if err := r.open(false); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) open(truncate bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if truncate {
		flag |= os.O_TRUNC
	}
	f, err := os.OpenFile(r.path, flag, 0o666)
	if err != nil {
		return fmt.Errorf("cannot open log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("cannot open log file: %w", err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

func (r *rotatingFile) write(p []byte) error {
	if r.f == nil {
		if err := r.open(false); err != nil {
			return err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	if err != nil {
		return fmt.Errorf("cannot write log file: %w", err)
	}
	if r.maxBytes > 0 && r.size >= r.maxBytes {
		return r.rotate()
	}
	return nil
}

func (r *rotatingFile) rotate() error {
	r.close()
	var errs []error
	if r.backups > 0 {
		for i := r.backups - 1; i >= 0; i-- {
			src := r.backupName(i)
			if _, err := os.Lstat(src); err != nil {
				continue
			}
			dst := r.backupName(i + 1)
			if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			if err := os.Rename(src, dst); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := r.open(true); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("cannot rotate log file %s: %w", r.path, errors.Join(errs...))
	}
	return nil
}

// backupName is name for 0, else name.i.
func (r *rotatingFile) backupName(i int) string {
	if i == 0 {
		return r.path
	}
	return fmt.Sprintf("%s.%d", r.path, i)
}

func (r *rotatingFile) reopen() error {
	r.close()
	return r.open(false)
}

// remove deletes the file and starts it again empty (clearProcessLogs).
func (r *rotatingFile) remove() error {
	r.close()
	if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot clear log file: %w", err)
	}
	return r.open(true)
}

func (r *rotatingFile) close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
