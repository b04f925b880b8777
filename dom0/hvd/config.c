// SPDX-License-Identifier: MIT
/* A domain config file's text (docs/config.md) to a DomainConfig. */
#include <errno.h>
#include <stdio.h>
#include "hvd.h"

int hvd_config_parse(const char *text, size_t len, const char *name,
		     Hv__DomainConfig **out, char *err, size_t errlen)
{
	(void)text;
	(void)len;
	(void)out;
	snprintf(err, errlen, "%s: config files are not read yet", name);
	return -EOPNOTSUPP;
}
