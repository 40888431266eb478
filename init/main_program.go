package supervisor

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/supinit/supinit/config"
)

// MainName is the name of the program WithMain adds.
const MainName = "main"

// mainPriority is the priority the main command shows (getAllConfigInfo):
// the largest an XML-RPC int can carry. Its place in the start and stop
// order does not rest on it: sortedGroups puts main last whatever the
// config's priorities, which may be larger still.
const mainPriority = math.MaxInt32

// WithMain returns a copy of cfg with argv added as the critical program
// "main" (`supinit -c FILE -- CMD ARGS`): autorestart=false, startsecs=0,
// exitcodes=0, its output on the container's stdout and stderr. It starts
// after every other program and stops first (see sortedGroups). The
// container then lives as long as CMD and exits with its code. cfg
// itself is not changed.
//
// Its config is the same after every reread, so the main command is
// never restarted by one (and reload leaves it out of the difference).
func WithMain(cfg *config.Config, argv []string) (*config.Config, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("cannot add the main command: it is empty")
	}
	if findGroup(cfg, MainName) != nil {
		return nil, fmt.Errorf("cannot add the main command: the config already has a group named %q", MainName)
	}
	p := &config.Program{
		Kind:          config.KindProgram,
		Section:       "program:" + MainName,
		ProgramName:   MainName,
		Group:         MainName,
		Name:          MainName,
		Numprocs:      1,
		Command:       strings.Join(argv, " "),
		Argv:          slices.Clone(argv),
		Priority:      mainPriority,
		GroupPriority: mainPriority,
		Autostart:     true,
		Autorestart:   config.AutorestartFalse,
		Startsecs:     0,
		Startretries:  0,
		Exitcodes:     []int{0},
		Stopsignal:    syscall.SIGTERM,
		Stopwaitsecs:  10 * time.Second,
		Stdout:        config.LogConfig{Logfile: "/dev/stdout"},
		Stderr:        config.LogConfig{Logfile: "/dev/stderr"},
		Serverurl:     "AUTO",
		Critical:      true,
	}
	out := *cfg
	out.Programs = append(slices.Clone(cfg.Programs), p)
	// Keep the model's (Group, Name) order.
	slices.SortStableFunc(out.Programs, func(a, b *config.Program) int {
		if c := strings.Compare(a.Group, b.Group); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	out.Groups = append(slices.Clone(cfg.Groups), &config.Group{
		Name: MainName, Kind: config.KindProgram, Priority: mainPriority, Processes: []string{MainName},
	})
	return &out, nil
}
