#!/bin/sh
# The Debian guest's scripted workload: floating point (awk), hashing,
# sorting, process creation and /proc reads. Its output must be the same on
# every run and under every correct RV64GC machine with the same -m and
# -smp: no times, no PIDs, no addresses, nothing that depends on what the
# firmware reserves or which ISA extensions beyond RV64GC the CPU offers.
# Lines between "HV-WORKLOAD BEGIN" and "WORKLOAD DONE" are compared.

echo "HV-WORKLOAD BEGIN"

echo "== awk floating point"
awk 'BEGIN {
	# Leibniz series for pi, harmonic numbers, Newton square roots.
	s = 0
	for (i = 0; i < 20000; i++)
		s += (i % 2 ? -4 : 4) / (2 * i + 1)
	printf "leibniz   %.15f\n", s
	h = 0
	for (i = 1; i <= 20000; i++)
		h += 1 / i
	printf "harmonic  %.15f\n", h
	for (n = 2; n <= 10; n++) {
		x = n
		for (k = 0; k < 30; k++)
			x = (x + n / x) / 2
		printf "sqrt(%2d)  %.15f\n", n, x
	}
	# e by its series, a compound rate, a logistic map (chaotic: any
	# rounding difference shows within a few dozen steps).
	e = 1; t = 1
	for (i = 1; i < 25; i++) { t /= i; e += t }
	printf "e         %.15f\n", e
	m = 1000
	for (i = 0; i < 360; i++)
		m *= 1 + 0.05 / 12
	printf "compound  %.10f\n", m
	x = 0.123456789
	for (i = 0; i < 1000; i++)
		x = 3.99 * x * (1 - x)
	printf "logistic  %.17g\n", x
	printf "extremes  %.6e %.6e %.6e\n", 1e-300 * 1e-10, 1e308 * 10, -1e308 * 10
	# Conversions to integer, in and out of range (RISC-V saturates).
	printf "convert   %d %d %d %d %x %x\n", int(3.7), int(-3.7), 1e30, -1e30,
		3000000000, 2147483647.5
}' 2>&1
# A small Mandelbrot set: multiply-adds and compares on every pixel.
awk 'BEGIN {
	for (y = -1.2; y <= 1.2001; y += 0.15) {
		line = ""
		for (x = -2.1; x <= 0.6001; x += 0.05) {
			zr = 0; zi = 0
			for (n = 0; n < 40 && zr * zr + zi * zi < 4; n++) {
				t = zr * zr - zi * zi + x
				zi = 2 * zr * zi + y
				zr = t
			}
			line = line substr(" .:-=+*#%@", n % 10 + 1, 1)
		}
		print line
	}
}'

echo "== sha256sum"
seq 1 20000 | sha256sum
dd if=/dev/zero bs=65536 count=64 2>/dev/null | sha256sum
# 136 KiB of a linear congruential generator's bytes.
awk 'BEGIN {
	x = 12345
	for (i = 0; i < 8192; i++) {
		x = (x * 1664525 + 1013904223) % 4294967296
		printf "%08x%08x\n", int(x / 2), int(x / 7)
	}
}' >/tmp/lcg
wc -c </tmp/lcg
sha256sum </tmp/lcg
md5sum </tmp/lcg

echo "== sort"
awk '{ print substr($0, 3, 6), NR }' /tmp/lcg >/tmp/lines
sort /tmp/lines >/tmp/sorted
head -3 /tmp/sorted
tail -3 /tmp/sorted
sha256sum </tmp/sorted
sort -r -k2,2n /tmp/lines | head -2
sort -u -k1,1 /tmp/lines | wc -l
cut -c1-2 /tmp/lines | sort | uniq -c | sort -k1,1nr -k2 | head -3

echo "== processes"
n=0
i=0
while [ $i -lt 100 ]; do
	/bin/true && n=$((n + 1))
	i=$((i + 1))
done
echo "exec of true: $n"
n=0
i=0
while [ $i -lt 100 ]; do
	( exit 3 )
	[ $? = 3 ] && n=$((n + 1))
	i=$((i + 1))
done
echo "subshells: $n"
n=$(i=0; while [ $i -lt 50 ]; do echo $i | cat | wc -l; i=$((i + 1)); done |
	awk '{ s += $1 } END { print s }')
echo "pipelines: $n"
# Parallel jobs (one per CPU and one more), results read back in order.
cpus=$(grep -c '^processor' /proc/cpuinfo)
j=0
while [ $j -le $cpus ]; do
	(
		awk -v s=$j 'BEGIN { x = s + 1
			for (i = 0; i < 4000; i++) {
				x = (x * 69069 + 1) % 4294967296; print x } }' |
			sort -n | sha256sum >/tmp/job.$j
	) &
	j=$((j + 1))
done
wait
j=0
while [ $j -le $cpus ]; do
	echo "job $j: $(cat /tmp/job.$j)"
	j=$((j + 1))
done

echo "== /proc and /sys"
echo "processors: $cpus"
echo "harts: $(sed -n 's/^hart[[:space:]]*: //p' /proc/cpuinfo | sort -n |
	tr '\n' ' ')"
echo "online: $(cat /sys/devices/system/cpu/online)"
echo "possible: $(cat /sys/devices/system/cpu/possible)"
echo "ostype: $(cat /proc/sys/kernel/ostype)"
echo "osrelease: $(cat /proc/sys/kernel/osrelease)"
echo "cmdline: $(cat /proc/cmdline)"
echo "mounts: $(awk '{ print $2 ":" $3 }' /proc/mounts | tr '\n' ' ')"
echo "self: $(sed -n 's/^\(Name\|State\|Threads\):[[:space:]]*/\1=/p' \
	/proc/self/status | tr '\n' ' ')"
echo "meminfo fields: $(cut -d: -f1 /proc/meminfo | sha256sum | cut -c1-16)"
echo "uname: $(uname -s -r -m)"

echo "WORKLOAD DONE"
