package program

import (
	"fmt"
	"time"
)

// Info is the getProcessInfo snapshot of the machine at now. The log file
// names are left empty: the supervisor, which owns the log channels,
// fills them in.
func (m *Machine) Info(now time.Time) Info {
	info := Info{
		Name:       m.prog.Name,
		Group:      m.prog.Group,
		Start:      unixOrZero(m.laststart),
		Stop:       unixOrZero(m.laststop),
		Now:        now.Unix(),
		State:      m.state,
		SpawnErr:   m.spawnErr,
		ExitStatus: m.exitStatus, // 0 when supervisord's exitstatus is None
		Pid:        m.pid,
	}
	if !m.hasExit {
		info.ExitStatus = 0
	}
	info.Description = Describe(info, time.Local)
	return info
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Describe is supervisord's _interpretProcessInfo: the description column
// of `supervisorctl status`, from the Unix-second fields of info. Stop
// times are shown in loc.
func Describe(info Info, loc *time.Location) string {
	switch info.State {
	case Running:
		up := info.Now - info.Start
		if up < 0 {
			up = 0 // the clock went back
		}
		return fmt.Sprintf("pid %d, uptime %s", info.Pid, FormatUptime(up))
	case Backoff, Fatal:
		if info.SpawnErr != "" {
			return info.SpawnErr
		}
		return fmt.Sprintf("unknown error (try \"tail %s\")", info.Name)
	case Stopped, Exited:
		if info.Start == 0 {
			return "Not started"
		}
		return time.Unix(info.Stop, 0).In(loc).Format("Jan 02 03:04 PM")
	}
	return ""
}

// FormatUptime writes seconds as Python's str(timedelta): "0:00:05",
// "12:03:04", "1 day, 2:03:04", "3 days, 0:00:00".
func FormatUptime(secs int64) string {
	days := secs / 86400
	secs %= 86400
	hms := fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	switch days {
	case 0:
		return hms
	case 1:
		return "1 day, " + hms
	}
	return fmt.Sprintf("%d days, %s", days, hms)
}
