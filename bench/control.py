#!/usr/bin/env python3
"""bench/control.py BUILD [RUNS]: hvd's control plane beside QEMU.

1. Control round trip: one client connection to hvd, `list` requests
   answered one at a time (hvd with 1 and with 20 domains), p50 / p99 /
   max; beside QMP's query-status round trip on one QEMU.
2. Start to first console byte: `hvctl create` of the hello guest (from
   the command to its first byte on `hvctl console`), beside starting
   `qemu-system-riscv64` with the same guest (to its first byte on
   stdout). Medians of RUNS. Prints tables; asserts nothing.
"""
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build/rel"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
HVD = os.path.join(BUILD, "bin/hvd")
HVCTL = os.path.abspath(os.path.join(BUILD, "bin/hvctl"))
G = os.path.abspath("build/guests")
N_RT = 2000


def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | 0x80]) if n else bytes([b])
        if not n:
            return out


def field(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def rec(msg):
    return struct.pack("<I", len(msg)) + msg


def start_hvd(tmp):
    r, w = os.pipe()
    sock = os.path.join(tmp, "hvd.sock")
    p = subprocess.Popen([HVD, "--name", "bench", "--state-dir",
                          os.path.join(tmp, "state"), "--control", sock,
                          "--ready-fd", str(w), "-q"], pass_fds=(w,))
    os.close(w)
    assert os.read(r, 6) == b"ready\n"
    os.close(r)
    return p, sock


def percentiles(xs):
    xs = sorted(xs)
    return (statistics.median(xs), xs[int(len(xs) * 0.99)], xs[-1])


def hvd_round_trips(sock):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sock)
    s.send(rec(field(1, bytes([8, 1, 16, 1]))))
    s.recv(4096)
    out = []
    for i in range(1, N_RT + 1):
        msg = rec(field(2, bytes([8]) + varint(i) + field(10, b"")))
        t0 = time.perf_counter()
        s.send(msg)
        s.recv(300000)
        out.append(time.perf_counter() - t0)
    s.close()
    return percentiles(out)


def qmp_round_trips(tmp):
    qmp = os.path.join(tmp, "qmp.sock")
    p = subprocess.Popen(["qemu-system-riscv64", "-M", "virt", "-m", "64M",
                          "-nographic", "-bios", "default", "-kernel",
                          G + "/spin.elf", "-qmp",
                          "unix:%s,server,wait=off" % qmp],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    for _ in range(2000):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(qmp)
            break
        except OSError:
            time.sleep(0.005)
    f = s.makefile("rwb")
    f.readline()

    def cmd(name):
        f.write(json.dumps({"execute": name}).encode() + b"\n")
        f.flush()
        while True:
            m = json.loads(f.readline())
            if "event" not in m:
                return m
    cmd("qmp_capabilities")
    out = []
    for _ in range(N_RT):
        t0 = time.perf_counter()
        cmd("query-status")
        out.append(time.perf_counter() - t0)
    p.kill()
    p.wait()
    return percentiles(out)


def first_byte(p):
    """Seconds until p's stdout gives its first byte."""
    t0 = time.perf_counter()
    p.stdout.read(1)
    return time.perf_counter() - t0


def hv_start(sock, tmp, i):
    cfg = os.path.join(tmp, "hello%d.cfg" % i)
    with open(cfg, "w") as f:
        f.write('name = "hello%d"\nmemory = 64\nkernel = "%s/hello.elf"\n'
                'on_poweroff = "preserve"\n' % (i, G))
    env = dict(os.environ, HV_CONTROL=sock)
    t0 = time.perf_counter()
    subprocess.run([HVCTL, "create", cfg, "-p"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    c = subprocess.Popen([HVCTL, "console", "hello%d" % i], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    subprocess.run([HVCTL, "unpause", "hello%d" % i], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    c.stdout.read(1)
    t = time.perf_counter() - t0
    c.kill()
    c.wait()
    subprocess.run([HVCTL, "destroy", "hello%d" % i], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return t


def qemu_start():
    t0 = time.perf_counter()
    p = subprocess.Popen(["qemu-system-riscv64", "-M", "virt", "-m", "64M",
                          "-nographic", "-no-reboot", "-bios", "default",
                          "-kernel", G + "/hello.elf"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    p.stdout.read(1)
    t = time.perf_counter() - t0
    p.kill()
    p.wait()
    return t


def main():
    print("control plane, host load %s" % open("/proc/loadavg").read().split()[0])
    with tempfile.TemporaryDirectory() as tmp:
        hvd, sock = start_hvd(tmp)
        try:
            print("\n| round trip (%d requests) | p50 | p99 | max |" % N_RT)
            print("|---|---:|---:|---:|")
            r = hvd_round_trips(sock)
            print("| hvd `list`, 0 domains | %.1f µs | %.1f µs | %.1f µs |"
                  % tuple(x * 1e6 for x in r))
            env = dict(os.environ, HV_CONTROL=sock)
            for i in range(20):
                cfg = os.path.join(tmp, "d%d.cfg" % i)
                with open(cfg, "w") as f:
                    f.write('name = "d%d"\nmemory = 16\nkernel = "%s/spin.elf"'
                            '\n' % (i, G))
                subprocess.run([HVCTL, "create", cfg, "-p"], env=env,
                               check=True, stdout=subprocess.DEVNULL)
            r = hvd_round_trips(sock)
            print("| hvd `list`, 20 domains | %.1f µs | %.1f µs | %.1f µs |"
                  % tuple(x * 1e6 for x in r))
            r = qmp_round_trips(tmp)
            print("| QEMU QMP `query-status` | %.1f µs | %.1f µs | %.1f µs |"
                  % tuple(x * 1e6 for x in r))
            for i in range(20):
                subprocess.run([HVCTL, "destroy", "d%d" % i], env=env,
                               check=True, stdout=subprocess.DEVNULL)
            hv = [hv_start(sock, tmp, i) for i in range(RUNS)]
            qemu = [qemu_start() for _ in range(RUNS)]
            print("\n| start to first console byte (hello, median of %d) | |"
                  % RUNS)
            print("|---|---:|")
            print("| `hvctl create -p` + `console` + `unpause` | %.1f ms |"
                  % (statistics.median(hv) * 1e3))
            print("| `qemu-system-riscv64` (OpenSBI, then the guest) | "
                  "%.1f ms |" % (statistics.median(qemu) * 1e3))
        finally:
            hvd.terminate()
            hvd.wait()


if __name__ == "__main__":
    main()
