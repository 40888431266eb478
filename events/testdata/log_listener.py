#!/usr/bin/env python3
"""Event listener that records every event it gets and answers OK.

Written the way the listeners in the corpus are: READY on stdout, read one
header line and len bytes of payload from stdin, answer RESULT 2\\nOK.
Each event is appended as one JSON line to the file named by argv[1] (or
to stderr: stdout belongs to the protocol), with the header fields and
the payload.
"""
import json
import sys


def write_stdout(s):
    # only eventlistener protocol messages may be sent to stdout
    sys.stdout.write(s)
    sys.stdout.flush()


def main():
    out = open(sys.argv[1], "a") if len(sys.argv) > 1 else sys.stderr
    while True:
        write_stdout("READY\n")
        line = sys.stdin.readline()
        if not line:
            return  # supervisor closed our stdin
        headers = dict([x.split(":", 1) for x in line.split()])
        payload = sys.stdin.read(int(headers["len"]))
        out.write(json.dumps({"headers": headers, "payload": payload}) + "\n")
        out.flush()
        write_stdout("RESULT 2\nOK")


if __name__ == "__main__":
    main()
