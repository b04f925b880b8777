// SPDX-License-Identifier: MIT
/*
 * A domain config file's text (docs/config.md) to a DomainConfig: parsed
 * and checked by dom0/domain_config, refused if it has devices hv lacks,
 * and copied into a message of its own (packed, unpacked) that the
 * caller frees with hv__domain_config__free_unpacked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "domain_config.h"
#include "hvd.h"

int hvd_config_parse(const char *text, size_t len, const char *name,
		     Hv__DomainConfig **out, char *err, size_t errlen)
{
	struct domain_config c;
	Hv__DomainConfig pb;
	uint8_t *packed = NULL;
	size_t n;
	int ret;

	*out = NULL;
	ret = domain_config_parse(&c, text, len, name, err, errlen);
	if (ret)
		return ret;
	ret = domain_config_check_devices(&c, err, errlen);
	if (ret)
		goto out;
	domain_config_to_pb(&c, &pb);
	n = hv__domain_config__get_packed_size(&pb);
	packed = malloc(n + 1);
	if (packed) {
		hv__domain_config__pack(&pb, packed);
		*out = hv__domain_config__unpack(NULL, n, packed);
	}
	if (!*out) {
		snprintf(err, errlen, "%s: out of memory", name);
		ret = -ENOMEM;
	}
out:
	free(packed);
	domain_config_free(&c);
	return ret;
}
