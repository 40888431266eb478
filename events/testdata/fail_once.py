#!/usr/bin/env python3
"""Event listener that answers FAIL the first time it sees each event.

A redelivered event keeps its serial, so the second delivery of a serial
is answered OK. Every delivery is appended as one JSON line to the file
named by argv[1] (or to stderr), with the header fields, the payload and
the answer given.
"""
import json
import sys


def write_stdout(s):
    sys.stdout.write(s)
    sys.stdout.flush()


def main():
    out = open(sys.argv[1], "a") if len(sys.argv) > 1 else sys.stderr
    seen = set()
    while True:
        write_stdout("READY\n")
        line = sys.stdin.readline()
        if not line:
            return
        headers = dict([x.split(":", 1) for x in line.split()])
        payload = sys.stdin.read(int(headers["len"]))
        answer = "OK" if headers["serial"] in seen else "FAIL"
        seen.add(headers["serial"])
        out.write(json.dumps({"headers": headers, "payload": payload, "result": answer}) + "\n")
        out.flush()
        write_stdout("RESULT %d\n%s" % (len(answer), answer))


if __name__ == "__main__":
    main()
