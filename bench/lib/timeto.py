#!/usr/bin/env python3
"""Prints the seconds from starting a command until PATTERN first appears in
its output (stdout and stderr merged), or until its first byte when PATTERN
is empty, then kills the command's process group.

usage: timeto.py [--timeout S] PATTERN -- COMMAND...
Exit status 0 when the pattern was seen, 1 otherwise."""
import os
import select
import signal
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    timeout = 120.0
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    if len(args) < 3 or args[1] != "--":
        sys.exit(__doc__)
    pattern = args[0].encode()
    cmd = args[2:]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    seen = b""
    found = None
    fd = proc.stdout.fileno()
    while found is None:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if not pattern or pattern in seen:
            found = time.monotonic() - start
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    if found is None:
        sys.stderr.write("timeto: %r not seen in %.0f s\n"
                         % (pattern.decode(), timeout))
        sys.exit(1)
    print("%.4f" % found)


if __name__ == "__main__":
    main()
