#!/usr/bin/python3
"""Print supervisord 4.2.5's reading of a config file as JSON.

Usage: /usr/bin/python3 supervisord_json.py FILE

It parses FILE the way `supervisord -c FILE` does at start-up (the
options, not the start): ServerOptions.realize. The output has the shape
of `supinit check --json`, plus one key, "extra": every option that
contract leaves out (see extra() below; diff_extra_test.go renders the
same object from supinit's model). On a config error it prints
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


def _event_handler(event, response):
    pass


_event_handler.__module__ = "supervisor_stdout"
_event_handler.__name__ = _event_handler.__qualname__ = "event_handler"
_stdout_mod.event_handler = _event_handler
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


# ---------------------------------------------------------------------------
# "extra": the options the stable `check --json` contract leaves out.
#
#   processes        "group:name" -> the per-process options below
#   unix_http_server file, chmod, chown, username, password (or null)
#   inet_http_server host, port, username, password (or null)
#   supervisorctl    serverurl, username, password, prompt, history_file as
#                    supervisorctl reads them (null without the section,
#                    "rejected" when supervisorctl stops on it)
#   rpcinterfaces    name -> factory
#
# Normalised forms: a Python callable (result_handler, rpcinterface
# factory) as "module:qualname"; a user[:group] as [uid, gid] (gid -1
# when not given); an unset username/password/history_file as "";
# serverurl None (unset or AUTO) as "AUTO".

KINDS = {
    "ProcessConfig": "program",
    "EventListenerConfig": "eventlistener",
    "FastCGIProcessConfig": "fcgi-program",
}


def callable_name(obj):
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    return "%s:%s" % (obj.__module__, obj.__qualname__)


def ids(pair):
    return None if pair is None else [int(pair[0]), int(pair[1])]


def extra_process(group, pc):
    entry = {"kind": KINDS[type(pc).__name__],
             "serverurl": "AUTO" if pc.serverurl is None else pc.serverurl}
    for ch in ("stdout", "stderr"):
        for opt in ("capture_maxbytes", "events_enabled", "syslog"):
            key = "%s_%s" % (ch, opt)
            entry[key] = getattr(pc, key)
    if entry["kind"] == "eventlistener":
        entry["result_handler"] = callable_name(group.result_handler)
    if entry["kind"] == "fcgi-program":
        sock = group.socket_config
        unix = hasattr(sock, "path")  # UnixStreamSocketConfig
        entry["socket"] = sock.url
        entry["socket_backlog"] = sock.backlog
        entry["socket_owner"] = ids(sock.owner) if unix else None
        entry["socket_mode"] = sock.mode if unix else None
    return entry


def first_server(opts, family):
    for config in opts.server_configs:
        if config["family"] == family:
            return config
    return None


def supervisorctl(path):
    ctl = options.ClientOptions()
    ctl.stderr = io.StringIO()
    ctl.stdout = io.StringIO()
    try:
        ctl.realize(args=["-c", path])
    except SystemExit:
        if "does not include supervisorctl section" in ctl.stderr.getvalue():
            return None
        return "rejected"
    return {
        "serverurl": ctl.serverurl,
        "username": ctl.username or "",
        "password": ctl.password or "",
        "prompt": ctl.prompt,
        "history_file": ctl.history_file or "",
    }


def extra(opts, path):
    import socket
    out = {"processes": {}, "unix_http_server": None, "inet_http_server": None,
           "supervisorctl": supervisorctl(path), "rpcinterfaces": {}}
    for group in opts.process_group_configs:
        for pc in group.process_configs:
            out["processes"]["%s:%s" % (group.name, pc.name)] = extra_process(group, pc)
    unix = first_server(opts, socket.AF_UNIX)
    if unix is not None:
        out["unix_http_server"] = {
            "file": unix["file"], "chmod": unix["chmod"], "chown": ids(unix["chown"]),
            "username": unix["username"] or "", "password": unix["password"] or ""}
    inet = first_server(opts, socket.AF_INET)
    if inet is not None:
        out["inet_http_server"] = {
            "host": inet["host"], "port": inet["port"],
            "username": inet["username"] or "", "password": inet["password"] or ""}
    for name, factory, _kwargs in opts.rpcinterface_factories:
        out["rpcinterfaces"][name] = callable_name(factory)
    return out


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
    out["extra"] = extra(opts, path)
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
