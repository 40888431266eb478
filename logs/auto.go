package logs

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
)

// AutoPath creates an AUTO log file in dir the way supervisord's mkstemp
// does: <procname>-<channel>---<identifier>-XXXXXXXX.log, eight random
// characters of [a-z0-9_], created exclusively with mode 0600. It returns
// the path of the new empty file.
func AutoPath(dir, procName, channel, identifier string) (string, error) {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789_"
	prefix := fmt.Sprintf("%s-%s---%s-", procName, channel, identifier)
	for range 100 {
		var rnd [8]byte
		for i := range rnd {
			rnd[i] = letters[rand.IntN(len(letters))]
		}
		path := filepath.Join(dir, prefix+string(rnd[:])+".log")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("cannot create AUTO log file: %w", err)
		}
		return path, f.Close()
	}
	return "", fmt.Errorf("cannot create AUTO log file in %s: every name tried exists", dir)
}

// autoPattern is supervisord's pattern for AUTO logs (and their backups)
// of one identifier, anchored at the start as Python's re.match is. The
// identifier is quoted; supervisord uses it as a regular expression.
func autoPattern(identifier string) *regexp.Regexp {
	return regexp.MustCompile(`^.+?---` + regexp.QuoteMeta(identifier) + `-\S+\.log\.?\d{0,4}`)
}

// CleanAuto deletes the AUTO logs of identifier in dir, as supervisord
// does at start unless nocleanup is set. It removes what it can and
// returns the errors of what it could not.
func CleanAuto(dir, identifier string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot clean AUTO logs: %w", err)
	}
	re := autoPattern(identifier)
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !re.MatchString(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("cannot clean AUTO logs: %w", errors.Join(errs...))
	}
	return nil
}
