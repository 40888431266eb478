package supervisor

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/config"
)

// What supervisord does to its own process before it starts programs:
// raise the rlimits minfds and minprocs ask for, drop to [supervisord]
// user=, and (after the servers are up) write the pidfile.

// raiseLimits makes the soft RLIMIT_NOFILE and RLIMIT_NPROC at least
// minfds and minprocs, raising the hard limit too when it is lower (which
// only root may do), as supervisord's set_rlimits_or_exit.
func raiseLimits(sv config.Supervisord) error {
	for _, l := range []struct {
		res  int
		name string
		min  int
		opt  string
	}{
		{unix.RLIMIT_NOFILE, "RLIMIT_NOFILE", sv.Minfds, "minfds"},
		{unix.RLIMIT_NPROC, "RLIMIT_NPROC", sv.Minprocs, "minprocs"},
	} {
		var lim unix.Rlimit
		if err := unix.Getrlimit(l.res, &lim); err != nil {
			return fmt.Errorf("cannot read %s: %w", l.name, err)
		}
		want := uint64(max(l.min, 0))
		if lim.Cur == unix.RLIM_INFINITY || lim.Cur >= want {
			continue
		}
		lim.Cur = want
		if lim.Max != unix.RLIM_INFINITY && lim.Max < want {
			lim.Max = want
		}
		if err := unix.Setrlimit(l.res, &lim); err != nil {
			return fmt.Errorf("cannot raise %s to %d as [supervisord] %s asks: %w (raise the limit of the container, or lower %s)",
				l.name, want, l.opt, err, l.opt)
		}
	}
	return nil
}

// dropPrivileges switches supinit to [supervisord] user= (a name or a
// uid) with that user's groups, as supervisord's set_uid_or_exit. Go's
// Setuid and friends apply to every thread of the process.
func dropPrivileges(name string) error {
	if name == "" {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		if u, err = user.LookupId(name); err != nil {
			return fmt.Errorf("cannot drop privileges: no such user %q", name)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if os.Getuid() == uid {
		return nil
	}
	if os.Getuid() != 0 {
		return fmt.Errorf("cannot drop privileges to %q: supinit is not running as root", name)
	}
	groups := []int{gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.Atoi(id); err == nil && g != gid {
				groups = append(groups, g)
			}
		}
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("cannot set the groups of %q: %w", name, err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("cannot set gid %d: %w", gid, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("cannot set uid %d: %w", uid, err)
	}
	return nil
}

// writePidfile writes supinit's pid where [supervisord] pidfile says and
// returns the func that removes it at exit. Failing to write it is logged,
// not fatal, as in supervisord.
func writePidfile(path string, log zerolog.Logger) (remove func()) {
	if path == "" {
		return func() {}
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		log.Warn().Err(err).Msgf("could not write pidfile %s", path)
		return func() {}
	}
	return func() { os.Remove(path) }
}
