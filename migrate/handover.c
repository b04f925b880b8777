// SPDX-License-Identifier: MIT
/*
 * Handover messages on channel 0, and the default ownership arbiter: a
 * commit record made durable on the source's disk.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "handover.h"
#include "xport.h"

const char *handover_name(enum handover_type type)
{
	switch (type) {
	case HANDOVER_READY: return "READY";
	case HANDOVER_FAILED: return "FAILED";
	case HANDOVER_RUN: return "RUN";
	case HANDOVER_ABORT: return "ABORT";
	case HANDOVER_RUNNING: return "RUNNING";
	}
	return "unknown";
}

int handover_send(struct mig_transport *t, enum handover_type type,
		  int32_t status, uint64_t epoch)
{
	struct handover_msg m = { 0 };

	m.magic = htole32(HANDOVER_MAGIC);
	m.type = htole32(type);
	m.status = (int32_t)htole32((uint32_t)status);
	m.epoch = htole64(epoch);
	m.sum = htole64(XXH3_64bits_withSeed(&m, 24, 0));
	return t->ops->send(t, 0, &m, sizeof(m));
}

int handover_recv(struct mig_transport *t, enum handover_type *type,
		  int32_t *status, uint64_t *epoch)
{
	struct handover_msg m;
	ssize_t n;
	uint32_t ty;

	if (!t->ops->recv)
		return -EBADF;
	n = t->ops->recv(t, 0, &m, sizeof(m));
	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(m))
		return -ENODATA;
	ty = le32toh(m.type);
	if (le32toh(m.magic) != HANDOVER_MAGIC || m.reserved ||
	    le64toh(m.sum) != XXH3_64bits_withSeed(&m, 24, 0) ||
	    ty < HANDOVER_READY || ty > HANDOVER_RUNNING)
		return -EBADMSG;
	*type = (enum handover_type)ty;
	*status = (int32_t)le32toh((uint32_t)m.status);
	*epoch = le64toh(m.epoch);
	return 0;
}

/* ---- the default arbiter ---- */

#define RECORD_FMT	"hv-ownership 1 uuid=%s epoch=%" PRIu64 " moved\n"

static void uuid_hex(const uint8_t uuid[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", uuid[i]);
}

static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

/* path.tmp written and fsync'd, renamed over path, directory fsync'd. */
static int peer_commit(void *priv, const uint8_t uuid[16], uint64_t epoch)
{
	struct mig_arbiter_peer *a = priv;
	char tmp[4096], hex[33], rec[128];
	int fd, len, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", a->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	uuid_hex(uuid, hex);
	len = snprintf(rec, sizeof(rec), RECORD_FMT, hex, epoch);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = mig_fd_write_all(fd, rec, (size_t)len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, a->path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	return fsync_dir_of(a->path);
}

/* Our own record, when this side wrote one; else the peer's word. */
static int peer_resolve(void *priv, const uint8_t uuid[16], uint64_t epoch)
{
	struct mig_arbiter_peer *a = priv;
	char hex[33], want[128], rec[128];
	FILE *f = fopen(a->path, "re");
	uint64_t e;
	bool found = false;

	if (!f)
		return -ENOTCONN;	/* asking the peer: not done yet */
	uuid_hex(uuid, hex);
	if (fgets(rec, sizeof(rec), f) &&
	    sscanf(rec, "hv-ownership 1 uuid=%*32s epoch=%" SCNu64, &e) == 1) {
		snprintf(want, sizeof(want), RECORD_FMT, hex, e);
		found = !strcmp(rec, want) && (!epoch || e == epoch);
	}
	fclose(f);
	return found ? 1 : -ENOTCONN;
}

static const struct mig_arbiter_ops peer_ops = {
	.commit = peer_commit,
	.resolve = peer_resolve,
};

void mig_arbiter_peer_init(struct mig_arbiter_peer *a, const char *path)
{
	a->arb.ops = &peer_ops;
	a->arb.priv = a;
	a->path = path;
}
