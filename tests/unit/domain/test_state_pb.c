// SPDX-License-Identifier: MIT
/*
 * Machine state through its protobuf form: every field survives a round
 * trip, and messages this machine cannot hold are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "domain/state_pb.h"
#include "proto/state.pb-c.h"

static const struct hv_log quiet = { "test_state_pb", LOG_ERR };

static void fill_ctx(struct cpu_context *c)
{
	uint64_t v = 0x9e3779b97f4a7c15ull;

	memset(c, 0, sizeof(*c));
	for (unsigned r = 1; r < 32; r++)
		c->x[r] = v * r;
	for (unsigned r = 0; r < 32; r++)
		c->f[r] = ~v * (r + 1);
	c->pc = 0x80201234;
	c->priv = 1;
	c->hsm = 0;
	c->fflags = 0x15;
	c->frm = 4;
	c->sstatus = 0x8000000000006122ull;
	c->sie = 0x222;
	c->stvec = 0x80200100;
	c->scounteren = 7;
	c->senvcfg = 1;
	c->sscratch = 11;
	c->sepc = 12;
	c->scause = 0x8000000000000005ull;
	c->stval = 14;
	c->satp = 8ull << 60 | 0x1234;
	c->mip = 2;
	c->timecmp = 123456789;
	c->instret = 987654321;
	c->lr_valid = 1;
	c->lr_addr = 0x80300000;
	c->lr_val = 77;
	c->start_pc = 0x80400000;
	c->start_a1 = 0x87e00000;
}

static void test_vcpu(void **state)
{
	struct cpu_context in, out;
	unsigned hart = 9;
	uint8_t *buf;
	size_t len;

	(void)state;
	fill_ctx(&in);
	assert_int_equal(state_pb_pack_vcpu(&in, 3, &buf, &len), 0);
	assert_int_equal(state_pb_unpack_vcpu(buf, len, &out, &hart, &quiet),
			 0);
	assert_int_equal(hart, 3);
	assert_memory_equal(&in, &out, sizeof(in));
	/*
	 * Truncations: never a crash. One cut at a field boundary can still
	 * be a well-formed message (protobuf has no length of its own; the
	 * stream's record length and checksum catch those), but one that
	 * lost registers is refused.
	 */
	for (size_t n = 0; n < len; n++) {
		int ret = state_pb_unpack_vcpu(buf, n, &out, &hart, &quiet);

		assert_true(ret == 0 || ret == -EBADMSG || ret == -EINVAL);
		if (n < 2 * 32)
			assert_int_not_equal(ret, 0);
	}
	free(buf);

	/* Values this CPU cannot hold. */
	in.frm = 9;
	assert_int_equal(state_pb_pack_vcpu(&in, 0, &buf, &len), 0);
	assert_int_equal(state_pb_unpack_vcpu(buf, len, &out, &hart, &quiet),
			 -EINVAL);
	free(buf);
}

static void test_devices(void **state)
{
	struct hv_machine_state *in = calloc(1, sizeof(*in));
	struct hv_machine_state *out = calloc(1, sizeof(*out));
	uint8_t *buf;
	size_t len;

	(void)state;
	in->uart.ier = 5;
	in->uart.lcr = 3;
	in->uart.scr = 0xa5;
	in->uart.thr_ipending = true;
	in->uart.input_len = 3;
	memcpy(in->uart.input, "abc", 3);
	in->plic.nr_contexts = 2;
	for (unsigned s = 1; s < PLIC_NR_SOURCES; s++)
		in->plic.priority[s] = s % 8;
	in->plic.level[0] = 1u << 10;
	in->plic.claimed[1] = 1u << 3;
	in->plic.enable[1][0] = 0x400;
	in->plic.threshold[1] = 2;
	in->time = 555555;
	assert_int_equal(state_pb_pack_devices(in, &buf, &len), 0);
	assert_int_equal(state_pb_unpack_devices(buf, len, out, &quiet), 0);
	assert_memory_equal(&in->uart, &out->uart, sizeof(in->uart));
	assert_memory_equal(&in->plic, &out->plic, sizeof(in->plic));
	assert_int_equal(out->time, 555555);
	for (size_t n = 0; n < len; n++) {
		int ret = state_pb_unpack_devices(buf, n, out, &quiet);

		assert_true(ret == 0 || ret == -EBADMSG || ret == -EINVAL);
	}
	free(buf);
	free(in);
	free(out);
}

static void test_config(void **state)
{
	struct hv_machine_config in = {
		.vcpus = 4, .ram_size = 512ull << 20,
		.kernel = "/boot/vmlinux", .cmdline = "console=ttyS0",
	}, out = { 0 };
	struct state_pb_strings s;
	uint8_t *buf;
	size_t len;

	(void)state;
	static const uint8_t uuid[16] = { 0x6b, 0x1e, 0x2a, 0x90, 0x11, 0x22,
					  0x43, 0x44, 0x85, 0x66, 0x77, 0x88,
					  0x99, 0xaa, 0xbb, 0xcc };
	Hv__DomainConfig *pb;

	assert_int_equal(state_pb_pack_config(&in, "web1", uuid, &buf, &len),
			 0);
	/* the UUID travels: a restored or migrated domain keeps it */
	pb = hv__domain_config__unpack(NULL, len, buf);
	assert_non_null(pb);
	assert_int_equal(pb->uuid.len, 16);
	assert_memory_equal(pb->uuid.data, uuid, 16);
	hv__domain_config__free_unpacked(pb, NULL);
	assert_int_equal(state_pb_unpack_config(buf, len, &out, &s, &quiet),
			 0);
	assert_int_equal(out.vcpus, 4);
	assert_int_equal(out.ram_size, 512ull << 20);
	assert_string_equal(out.kernel, "/boot/vmlinux");
	assert_null(out.initrd);
	assert_string_equal(out.cmdline, "console=ttyS0");
	assert_string_equal(s.name, "web1");
	state_pb_config_free(&s);
	free(buf);

	in.vcpus = 9;
	assert_int_equal(state_pb_pack_config(&in, NULL, NULL, &buf, &len), 0);
	assert_int_equal(state_pb_unpack_config(buf, len, &out, &s, &quiet),
			 -EINVAL);
	free(buf);
	in.vcpus = 1;
	in.ram_size = 15ull << 20;
	assert_int_equal(state_pb_pack_config(&in, NULL, NULL, &buf, &len), 0);
	assert_int_equal(state_pb_unpack_config(buf, len, &out, &s, &quiet),
			 -EINVAL);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpu),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
