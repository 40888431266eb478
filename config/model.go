// Package config reads a supervisord-style INI file or supinit's native TOML
// into one validated, immutable model. It starts no processes and does no
// I/O beyond reading files and looking up users and groups.
package config

import (
	"syscall"
	"time"
)

// Config is the whole validated model. Nothing outside this package
// mutates it after Load returns; a reload builds a new one.
type Config struct {
	// File is the absolute path of the main config file.
	File string
	// Format is "ini" or "toml".
	Format string

	Supervisord Supervisord
	// Programs holds one entry per process after numprocs expansion, for
	// [program:x] and [fcgi-program:x] sections, sorted by (Group, Name).
	Programs []*Program
	// EventListeners holds one entry per listener process, sorted by
	// (Group, Name).
	EventListeners []*Program
	// Groups holds every process group (homogeneous ones made from a
	// program section, heterogeneous ones from [group:x], and listener
	// pools), sorted by (Priority, Name) as supervisord sorts group configs.
	Groups []*Group

	UnixHTTPServer *UnixHTTPServer // nil when the section is absent
	InetHTTPServer *InetHTTPServer // nil when the section is absent
	Supervisorctl  *Supervisorctl  // nil when the section is absent
	RPCInterfaces  []RPCInterface

	// Included lists the files read through [include], in reading order.
	Included []string
	// Warnings are problems that do not stop supinit: unknown keys (with
	// a did-you-mean), and traps supervisord only hits when a program
	// starts. Each names its position.
	Warnings []Warning
}

// Supervisord is the [supervisord] section.
type Supervisord struct {
	Logfile         string // absolute, or "syslog"
	LogfileMaxbytes int64
	LogfileBackups  int
	Loglevel        string // critical, error, warn, info, debug, trace, blather
	Pidfile         string // absolute
	Umask           int
	Nodaemon        bool
	Silent          bool
	Minfds          int
	Minprocs        int
	Nocleanup       bool
	Childlogdir     string
	User            string // "" when unset
	Directory       string // "" when unset
	StripAnsi       bool
	Environment     map[string]string
	Identifier      string

	// LogPrefix is supinit's extension: put "name | " before each line a
	// program writes to the container's streams.
	LogPrefix bool

	// Pos is where the section starts; OptPos says where each option
	// given in the file was set (absent for defaults). Errors found
	// after parsing (for example by finish) point there.
	Pos    Position
	OptPos map[string]Position

	// logfileAsWritten and pidfileAsWritten are the two paths before
	// they were made absolute: supervisord checks that the folder named
	// in the text exists ("a/../x.log" needs a folder a), and making the
	// path absolute cleans that away.
	logfileAsWritten, pidfileAsWritten string
}

// Autorestart is supervisord's autorestart policy.
type Autorestart string

const (
	AutorestartTrue       Autorestart = "true"
	AutorestartFalse      Autorestart = "false"
	AutorestartUnexpected Autorestart = "unexpected"
)

// Kind says which section type a process came from.
type Kind string

const (
	KindProgram       Kind = "program"
	KindEventListener Kind = "eventlistener"
	KindFCGIProgram   Kind = "fcgi-program"
)

// Special values of a *_logfile option. Any other value is a path.
const (
	LogAuto   = "AUTO"
	LogNone   = "NONE"
	LogSyslog = "SYSLOG"
)

// LogConfig is one output channel (stdout or stderr) of a process.
type LogConfig struct {
	Logfile         string // LogAuto, LogNone, LogSyslog or a path (after both expansions)
	Maxbytes        int64
	Backups         int
	CaptureMaxbytes int64
	EventsEnabled   bool
	Syslog          bool
}

// Program is one process: a [program:x] (or fcgi-program, or
// eventlistener) section after numprocs expansion.
type Program struct {
	Kind        Kind
	Section     string // the section name as written, e.g. "program:web"
	ProgramName string // the name after "program:"
	Group       string // group name (heterogeneous [group:x] name, or ProgramName)
	Name        string // process name (process_name after expansion)
	ProcessNum  int
	Numprocs    int

	Command string   // the expanded command string
	Argv    []string // Command after POSIX shlex split

	Priority      int // process priority
	GroupPriority int

	Autostart    bool
	Autorestart  Autorestart
	Startsecs    time.Duration
	Startretries int
	Exitcodes    []int
	Stopsignal   syscall.Signal
	Stopwaitsecs time.Duration
	Stopasgroup  bool
	Killasgroup  bool

	User      *string // nil when unset
	Directory *string // nil when unset
	Umask     *int    // nil when unset (inherit)

	RedirectStderr bool
	Stdout         LogConfig
	Stderr         LogConfig

	Environment map[string]string // the program's own environment= (not merged)
	// Serverurl is "AUTO" (unset or AUTO: supinit's own URL), "" (given
	// empty: supervisord sets no SUPERVISOR_SERVER_URL) or a URL.
	Serverurl string

	// Critical is supinit's extension: when this process goes FATAL, or
	// exits and will not be restarted, supinit shuts down and exits with
	// its status.
	Critical bool

	// Event listener options (Kind == KindEventListener).
	Events        []string
	BufferSize    int
	ResultHandler string

	// FastCGI options (Kind == KindFCGIProgram).
	Socket        string
	SocketBacklog int
	SocketOwner   string
	SocketMode    int

	// Pos is where the section starts; OptPos says where each option
	// given in the file was set (absent for defaults).
	Pos    Position
	OptPos map[string]Position

	// nameTemplate is process_name as written, before expansion. convert
	// writes it when the expanded name is not a valid template itself
	// (process_name=%(ENV_HOME)s gives "/root", which may not be written
	// literally).
	nameTemplate string
}

// Namespec is the name supervisorctl shows: "name" when the group and the
// process share it, otherwise "group:name".
func (p *Program) Namespec() string {
	if p.Group == p.Name {
		return p.Name
	}
	return p.Group + ":" + p.Name
}

// Group is one process group.
type Group struct {
	Name     string
	Kind     Kind // KindProgram for homogeneous and [group:x] groups
	Priority int
	// Processes are the namespecs' process names in supervisord's order
	// within the group.
	Processes []string
	// Heterogeneous is true for a [group:x] section.
	Heterogeneous bool
	Pos           Position
}

// UnixHTTPServer is [unix_http_server].
type UnixHTTPServer struct {
	File     string // absolute
	Chmod    int
	Chown    string // "" when unset; "user" or "user:group"
	Username string
	Password string // may be "{SHA}hex"
	Pos      Position
	OptPos   map[string]Position // where each option given was set
}

// InetHTTPServer is [inet_http_server].
type InetHTTPServer struct {
	Host     string // "" means all interfaces
	Port     int
	Username string
	Password string
	Pos      Position
}

// Supervisorctl is [supervisorctl].
type Supervisorctl struct {
	Serverurl   string
	Username    string
	Password    string
	Prompt      string
	HistoryFile string
}

// RPCInterface is an [rpcinterface:x] section. supinit always serves the
// supervisor namespace; these are kept so `check` can report them.
type RPCInterface struct {
	Name    string
	Factory string
}

// Position is a place in a config file. Line is 0 where the format gives
// none.
type Position struct {
	File string
	Line int
}

// Warning is a non-fatal problem found while loading.
type Warning struct {
	Pos     Position
	Section string
	Option  string
	Message string
}
