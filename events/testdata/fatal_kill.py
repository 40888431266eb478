#!/usr/bin/env python3
"""Event listener that stops the supervisor when a program goes FATAL.

Like the corpus's "kill supervisord on fatal" scripts: subscribe it to
PROCESS_STATE_FATAL (or PROCESS_STATE), and on a PROCESS_STATE_FATAL event
it sends SIGTERM to its parent, the supervisor (SIGQUIT with argv[1] ==
"QUIT"). Other events are acknowledged and ignored.
"""
import os
import signal
import sys


def write_stdout(s):
    sys.stdout.write(s)
    sys.stdout.flush()


def write_stderr(s):
    sys.stderr.write(s)
    sys.stderr.flush()


def main():
    sig = signal.SIGQUIT if sys.argv[1:] == ["QUIT"] else signal.SIGTERM
    while True:
        write_stdout("READY\n")
        line = sys.stdin.readline()
        if not line:
            return
        headers = dict([x.split(":", 1) for x in line.split()])
        payload = sys.stdin.read(int(headers["len"]))
        if headers["eventname"] == "PROCESS_STATE_FATAL":
            write_stderr("%s went FATAL, stopping the supervisor\n" % payload)
            os.kill(os.getppid(), sig)
        write_stdout("RESULT 2\nOK")


if __name__ == "__main__":
    main()
