package program

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// passwdFile is read for the login shell, which os/user does not give.
const passwdFile = "/etc/passwd"

// account is what a program's user= switches to.
type account struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32 // supplementary groups from /etc/group, with gid
	home   string
	shell  string
}

// lookupAccount finds user= (a name, or a numeric uid with a passwd
// entry, as supervisord accepts) in /etc/passwd and /etc/group. With
// CGO off, os/user reads those files itself.
func lookupAccount(name string) (*account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		if _, numErr := strconv.Atoi(name); numErr != nil {
			return nil, fmt.Errorf("cannot find user %s: %w", name, err)
		}
		if u, err = user.LookupId(name); err != nil {
			return nil, fmt.Errorf("cannot find uid %s: %w", name, err)
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("cannot use uid %q of user %s: %w", u.Uid, u.Username, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("cannot use gid %q of user %s: %w", u.Gid, u.Username, err)
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil, fmt.Errorf("cannot read the groups of user %s: %w", u.Username, err)
	}
	acct := &account{name: u.Username, uid: uint32(uid), gid: uint32(gid), home: u.HomeDir, shell: loginShell(u.Username)}
	for _, id := range ids {
		g, err := strconv.ParseUint(id, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("cannot use group id %q of user %s: %w", id, u.Username, err)
		}
		acct.groups = append(acct.groups, uint32(g))
	}
	return acct, nil
}

// loginShell is the user's shell field in /etc/passwd, "" when unknown.
func loginShell(name string) string {
	f, err := os.Open(passwdFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// name:password:uid:gid:gecos:home:shell
		fields := strings.Split(sc.Text(), ":")
		if len(fields) == 7 && fields[0] == name {
			return fields[6]
		}
	}
	return ""
}

// credential is the SysProcAttr.Credential for switching to acct: nil
// when supinit already runs as that user, an error when it would need
// root and is not.
func (acct *account) credential() (*syscall.Credential, error) {
	euid := os.Geteuid()
	if euid != 0 {
		if uint32(euid) == acct.uid {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot switch to user %s: supinit is not running as root", acct.name)
	}
	return &syscall.Credential{Uid: acct.uid, Gid: acct.gid, Groups: acct.groups}, nil
}

// canReach reports whether acct may chdir to dir: search permission on
// dir and every directory above it. The child chdirs after it switched
// users, and an error there would only come back as a bare errno, so
// Spawn checks first to say what failed.
func (acct *account) canReach(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return true // let the child report it
	}
	for {
		if st, err := os.Stat(dir); err == nil && !acct.canSearch(st) {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// canSearch reports whether acct may search the directory described by
// st, from its mode bits (root always may).
func (acct *account) canSearch(st os.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok || acct.uid == 0 {
		return true
	}
	mode := st.Mode().Perm()
	if sys.Uid == acct.uid {
		return mode&0o100 != 0
	}
	for _, g := range append([]uint32{acct.gid}, acct.groups...) {
		if sys.Gid == g {
			return mode&0o010 != 0
		}
	}
	return mode&0o001 != 0
}
