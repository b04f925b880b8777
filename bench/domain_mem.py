#!/usr/bin/env python3
"""bench/domain_mem.py BUILD [RUNS]: the memory a domain process holds
beyond guest RAM, hv's hvdomain beside QEMU 7.2, same guests, same
machine, same run. Prints a table of medians; asserts nothing.

Guests: the Debian guest idle at its shell with 1 and 8 vCPUs, and the
dirtier rewriting 256 MiB, each with 1 GiB of RAM. Both VMMs keep guest
RAM in a memfd (hv always; QEMU with memory-backend-memfd), so the
kernel counts it as RssShmem, and

    own memory = VmRSS - RssShmem

is everything else the process holds resident: its heap (hv: per-page
flags and decoded-code slots, vCPU state; QEMU: TCG's translation
cache and its structures), thread stacks, and the pages of its binary and
libraries. Measured once the guest is at its prompt / past tick 20.
"""
import os
import statistics
import subprocess
import sys
import tempfile

from save import start_domain, wait_output

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build/rel"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
HVDOMAIN = os.path.join(BUILD, "bin/hvdomain")
HVDOMCTL = os.path.join(BUILD, "bin/hvdomctl")
G = "build/guests"
DEB = G + "/debian/vmlinux"
DEB_INITRD = G + "/debian/initrd.cpio.gz"
DEB_CMD = "console=ttyS0 quiet panic=-1 hv.mode=shell"
DIRTIER_CMD = "ws=256M ticks=0 tick_ms=50 pattern=dense"

GUESTS = [
    ("Debian shell, 1 vCPU", 1, dict(
        hv=["--kernel", DEB, "--initrd", DEB_INITRD, "--cmdline", DEB_CMD],
        qemu=["-kernel", DEB, "-initrd", DEB_INITRD, "-append", DEB_CMD],
        ready=b"debian-hv# ")),
    ("Debian shell, 8 vCPUs", 8, dict(
        hv=["--kernel", DEB, "--initrd", DEB_INITRD, "--cmdline", DEB_CMD],
        qemu=["-kernel", DEB, "-initrd", DEB_INITRD, "-append", DEB_CMD],
        ready=b"debian-hv# ")),
    ("dirtier 256 MiB, 1 vCPU", 1, dict(
        hv=["--kernel", G + "/dirtier.elf", "--cmdline", DIRTIER_CMD],
        qemu=["-kernel", G + "/dirtier.elf", "-append", DIRTIER_CMD],
        ready=b"tick 20 ")),
]


def own_memory(pid):
    """(VmRSS, RssShmem) of pid in KiB."""
    vals = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssShmem"):
                vals[k] = int(v.split()[0])
    return vals["VmRSS"], vals["RssShmem"]


def hv_run(vcpus, guest, tmp):
    sock = os.path.join(tmp, "dom.sock")
    d, c = start_domain(HVDOMAIN, HVDOMCTL, sock,
                        ["--vcpus", str(vcpus), "--memory", "1G"] + guest["hv"])
    try:
        wait_output(c, guest["ready"])
        return own_memory(d.pid)
    finally:
        d.kill()
        d.wait()
        c.kill()
        c.wait()


def qemu_run(vcpus, guest):
    p = subprocess.Popen(
        ["qemu-system-riscv64", "-M", "virt,memory-backend=ram",
         "-object", "memory-backend-memfd,id=ram,size=1G", "-m", "1G",
         "-smp", str(vcpus), "-nographic", "-no-reboot", "-bios", "default"]
        + guest["qemu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    try:
        wait_output(p, guest["ready"])
        return own_memory(p.pid)
    finally:
        p.kill()
        p.wait()


def main():
    print("domain process memory beyond guest RAM (VmRSS - RssShmem), "
          "1 GiB guests, median of %d runs; host load %s"
          % (RUNS, open("/proc/loadavg").read().split()[0]))
    print("| guest | VMM | own memory | VmRSS | guest RAM resident |")
    print("|---|---|---:|---:|---:|")
    for name, vcpus, guest in GUESTS:
        for who in ("hv", "QEMU"):
            res = []
            for _ in range(RUNS):
                with tempfile.TemporaryDirectory() as tmp:
                    res.append(hv_run(vcpus, guest, tmp) if who == "hv"
                               else qemu_run(vcpus, guest))
            rss = statistics.median(x[0] for x in res)
            shm = statistics.median(x[1] for x in res)
            own = statistics.median(x[0] - x[1] for x in res)
            print("| %s | %s | %.1f MiB | %.1f MiB | %.1f MiB |"
                  % (name, who, own / 1024, rss / 1024, shm / 1024))


if __name__ == "__main__":
    main()
