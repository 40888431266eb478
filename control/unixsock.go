package control

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// unixSocket is the [unix_http_server] listener and the path it owns.
type unixSocket struct {
	ln   *net.UnixListener
	path string
}

// listenUnix binds the socket the way supervisord does: at a private
// name first, so the socket has its mode and owner before anyone can
// connect, then hard-linked into place. An existing socket that answers
// is another server (ErrAddressInUse); one that does not is stale and is
// replaced, with supervisord's message. Anything else at the path (a
// regular file, say) is left alone and is an error: supervisord would
// delete it.
func listenUnix(path string, mode int, chown string, log zerolog.Logger) (*unixSocket, error) {
	tmp := path + "." + strconv.Itoa(os.Getpid())
	os.Remove(tmp) // left over from a crashed process with our pid
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("cannot listen on unix socket %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false) // we unlink path ourselves; tmp is gone by then
	fail := func(err error) (*unixSocket, error) {
		ln.Close()
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Chmod(tmp, os.FileMode(mode)); err != nil {
		return fail(fmt.Errorf("cannot chmod unix socket %s: %w", path, err))
	}
	if chown != "" {
		uid, gid, err := lookupOwner(chown)
		if err != nil {
			return fail(err)
		}
		if err := os.Lchown(tmp, uid, gid); err != nil {
			return fail(fmt.Errorf("cannot chown unix socket %s to %s: %w", path, chown, err))
		}
	}
	if err := os.Link(tmp, path); err != nil {
		if !errors.Is(err, os.ErrExist) {
			return fail(fmt.Errorf("cannot create unix socket %s: %w", path, err))
		}
		if err := removeStale(path); err != nil {
			return fail(err)
		}
		// supervisord writes this line to stderr whatever its loglevel;
		// a warning is the level that stays visible by default.
		log.Warn().Msgf("Unlinking stale socket %s", path)
		if err := os.Link(tmp, path); err != nil {
			return fail(fmt.Errorf("cannot create unix socket %s: %w", path, err))
		}
	}
	os.Remove(tmp)
	return &unixSocket{ln: ln, path: path}, nil
}

// removeStale removes the socket at path unless a server answers on it.
// A file that is not a socket is left alone: that is a config mistake,
// not debris.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("cannot inspect %s: %w", path, err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("cannot create unix socket %s: a file that is not a socket is in the way", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("%w (unix socket %s)", ErrAddressInUse, path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove stale unix socket %s: %w", path, err)
	}
	return nil
}

func (u *unixSocket) close() {
	u.ln.Close()
	os.Remove(u.path)
}

// lookupOwner reads chown= ("user" or "user:group"); with no group the
// user's primary group is used, as supervisord does.
func lookupOwner(spec string) (uid, gid int, err error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("cannot chown unix socket: %w", err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	if hasGroup {
		g, err := user.LookupGroup(group)
		if err != nil {
			return 0, 0, fmt.Errorf("cannot chown unix socket: %w", err)
		}
		gid, _ = strconv.Atoi(g.Gid)
	}
	return uid, gid, nil
}

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
