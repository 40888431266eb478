#!/usr/bin/python3
"""Print supervisord 4.2.5's reading of a config file as JSON.

Usage: /usr/bin/python3 supervisord_json.py FILE

It parses FILE the way `supervisord -c FILE` does at start-up (the
options, not the start): ServerOptions.realize. The output has the shape
of `supinit check --json`. On a config error it prints
{"error": "<supervisord's message>"} and exits 2.

The third-party result handler supervisor_stdout is taken as installed.
"""
import io
import json
import os
import sys
import types

from supervisor import datatypes, options
from supervisor.events import getEventNameByType
from supervisor.loggers import LevelsByDescription

# supervisor_stdout is taken as installed.
_stdout_mod = types.ModuleType("supervisor_stdout")
_stdout_mod.event_handler = lambda event, response: None
sys.modules["supervisor_stdout"] = _stdout_mod


class UID(int):
    """A uid that remembers the user= text it came from."""


def _name_to_uid(name):
    uid = UID(datatypes.name_to_uid(name))
    uid.name = name
    return uid


options.name_to_uid = _name_to_uid

# read_config merges [supervisord] environment into every process's
# environment after process_groups_from_parser; supinit's model keeps the
# program's own, so keep a copy from before the merge.
_groups_from_parser = options.ServerOptions.process_groups_from_parser


def _keep_own_environment(self, parser):
    groups = _groups_from_parser(self, parser)
    for group in groups:
        for pc in group.process_configs:
            pc.own_environment = dict(pc.environment or {})
    return groups


options.ServerOptions.process_groups_from_parser = _keep_own_environment


def logfile(value):
    if value is None:
        return "NONE"
    if value is datatypes.Automatic:
        return "AUTO"
    if value is datatypes.Syslog:
        return "SYSLOG"
    return value


def autorestart(value):
    if value is datatypes.RestartUnconditionally:
        return "true"
    if value is datatypes.RestartWhenExitUnexpected:
        return "unexpected"
    return "false"


def signame(num):
    import signal
    try:
        return signal.Signals(num).name[3:]
    except ValueError:
        return str(num)


def level_name(num):
    for name in ("critical", "error", "warn", "info", "debug", "trace", "blather"):
        if getattr(LevelsByDescription, name) == num:
            return name
    return str(num)


def process(group, pc):
    uid = pc.uid
    return {
        "group": group.name,
        "name": pc.name,
        "command": pc.command,
        "argv": None,  # filled by the caller with shlex.split, as spawn does
        "priority": pc.priority,
        "autostart": pc.autostart,
        "autorestart": autorestart(pc.autorestart),
        "startsecs": pc.startsecs,
        "startretries": pc.startretries,
        "exitcodes": list(pc.exitcodes),
        "stopsignal": signame(pc.stopsignal),
        "stopwaitsecs": pc.stopwaitsecs,
        "stopasgroup": pc.stopasgroup,
        "killasgroup": pc.killasgroup,
        "user": getattr(uid, "name", None) if uid is not None else None,
        "directory": pc.directory,
        "umask": pc.umask,
        "redirect_stderr": pc.redirect_stderr,
        "stdout_logfile": logfile(pc.stdout_logfile),
        "stderr_logfile": logfile(pc.stderr_logfile),
        "stdout_logfile_maxbytes": pc.stdout_logfile_maxbytes,
        "stderr_logfile_maxbytes": pc.stderr_logfile_maxbytes,
        "stdout_logfile_backups": pc.stdout_logfile_backups,
        "stderr_logfile_backups": pc.stderr_logfile_backups,
        "environment": pc.own_environment,
        "critical": False,
    }


def main():
    import shlex
    path = sys.argv[1]
    opts = options.ServerOptions()
    opts.stderr = io.StringIO()
    opts.stdout = io.StringIO()
    try:
        opts.realize(args=["-c", path])
    except SystemExit:
        msg = opts.stderr.getvalue().strip().splitlines()
        text = msg[0] if msg else "error"
        if text.startswith("Error: "):
            text = text[len("Error: "):]
        print(json.dumps({"error": text}))
        sys.exit(2)
    sd = opts.configroot.supervisord
    out = {
        "supervisord": {
            "logfile": opts.logfile,
            "logfile_maxbytes": sd.logfile_maxbytes,
            "logfile_backups": sd.logfile_backups,
            "loglevel": level_name(sd.loglevel),
            "pidfile": opts.pidfile,
            "umask": sd.umask,
            "nodaemon": sd.nodaemon,
            "silent": sd.silent,
            "minfds": sd.minfds,
            "minprocs": sd.minprocs,
            "nocleanup": sd.nocleanup,
            "childlogdir": sd.childlogdir,
            "user": sd.user,
            "directory": sd.directory,
            "strip_ansi": sd.strip_ansi,
            "environment": dict(sd.environment),
            "identifier": sd.identifier,
            "log_prefix": False,
        },
        "programs": [],
        "eventlisteners": [],
        "groups": [],
    }
    for group in sorted(opts.process_group_configs):
        kind = type(group).__name__
        out["groups"].append({
            "name": group.name,
            "priority": group.priority,
            "programs": [pc.name for pc in group.process_configs],
        })
        for pc in group.process_configs:
            entry = process(group, pc)
            try:
                entry["argv"] = shlex.split(pc.command)
            except ValueError:
                entry["argv"] = []
            if kind == "EventListenerPoolConfig":
                entry["events"] = sorted(getEventNameByType(e) for e in group.pool_events)
                entry["buffer_size"] = group.buffer_size
                out["eventlisteners"].append(entry)
            else:
                out["programs"].append(entry)
    for key in ("programs", "eventlisteners"):
        out[key].sort(key=lambda e: (e["group"], e["name"]))
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
