package supervisor

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
	"github.com/supinit/supinit/reaper"
)

// Options configure Run beyond the config.
type Options struct {
	// ConfigPath is reread on SIGHUP, reloadConfig and restart; "" means
	// the config cannot be reread (CANT_REREAD).
	ConfigPath  string
	LoadOptions config.LoadOptions
	// Load reads the config on a reread; nil means config.Load. (cmd can
	// apply its command-line overrides here; tests load fixtures.)
	Load func(path string, opts config.LoadOptions) (*config.Config, error)
	// Main, when not empty, is the command of `supinit -c FILE -- CMD`:
	// it runs as the critical program "main" (see WithMain), also after
	// every reread.
	Main []string
	// Prefix puts "name | " before every program line on the container
	// streams (the --prefix flag); [supervisord] log_prefix does too.
	Prefix bool
	// LogFormat is supinit's own log format: "text" (supervisord's) or
	// "json".
	LogFormat string
	// Stdout and Stderr are the container's streams; nil means os.Stdout
	// and os.Stderr.
	Stdout, Stderr *os.File
	// StartControl, when set, starts the control server (supervisorctl's
	// XML-RPC) with the Supervisor as its backend, before any program
	// starts. Its error ends supinit with exit code 2; stop is called at
	// exit. (A hook, so that this package does not import control.)
	StartControl func(s *Supervisor) (stop func(), err error)
	// ShutdownGrace is how long leftover descendants get between SIGTERM
	// and SIGKILL at the end of a shutdown; 0 means 2 s.
	ShutdownGrace time.Duration
	// FlushTimeout bounds the final copy of the programs' output at exit
	// (a blocked stdout must not keep supinit alive); 0 means 2 s.
	FlushTimeout time.Duration
}

func (o Options) shutdownGrace() time.Duration {
	if o.ShutdownGrace > 0 {
		return o.ShutdownGrace
	}
	return 2 * time.Second
}

func (o Options) flushTimeout() time.Duration {
	if o.FlushTimeout > 0 {
		return o.FlushTimeout
	}
	return 2 * time.Second
}

// Run supervises the programs of cfg until a shutdown and returns
// supinit's exit code: 0 after SIGTERM, SIGINT, SIGQUIT or the shutdown
// RPC; a critical program's code when one ended it; 1 when supinit could
// not start.
func Run(cfg *config.Config, opts Options) int {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	// Subscribe before any child exists: a signal in between would kill
	// a Go PID 1 with exit code 2.
	sigs := subscribeSignals()
	defer signal.Stop(sigs)

	if len(opts.Main) > 0 {
		var err error
		if cfg, err = WithMain(cfg, opts.Main); err != nil {
			fmt.Fprintf(opts.Stderr, "supinit: %v\n", err)
			return 1
		}
	}
	sv := cfg.Supervisord
	// As supervisord: privileges and limits first, so the log files are
	// opened as the user that will write them. Failing either is a usage
	// error (exit 2) before anything starts.
	if err := dropPrivileges(sv.User); err != nil {
		fmt.Fprintf(opts.Stderr, "Error: %v\n", err)
		return 2
	}
	if err := raiseLimits(sv); err != nil {
		fmt.Fprintf(opts.Stderr, "Error: %v\n", err)
		return 2
	}
	mux := logs.NewMux(opts.Stdout, opts.Stderr, logs.StreamOptions{Prefix: opts.Prefix || sv.LogPrefix})
	log, mainLog, err := logs.NewLogger(logs.LoggerOptions{
		File: sv.Logfile, MaxBytes: sv.LogfileMaxbytes, Backups: sv.LogfileBackups,
		Level: sv.Loglevel, JSON: opts.LogFormat == "json", Echo: !sv.Silent, Mux: mux,
	})
	if err != nil {
		fmt.Fprintf(opts.Stderr, "supinit: %v\n", err)
		mux.Close(context.Background())
		return 1
	}

	s := &Supervisor{
		opts: opts, log: log, mainLog: mainLog, mux: mux, now: time.Now,
		groups: map[string]*group{}, pids: map[int]*proc{}, swaps: map[string]*swap{},
		calls: make(chan func()), sigs: sigs,
		poke: make(chan struct{}, 1), quit: make(chan struct{}), taps: newTapQueue(),
	}
	if sub, err := reaper.Subreaper(); err != nil {
		log.Warn().Err(err).Msg("not PID 1 and cannot become a subreaper: orphans will not be reaped by supinit")
	} else if sub {
		log.Warn().Msgf("supinit is not PID 1 (pid %d): running as a child subreaper; processes left at exit survive it", os.Getpid())
	}
	r := reaper.New(reaper.Options{OnOrphan: s.onOrphan})
	defer r.Stop()
	s.exits = r.Exits()
	s.host = &realHost{r: r, opts: program.SpawnOptions{GlobalEnv: sv.Environment, StdinPipe: true, ServerURL: serverURL(cfg)}}

	if !sv.Nocleanup && sv.Childlogdir != "" {
		if err := logs.CleanAuto(sv.Childlogdir, sv.Identifier); err != nil {
			log.Warn().Err(err).Msg("cannot clean old AUTO log files")
		}
	}
	s.setConfig(cfg)
	s.newBus(cfg)
	// The listener pools come first (priority -1 by default), so they
	// get the PROCESS_GROUP_ADDED of the groups after them, as in
	// supervisord.
	for _, g := range cfg.Groups {
		s.addGroup(cfg, g)
	}
	s.mood.Store(moodRunning)

	stopControl := func() {}
	if opts.StartControl != nil {
		stop, err := opts.StartControl(s)
		if err != nil {
			// supervisord treats a socket it cannot serve on as a usage
			// error: it says why on stderr and exits 2.
			logs.Crit(&log).Err(err).Msg("cannot start the control server")
			fmt.Fprintf(opts.Stderr, "Error: %v\n", err)
			s.close()
			return 2
		}
		stopControl = stop
	}
	removePidfile := writePidfile(sv.Pidfile, log)
	log.Info().Msgf("supinit started with pid %d", os.Getpid())
	s.publish(events.SupervisorRunning())
	s.autostart(s.sortedGroups())
	s.settle()
	code := s.loop()
	stopControl()
	removePidfile()
	log.Info().Msgf("supinit exiting with code %d", code)
	s.close()
	return code
}

// close waits (boundedly) for the programs' output to be copied, then
// closes every log and flushes the container streams. The flush has a
// budget of its own: waiting for a copier stuck on a blocked stdout must
// not leave a healthy stderr no time to write its last lines.
func (s *Supervisor) close() {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.flushTimeout())
	defer cancel()
	copied := make(chan struct{})
	go func() { s.copiers.Wait(); close(copied) }()
	select {
	case <-copied:
	case <-ctx.Done():
		s.log.Warn().Msg("some program output was still open at exit: not waiting for it")
	}
	if s.relay != nil {
		s.relay.close(ctx)
		if s.relay.dropped > 0 {
			s.log.Warn().Msgf("dropped %d pieces of event listener output the container's stdout did not take", s.relay.dropped)
		}
	}
	for _, g := range s.groups {
		s.removeGroupEvents(g)
		for _, p := range g.procs {
			if p.stdout != nil {
				p.stdout.Close()
			}
			if p.stderr != nil {
				p.stderr.Close()
			}
		}
	}
	if s.mainLog != nil {
		s.mainLog.Close()
	}
	// What is queued takes milliseconds to write unless the reader is
	// stuck; a stuck stream is given up, and Close says so on stderr.
	const streamFlush = time.Second
	flushCtx, cancelFlush := context.WithTimeout(context.Background(), streamFlush)
	defer cancelFlush()
	s.mux.Close(flushCtx)
}

// onOrphan runs on the reaper's goroutine for every reaped process that
// was not one of ours; it wakes the loop, which may be waiting for the
// last descendants to go.
func (s *Supervisor) onOrphan(pid int, ws syscall.WaitStatus) {
	_, how := program.DecodeWaitStatus(ws)
	s.log.Debug().Msgf("reaped unknown pid %d (%s)", pid, how)
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// setConfig makes cfg the config of reloadConfig's view and ActiveConfig.
func (s *Supervisor) setConfig(cfg *config.Config) {
	s.parsed = cfg
	s.active.Store(cfg)
}

// reread loads the config again from ConfigPath, with the main command.
func (s *Supervisor) reread() (*config.Config, error) {
	if s.opts.ConfigPath == "" {
		return nil, fmt.Errorf("cannot reread the config: supinit was started without a config file")
	}
	load := s.opts.Load
	if load == nil {
		load = config.Load
	}
	cfg, err := load(s.opts.ConfigPath, s.opts.LoadOptions)
	if err != nil {
		return nil, err
	}
	if len(s.opts.Main) > 0 {
		return WithMain(cfg, s.opts.Main)
	}
	return cfg, nil
}

// serverURL is SUPERVISOR_SERVER_URL for the programs, as supervisord
// makes it: the unix socket first, else the inet server.
func serverURL(cfg *config.Config) string {
	switch {
	case cfg.UnixHTTPServer != nil:
		return "unix://" + cfg.UnixHTTPServer.File
	case cfg.InetHTTPServer != nil:
		host := cfg.InetHTTPServer.Host
		if host == "" {
			host = "localhost"
		}
		return fmt.Sprintf("http://%s:%d", host, cfg.InetHTTPServer.Port)
	}
	return ""
}

// realHost forks through the reaper and signals with kill(2).
type realHost struct {
	r    *reaper.Reaper
	opts program.SpawnOptions
}

func (h *realHost) spawn(p *config.Program) (*program.Process, error) {
	return program.Spawn(h.r, p, h.opts)
}

func (h *realHost) kill(pid int, sig syscall.Signal, group bool) error {
	return program.SendSignal(pid, sig, group)
}

func (h *realHost) signalDescendants(sig syscall.Signal) error {
	return reaper.SignalDescendants(sig)
}

func (h *realHost) childrenLeft() bool { return h.r.ChildrenLeft() }
