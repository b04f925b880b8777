// SPDX-License-Identifier: MIT
/*
 * The cluster key file (`hvctl keygen`, docs/operations.md): 32 random
 * bytes as 64 hex digits. What TLS uses is not the key itself but a PSK
 * derived from it (HMAC-SHA256 with a label), so that the same key may
 * later derive other secrets independently; the key id is another such
 * derivation, safe to show in logs and on the wire.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "peer_tls.h"

#define KEY_FILE_MAX 256

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int derive(const uint8_t *key, const char *label, uint8_t out[32])
{
	unsigned int n = 32;

	return HMAC(EVP_sha256(), key, PEER_KEY_BYTES,
		    (const unsigned char *)label, strlen(label), out, &n) &&
	       n == 32 ? 0 : -EPROTO;
}

int peer_key_parse(const char *text, size_t len, struct peer_key *key,
		   char *err, size_t errlen)
{
	uint8_t raw[PEER_KEY_BYTES], id[32];
	int ret;

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len != 2 * PEER_KEY_BYTES) {
		snprintf(err, errlen, "not a cluster key: want %d hex digits "
			 "(hvctl keygen writes one), found %zu bytes",
			 2 * PEER_KEY_BYTES, len);
		return -EINVAL;
	}
	for (size_t i = 0; i < PEER_KEY_BYTES; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "not a cluster key: a non-hex "
				 "character at offset %zu", 2 * i + (hi >= 0));
			OPENSSL_cleanse(raw, sizeof(raw));
			return -EINVAL;
		}
		raw[i] = (uint8_t)(hi << 4 | lo);
	}
	ret = derive(raw, "hv peer tls psk 1", key->psk);
	if (!ret)
		ret = derive(raw, "hv key id 1", id);
	OPENSSL_cleanse(raw, sizeof(raw));
	if (ret) {
		snprintf(err, errlen, "HMAC-SHA256 failed");
		return ret;
	}
	for (int i = 0; i < 8; i++)
		snprintf(key->id + 2 * i, 3, "%02x", id[i]);
	return 0;
}

int peer_key_load(const char *path, struct peer_key *key, char *err,
		  size_t errlen)
{
	char buf[KEY_FILE_MAX], why[200];
	struct stat st;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: mode %03o: group or others may read "
			 "the cluster key (chmod 600 %s)", path,
			 st.st_mode & 0777, path);
		ret = -EPERM;
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = peer_key_parse(buf, (size_t)n, key, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, why);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return ret;
}
