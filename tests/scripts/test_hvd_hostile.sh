#!/bin/bash
# hvd's control socket under hostile input: short, oversized and
# mismatched records, protobuf garbage, an empty envelope, a request
# before the hello, wrong and inverted version ranges, a second hello, id
# 0, an unknown request, a descriptor sent to hvd, a client that never
# reads its replies, one that leaves mid-request, more clients than
# served. Each gets its error or a closed connection; hvd keeps serving
# everyone else and its domain runs on.
# usage: tests/scripts/test_hvd_hostile.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
need_hvdomain dirtier
HVD=$BUILD/bin/hvd
HVCTL=$BUILD/bin/hvctl
for b in "$HVD" "$HVCTL"; do
	[ -x "$b" ] || { echo "skipped: $b not built"; exit 77; }
done
hvdomain_setup
export HV_CONTROL=$tmp/hvd.sock
mkfifo "$tmp/ready"
"$HVD" --name hostA --state-dir "$tmp/state" --control "$HV_CONTROL" \
	--ready-fd 3 3>"$tmp/ready" >"$tmp/hvd.log" 2>&1 &
hvd_pid=$!
pids+=("$hvd_pid")
read -r line <"$tmp/ready"
[ "$line" = ready ] || { fail "hvd did not start"; exit 1; }
cat >"$tmp/dirty.cfg" <<CFG
name = "dirty1"
memory = 64
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=4M ticks=0 tick_ms=20"
CFG
"$HVCTL" create "$tmp/dirty.cfg" >/dev/null || fail "create"

python3 - "$HV_CONTROL" <<'PY' || fail "hostile clients"
import errno, os, socket, struct, sys

path = sys.argv[1]
bad = 0

def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def field(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data

def vfield(num, v):
    return varint(num << 3) + varint(v)

def rec(msg):
    return struct.pack("<I", len(msg)) + msg

def hello(lo, hi):
    return rec(field(1, vfield(1, lo) + vfield(2, hi) + field(3, b"hostile")))

def request(rid, body):          # CtlRequest{id, <body>}
    return rec(field(2, vfield(1, rid) + body))

LIST = field(10, b"")

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.settimeout(10)
    return s

def status_of(data):
    """(which envelope member, status) of a server record."""
    n = struct.unpack("<I", data[:4])[0]
    body = data[4:4 + n]
    member = body[0] >> 3
    inner = body[2:] if body[1] < 0x80 else body[3:]
    st = 0
    i = 0
    while i < len(inner):
        key = inner[i]; i += 1
        if key & 7 == 0:
            v = 0; sh = 0
            while True:
                b = inner[i]; i += 1
                v |= (b & 0x7F) << sh; sh += 7
                if not b & 0x80:
                    break
            if key >> 3 == (1 if member == 1 else 2):
                st = v - (1 << 64) if v >= 1 << 63 else v
        elif key & 7 == 2:
            ln = inner[i]; i += 1
            if ln & 0x80:
                ln = (ln & 0x7F) | inner[i] << 7; i += 1
            i += ln
        else:
            break
    return member, st

def expect(name, s, member, status, then_eof=True):
    global bad
    try:
        data = s.recv(300000)
        got = status_of(data) if data else None
        if got != (member, status):
            print("FAIL %s: got %r, want %r" % (name, got, (member, status)))
            bad = 1
        if then_eof:
            more = s.recv(300000)
            if more:
                print("FAIL %s: not closed after the error" % name)
                bad = 1
    except OSError as e:
        print("FAIL %s: %s" % (name, e))
        bad = 1
    s.close()
    print("ok  ", name)

EBADMSG, EMSGSIZE, EPROTONOSUPPORT = -errno.EBADMSG, -errno.EMSGSIZE, -errno.EPROTONOSUPPORT
EOPNOTSUPP = -errno.EOPNOTSUPP

s = conn(); s.send(b"\x01\x02"); expect("short record", s, 1, EBADMSG)
s = conn(); s.send(struct.pack("<I", 1 << 20) + b"xxxx"); expect("length over the limit", s, 1, EMSGSIZE)
s = conn(); s.send(b"\xab" * 196700); expect("record over the limit", s, 1, EMSGSIZE)
s = conn(); s.send(struct.pack("<I", 10) + b"abcde"); expect("length mismatch", s, 1, EBADMSG)
s = conn(); s.send(rec(b"\xff\xff\xff\xff")); expect("protobuf garbage", s, 1, EBADMSG)
s = conn(); s.send(rec(b"")); expect("empty envelope", s, 1, EBADMSG)
s = conn(); s.send(request(1, LIST)); expect("request before hello", s, 1, EBADMSG)
s = conn(); s.send(hello(5, 9)); expect("future client", s, 1, EPROTONOSUPPORT)
s = conn(); s.send(hello(3, 1)); expect("inverted range", s, 1, EPROTONOSUPPORT)
s = conn(); s.send(hello(1, 1)); expect("hello", s, 1, 0, False)
s = conn(); s.send(hello(1, 1)); s.recv(1000); s.send(hello(1, 1)); expect("second hello", s, 2, EBADMSG)
s = conn(); s.send(hello(1, 1)); s.recv(1000); s.send(request(0, LIST)); expect("id 0", s, 2, EBADMSG)
s = conn(); s.send(hello(1, 1)); s.recv(1000); s.send(request(7, b"")); expect("unknown request", s, 2, EOPNOTSUPP, False)
s = conn(); s.send(hello(1, 1)); s.recv(1000)
r, w = os.pipe()
s.sendmsg([request(2, LIST)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", r))])
expect("descriptor sent to hvd", s, 2, EBADMSG)
# a client that never reads: requests until its socket is full
s = conn(); s.send(hello(1, 1)); s.recv(1000); s.setblocking(False)
sent = 0
try:
    for i in range(1, 200000):
        s.send(request(i, LIST)); sent += 1
except OSError:
    pass
s.close()
print("ok   a client that never read (%d requests sent)" % sent)
# a client that leaves mid-request
s = conn(); s.send(hello(1, 1)); s.recv(1000); s.send(request(9, LIST)); s.close()
print("ok   a client gone mid-request")
# more clients than served: the extra one is closed
many = [conn() for _ in range(64)]
extra = conn()
try:
    extra.send(hello(1, 1))
    if extra.recv(1000):
        print("FAIL the 65th client was served"); bad = 1
    else:
        print("ok   the 65th client is closed")
except OSError:
    print("ok   the 65th client is closed")
for c in many:
    c.close()
sys.exit(bad)
PY

# hvd serves a well-behaved client, and the guest ran on
"$HVCTL" list >"$tmp/list.out" 2>&1 || fail "list after all that"
grep -qE '^1 +dirty1 +running' "$tmp/list.out" || fail "list: $(cat "$tmp/list.out")"
kill -0 "$hvd_pid" || fail "hvd died"
"$HVCTL" destroy dirty1 >/dev/null || fail "destroy"
kill -TERM "$hvd_pid"
wait "$hvd_pid"
san_report "$tmp/hvd.log" && fail "sanitizer report in hvd.log"
[ $failed = 0 ] && echo "hvd hostile clients: all ok"
exit $failed
