#!/usr/bin/python3
"""Drives hvrun on a pseudo-terminal, as a user at a terminal would.

usage: hvrun_pty.py HVRUN GUESTDIR

Each scenario starts hvrun in a new session whose controlling terminal and
stdin/stdout are a fresh pty slave, talks to it through the master, and
checks the exit status, hvrun's stderr, that the terminal was raw while the
guest ran and that its settings afterwards equal those before. Prints one
line per scenario; exits 0 when all pass, 1 otherwise. Standard library
only.
"""
import fcntl
import os
import select
import signal
import subprocess
import sys
import tempfile
import termios
import time

ESCAPE = b"\x1d"  # Ctrl-]
TIMEOUT = 30      # seconds for any one wait


class Run:
    """One hvrun on its own pty."""

    def __init__(self, hvrun, args):
        self.master, self.slave = os.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.err = tempfile.TemporaryFile()
        self.out = b""
        slave = self.slave

        def setup():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([hvrun] + args, stdin=slave,
                                     stdout=slave, stderr=self.err,
                                     preexec_fn=setup, close_fds=True)

    def read(self, secs):
        r, _, _ = select.select([self.master], [], [], secs)
        if r:
            try:
                self.out += os.read(self.master, 65536)
            except OSError:
                pass

    def wait_for(self, text):
        deadline = time.monotonic() + TIMEOUT
        while text not in self.out:
            if self.proc.poll() is not None:
                self.read(0.2)
                if text in self.out:
                    return
                raise Failure("hvrun exited (%d) before %r appeared"
                              % (self.proc.returncode, text))
            if time.monotonic() > deadline:
                raise Failure("%r did not appear" % text)
            self.read(0.1)

    def type(self, data):
        os.write(self.master, data)

    def raw_now(self):
        lflag = termios.tcgetattr(self.slave)[3]
        return not lflag & (termios.ICANON | termios.ECHO | termios.ISIG)

    def finish(self, want):
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure("hvrun still running 10 s later")
        self.read(0.1)
        self.err.seek(0)
        self.stderr = self.err.read().decode(errors="replace")
        if "Sanitizer" in self.stderr or "runtime error:" in self.stderr:
            raise Failure("sanitizer report:\n" + self.stderr)
        if rc != want:
            raise Failure("exit %d, want %d; stderr: %s"
                          % (rc, want, self.stderr.strip()))
        if termios.tcgetattr(self.slave) != self.before:
            raise Failure("terminal settings not restored")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)
        self.err.close()


class Failure(Exception):
    pass


def escape_quits(run):
    run.wait_for(b"spinning")
    if not run.raw_now():
        raise Failure("terminal not in raw mode while the guest runs")
    run.type(ESCAPE)
    run.finish(130)
    if "escape key" not in run.stderr:
        raise Failure("no 'escape key' message: " + run.stderr.strip())


def typing_reaches_guest(run):
    run.wait_for(b"echo: ready")
    # Ctrl-C is a byte for the guest on a raw terminal, not a signal.
    run.type(b"hello\x03")
    run.wait_for(b"HELLO\x03")
    run.type(b" world")
    run.wait_for(b"HELLO\x03 WORLD")
    run.type(b"q")
    run.finish(0)
    if b"PASS echo" not in run.out:
        raise Failure("no PASS line: %r" % run.out[-200:])
    if b"echo: 12 bytes" not in run.out:
        raise Failure("wrong byte count: %r" % run.out[-200:])


def escape_mid_input(run):
    run.wait_for(b"echo: ready")
    run.type(b"ab" + ESCAPE + b"cdq")
    run.finish(130)
    if b"CD" in run.out or b"PASS echo" in run.out:
        raise Failure("input after the escape key reached the guest")


def sigterm_restores(run):
    run.wait_for(b"spinning")
    run.proc.send_signal(signal.SIGTERM)
    run.finish(143)


SCENARIOS = [
    ("escape-loop", "spin", [], escape_quits),
    ("escape-wfi", "spin", ["--cmdline", "mode=wfi"], escape_quits),
    ("escape-4-vcpus", "spin", ["--vcpus", "4"], escape_quits),
    ("tty-typing", "echo", [], typing_reaches_guest),
    ("escape-mid-input", "echo", [], escape_mid_input),
    ("sigterm-on-tty", "spin", [], sigterm_restores),
]


def main():
    hvrun, guestdir = sys.argv[1], sys.argv[2]
    failed = 0
    for name, guest, args, fn in SCENARIOS:
        run = Run(hvrun, [os.path.join(guestdir, guest + ".elf")] + args)
        try:
            fn(run)
            print("%-20s ok" % name)
        except Failure as e:
            print("%-20s FAIL: %s" % (name, e))
            failed = 1
        finally:
            run.close()
    return failed


if __name__ == "__main__":
    sys.exit(main())
