#!/usr/bin/python3
"""Drives `hvdomctl console` on a pseudo-terminal, as a user would.

usage: domctl_console_pty.py HVDOMCTL ECHO_SOCKET SPIN_SOCKET

ECHO_SOCKET is a running echo guest nobody has typed to, SPIN_SOCKET a
running spin guest. Each scenario attaches a console in a new session on a
fresh pty (hvrun_pty.Run), checks the terminal is raw while attached and
restored afterwards, and the exit status. Prints one line per scenario;
exits 0 when all pass, 1 otherwise. Standard library only.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hvrun_pty import ESCAPE, Failure, Run  # noqa: E402


def detach_keeps_guest(hvdomctl, echo, _spin):
    run = Run(hvdomctl, ["--socket", echo, "console", "--replay"])
    try:
        run.wait_for(b"echo: ready")
        if not run.raw_now():
            raise Failure("terminal not raw while attached")
        # Ctrl-C is a byte for the guest here, not a signal.
        run.type(b"hi\x03")
        run.wait_for(b"HI\x03")
        # Ctrl-] detaches: what comes before it reaches the guest, what
        # follows it never does.
        run.type(b"x" + ESCAPE + b"yz")
        run.finish(0)
        if "detached" not in run.stderr:
            raise Failure("no 'detached' message: " + run.stderr.strip())
    finally:
        run.close()
    # Attach again: the guest kept running and counts 4 bytes (h i ^C x).
    run = Run(hvdomctl, ["--socket", echo, "console", "--replay"])
    try:
        run.wait_for(b"HI\x03X")
        run.type(b"q")
        run.wait_for(b"PASS echo")
        run.finish(0)   # the guest powered off: the console ends by itself
        if b"echo: 4 bytes" not in run.out:
            raise Failure("wrong byte count: %r" % run.out[-200:])
        if b"YZ" in run.out:
            raise Failure("input after Ctrl-] reached the guest")
    finally:
        run.close()


def sigterm_restores(hvdomctl, _echo, spin):
    run = Run(hvdomctl, ["--socket", spin, "console", "--replay"])
    try:
        run.wait_for(b"spinning")
        if not run.raw_now():
            raise Failure("terminal not raw while attached")
        run.proc.send_signal(signal.SIGTERM)
        run.finish(128 + signal.SIGTERM)
    finally:
        run.close()


SCENARIOS = [
    ("tty-detach", detach_keeps_guest),
    ("tty-sigterm", sigterm_restores),
]


def main():
    hvdomctl, echo, spin = sys.argv[1:4]
    failed = 0
    for name, fn in SCENARIOS:
        try:
            fn(hvdomctl, echo, spin)
            print("%-20s ok" % name)
        except Failure as e:
            print("%-20s FAIL: %s" % (name, e))
            failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
