// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for domain config files (dom0/domain_config.h): any
 * input is parsed; a refusal must come with a "fuzz.cfg: ..." message,
 * and whatever is accepted must format to a canonical form that parses
 * back to the same config and formats to the same text again. Any crash,
 * leak or sanitizer report fails, as does a broken round trip (abort).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct domain_config *c)
{
	char err[DOMAIN_CONFIG_ERR_LEN], *text, *again;
	struct domain_config back;
	size_t len, len2;

	if (domain_config_format(c, &text, &len, err, sizeof(err))) {
		fprintf(stderr, "accepted but not formatted: %s\n", err);
		abort();
	}
	if (domain_config_parse(&back, text, len, "canonical", err,
				sizeof(err))) {
		fprintf(stderr, "canonical form refused: %s\n%s", err, text);
		abort();
	}
	if (!domain_config_equal(c, &back)) {
		fprintf(stderr, "canonical form reads differently:\n%s", text);
		abort();
	}
	if (domain_config_format(&back, &again, &len2, err, sizeof(err)) ||
	    len2 != len || memcmp(text, again, len)) {
		fprintf(stderr, "canonical form not stable:\n%s", text);
		abort();
	}
	free(again);
	free(text);
	domain_config_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[DOMAIN_CONFIG_ERR_LEN];
	struct domain_config c;

	err[0] = '\0';
	if (domain_config_parse(&c, (const char *)data, size, "fuzz.cfg", err,
				sizeof(err))) {
		if (strncmp(err, "fuzz.cfg:", 9)) {
			fprintf(stderr, "a refusal without FILE: \"%s\"\n",
				err);
			abort();
		}
		return 0;
	}
	round_trip(&c);
	(void)domain_config_check_devices(&c, err, sizeof(err));
	domain_config_free(&c);
	return 0;
}
