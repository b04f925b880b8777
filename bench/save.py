#!/usr/bin/env python3
"""bench/save.py BUILD [RUNS]: save and restore of a 1 GiB guest, idle (the
Debian guest at its shell) and busy (the dirtier rewriting 256 MiB), hv
two ways -- hvrun (--save-to / --restore, in-process) and dom0's path
(hvdomain, with hvdomctl save / restore through domctl and the foreign
mapping) -- beside QEMU 7.2 (migrate to a file through "exec:cat >
FILE", then -incoming "exec:cat FILE"), same guests, same machine, same
run. Prints a table of medians; asserts nothing.

save time: from the request (SIGUSR1 / the QMP migrate command) until the
file is complete (hvrun has exited / query-migrate says completed).
restore time: from starting the restoring process until the guest runs
again (hvrun: the first console output; hvdomctl restore: until it exits,
which it does once the domain is unpaused; QEMU: query-status
"running").
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build/rel"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
HVRUN = os.path.join(BUILD, "bin/hvrun")
HVDOMAIN = os.path.join(BUILD, "bin/hvdomain")
HVDOMCTL = os.path.join(BUILD, "bin/hvdomctl")
G = "build/guests"
MEM = "1G"
DEB = [G + "/debian/vmlinux"]
DEB_INITRD = G + "/debian/initrd.cpio.gz"
DEB_CMD = "console=ttyS0 quiet panic=-1 hv.mode=shell"
DIRTIER_CMD = "ws=256M ticks=0 tick_ms=50 pattern=dense"
QEMU = ["qemu-system-riscv64", "-M", "virt", "-nographic", "-no-reboot",
        "-bios", "default", "-m", MEM]

GUESTS = {
    "idle (Debian shell)": dict(
        hv=DEB + ["--initrd", DEB_INITRD, "--cmdline", DEB_CMD],
        qemu=["-kernel", DEB[0], "-initrd", DEB_INITRD, "-append", DEB_CMD],
        ready=b"debian-hv# "),
    "busy (dirtier 256 MiB)": dict(
        hv=[G + "/dirtier.elf", "--cmdline", DIRTIER_CMD],
        qemu=["-kernel", G + "/dirtier.elf", "-append", DIRTIER_CMD],
        ready=b"tick 20 "),
}


def wait_output(proc, pattern, timeout=300):
    seen = b""
    end = time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while pattern not in seen:
        if time.monotonic() > end or proc.poll() is not None:
            raise RuntimeError("%r not seen: %r" % (pattern, seen[-200:]))
        try:
            chunk = os.read(proc.stdout.fileno(), 65536)
        except BlockingIOError:
            time.sleep(0.002)
            continue
        seen += chunk


def hv_run(guest, tmp):
    sav = os.path.join(tmp, "hv.sav")
    p = subprocess.Popen([HVRUN, "--memory", MEM, "--save-to", sav] +
                         guest["hv"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_output(p, guest["ready"])
    t0 = time.monotonic()
    p.send_signal(signal.SIGUSR1)
    p.wait()
    save = time.monotonic() - t0
    size = os.path.getsize(sav)
    t0 = time.monotonic()
    r = subprocess.Popen([HVRUN, "--restore", sav], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(r.stdout.fileno(), False)
    while True:
        try:
            if os.read(r.stdout.fileno(), 1):
                break
        except BlockingIOError:
            if r.poll() is not None:
                raise RuntimeError("restore failed")
            if guest is GUESTS["idle (Debian shell)"] and \
                    time.monotonic() - t0 > 0:
                # An idle shell prints nothing: poke it.
                r.stdin.write(b"\n")
                r.stdin.flush()
            time.sleep(0.001)
    restore = time.monotonic() - t0
    r.kill()
    r.wait()
    os.unlink(sav)
    return save, restore, size


def start_domain(hvdomain, hvdomctl, sock, args):
    """A running hvdomain with ARGS on SOCK, once it said ready, and
    hvdomctl console --replay on it (stdout piped): (domain, console)."""
    r, w = os.pipe()
    d = subprocess.Popen([hvdomain, "--socket", sock, "--start",
                          "--ready-fd", str(w), "-q"] + args, pass_fds=(w,),
                         stderr=subprocess.DEVNULL)
    os.close(w)
    if os.read(r, 6) != b"ready\n":
        raise RuntimeError("hvdomain did not start")
    os.close(r)
    c = subprocess.Popen([hvdomctl, "--socket", sock, "console", "--replay"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    return d, c


def hvdomain_run(guest, tmp):
    sav = os.path.join(tmp, "dom.sav")
    sock = os.path.join(tmp, "dom.sock")
    sock2 = os.path.join(tmp, "dom2.sock")
    args = guest["hv"]
    d, c = start_domain(HVDOMAIN, HVDOMCTL, sock,
                        ["--memory", MEM, "--kernel", args[0]] + args[1:])
    wait_output(c, guest["ready"])
    t0 = time.monotonic()
    subprocess.run([HVDOMCTL, "-q", "--socket", sock, "save", sav],
                   check=True)
    save = time.monotonic() - t0
    d.wait()
    c.kill()
    c.wait()
    size = os.path.getsize(sav)
    t0 = time.monotonic()
    pid = subprocess.run([HVDOMCTL, "-q", "restore", sav, "--socket", sock2,
                          "--log", os.path.join(tmp, "dom2.log")],
                         check=True, stdout=subprocess.PIPE).stdout
    restore = time.monotonic() - t0
    os.kill(int(pid), signal.SIGKILL)
    os.unlink(sav)
    return save, restore, size


class Qmp:
    def __init__(self, path):
        for _ in range(2000):
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.005)
        self.f = self.s.makefile("rwb")
        self.recv()
        self.cmd("qmp_capabilities")

    def recv(self):
        while True:
            msg = json.loads(self.f.readline())
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args})
                     .encode() + b"\n")
        self.f.flush()
        return self.recv()


def qemu_run(guest, tmp):
    sav = os.path.join(tmp, "qemu.sav")
    qmp = os.path.join(tmp, "qmp.sock")
    p = subprocess.Popen(QEMU + guest["qemu"] + ["-qmp", "unix:%s,server,"
                         "wait=off" % qmp], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_output(p, guest["ready"])
    q = Qmp(qmp)
    q.cmd("migrate-set-parameters", **{"max-bandwidth": 1 << 40})
    t0 = time.monotonic()
    q.cmd("migrate", uri="exec:cat > %s" % sav)
    while q.cmd("query-migrate")["return"].get("status") not in (
            "completed", "failed"):
        time.sleep(0.002)
    save = time.monotonic() - t0
    p.kill()
    p.wait()
    size = os.path.getsize(sav)
    os.unlink(qmp)
    t0 = time.monotonic()
    r = subprocess.Popen(QEMU + guest["qemu"] + [
        "-incoming", "exec:cat %s" % sav,
        "-qmp", "unix:%s,server,wait=off" % qmp],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    q = Qmp(qmp)
    while q.cmd("query-status")["return"]["status"] != "running":
        time.sleep(0.002)
    restore = time.monotonic() - t0
    r.kill()
    r.wait()
    os.unlink(sav)
    os.unlink(qmp)
    return save, restore, size


def main():
    print("save/restore of a %s guest, median of %d runs; host %s, load %s"
          % (MEM, RUNS, os.uname().machine,
             open("/proc/loadavg").read().split()[0]))
    print("%-24s %-8s %10s %11s %12s" % ("guest", "", "save", "restore",
                                          "file"))
    with tempfile.TemporaryDirectory() as tmp:
        for name, guest in GUESTS.items():
            for who, fn in (("hvrun", hv_run),
                            ("hvdomain", hvdomain_run),
                            ("QEMU", qemu_run)):
                res = [fn(guest, tmp) for _ in range(RUNS)]
                s = statistics.median(r[0] for r in res)
                r = statistics.median(r[1] for r in res)
                z = statistics.median(r[2] for r in res)
                print("%-24s %-8s %7.0f ms %8.0f ms %8.1f MiB"
                      % (name, who, s * 1000, r * 1000, z / 2**20))


if __name__ == "__main__":
    main()
