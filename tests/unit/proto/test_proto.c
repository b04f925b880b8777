// SPDX-License-Identifier: MIT
/*
 * The generated domctl and state messages: every message type, with every
 * oneof member in turn, survives pack/unpack with all fields equal (a
 * filler and a comparator driven by protobuf-c's descriptors, so a field
 * added to a .proto is covered without touching this file); a VcpuState
 * with every field distinct, checked field by field; truncated, corrupted
 * and random buffers, and length prefixes past the end, are rejected or
 * decoded harmlessly, never crash; the protocol's limits hold together
 * and its largest record passes a SOCK_SEQPACKET socket whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "proto/domctl.pb-c.h"
#include "proto/state.pb-c.h"

#define REPEAT_N	3	/* entries the filler puts in a repeated field */
#define MAX_DEPTH	8	/* nesting the filler follows (no type recurses) */
#define MAX_TYPES	128

/* ---- Packing helpers ---- */

struct packed {
	uint8_t *buf;
	size_t len;
};

static struct packed pack(const ProtobufCMessage *m)
{
	struct packed p;

	assert_true(protobuf_c_message_check(m));
	p.len = protobuf_c_message_get_packed_size(m);
	p.buf = malloc(p.len ? p.len : 1);
	assert_non_null(p.buf);
	assert_int_equal(protobuf_c_message_pack(m, p.buf), p.len);
	return p;
}

static ProtobufCMessage *unpack(const ProtobufCMessageDescriptor *d,
				const uint8_t *buf, size_t len)
{
	return protobuf_c_message_unpack(d, NULL, len, buf);
}

/* ---- A message filled from its descriptor ---- */

static uint64_t fill_seq;

/* Varied values, never zero (proto3 leaves zeros off the wire), of
 * every varint length. */
static uint64_t next_value(void)
{
	uint64_t v = ++fill_seq * 0x9e3779b97f4a7c15ull;

	return (v >> (fill_seq % 64)) | 1;
}

/* Members of the oneof @f belongs to, and @f's index among them. */
static unsigned oneof_members(const ProtobufCMessageDescriptor *d,
			      const ProtobufCFieldDescriptor *f,
			      unsigned *index)
{
	unsigned i, n = 0;

	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *g = &d->fields[i];

		if (!(g->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
		    g->quantifier_offset != f->quantifier_offset)
			continue;
		if (g == f)
			*index = n;
		n++;
	}
	return n;
}

/*
 * How many values of @choice fill_message() needs to set every member of
 * every oneof in @d and below at least once: a oneof of n members takes
 * choice % n and hands choice / n to the member's own fields; other
 * submessages get choice as it is.
 */
static unsigned variants(const ProtobufCMessageDescriptor *d)
{
	unsigned i, idx, n, sub, max = 1;

	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		sub = f->type == PROTOBUF_C_TYPE_MESSAGE ?
			variants(f->descriptor) : 1;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			n = oneof_members(d, f, &idx);
			sub *= n;
		}
		if (sub > max)
			max = sub;
	}
	return max;
}

static ProtobufCMessage *fill_message(const ProtobufCMessageDescriptor *d,
				      unsigned choice, unsigned depth);

static size_t value_size(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	default:
		/* float/double: extend the filler when a .proto uses them */
		fail_msg("field type %d not handled by the test", type);
		return 0;
	}
}

/* Stores one distinct, valid, non-default value of @f's type at @p. */
static void fill_value(const ProtobufCFieldDescriptor *f, void *p,
		       unsigned choice, unsigned depth)
{
	uint64_t v = next_value();

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: {
		uint32_t u = (uint32_t)v | 1;

		memcpy(p, &u, 4);
		break;
	}
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		memcpy(p, &v, 8);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)p = 1;
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		/* a declared value, and not the zero (it would not travel) */
		const ProtobufCEnumDescriptor *e = f->descriptor;
		unsigned k = (unsigned)(v % e->n_values);

		if (e->values[k].value == 0 && e->n_values > 1)
			k = (k + 1) % e->n_values;
		*(int *)p = e->values[k].value;
		break;
	}
	case PROTOBUF_C_TYPE_STRING: {
		char *s = malloc(32);

		assert_non_null(s);
		snprintf(s, 32, "%s-%llx", f->name, (unsigned long long)v);
		*(char **)p = s;
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData *b = p;
		size_t i;

		b->len = 1 + v % 23;
		b->data = malloc(b->len);
		assert_non_null(b->data);
		for (i = 0; i < b->len; i++)
			b->data[i] = (uint8_t)(v >> (i % 8 * 8)) ^ (uint8_t)i;
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		*(ProtobufCMessage **)p = fill_message(f->descriptor, choice,
						       depth + 1);
		break;
	default:
		(void)value_size(f->type);	/* fails */
	}
}

/*
 * A message of type @d with every field set: scalars to distinct non-zero
 * values, REPEAT_N entries in each repeated field, and in each oneof the
 * member @choice picks (see variants()). Owned by the caller; every part
 * is malloc'd, so protobuf_c_message_free_unpacked() frees it.
 */
static ProtobufCMessage *fill_message(const ProtobufCMessageDescriptor *d,
				      unsigned choice, unsigned depth)
{
	ProtobufCMessage *m = malloc(d->sizeof_message);
	unsigned i, j;

	assert_non_null(m);
	assert_true(depth < MAX_DEPTH);
	d->message_init(m);
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		uint8_t *base = (uint8_t *)m;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t sz = value_size(f->type);
			uint8_t *arr = calloc(REPEAT_N, sz);

			assert_non_null(arr);
			for (j = 0; j < REPEAT_N; j++)
				fill_value(f, arr + j * sz, choice, depth);
			*(size_t *)(base + f->quantifier_offset) = REPEAT_N;
			*(void **)(base + f->offset) = arr;
		} else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			unsigned idx = 0;
			unsigned n = oneof_members(d, f, &idx);

			if (idx != choice % n)
				continue;
			*(uint32_t *)(base + f->quantifier_offset) = f->id;
			fill_value(f, base + f->offset, choice / n, depth);
		} else {
			/* proto3 and no "optional": no has_ flags */
			assert_int_equal(f->label, PROTOBUF_C_LABEL_NONE);
			fill_value(f, base + f->offset, choice, depth);
		}
	}
	return m;
}

/* ---- Field-by-field equality from the descriptor ---- */

static bool cmp_quiet;	/* no report of what differs: differences expected */

static bool msg_equal(const ProtobufCMessage *a, const ProtobufCMessage *b);

static bool value_equal(const ProtobufCFieldDescriptor *f, const void *pa,
			const void *pb)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		return strcmp(*(char *const *)pa, *(char *const *)pb) == 0;
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *x = pa, *y = pb;

		return x->len == y->len &&
		       (!x->len || memcmp(x->data, y->data, x->len) == 0);
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		return msg_equal(*(ProtobufCMessage *const *)pa,
				 *(ProtobufCMessage *const *)pb);
	default:
		return memcmp(pa, pb, value_size(f->type)) == 0;
	}
}

static bool field_equal(const ProtobufCMessage *a, const ProtobufCMessage *b,
			const ProtobufCFieldDescriptor *f)
{
	const uint8_t *ba = (const uint8_t *)a, *bb = (const uint8_t *)b;
	size_t i, n, sz;

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		const uint8_t *arr_a, *arr_b;

		n = *(const size_t *)(ba + f->quantifier_offset);
		if (n != *(const size_t *)(bb + f->quantifier_offset))
			return false;
		sz = value_size(f->type);
		arr_a = *(void *const *)(ba + f->offset);
		arr_b = *(void *const *)(bb + f->offset);
		for (i = 0; i < n; i++)
			if (!value_equal(f, arr_a + i * sz, arr_b + i * sz))
				return false;
		return true;
	}
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		uint32_t ca = *(const uint32_t *)(ba + f->quantifier_offset);
		uint32_t cb = *(const uint32_t *)(bb + f->quantifier_offset);

		if (ca != cb)
			return false;
		if (ca != f->id)
			return true;	/* another member is the set one */
	}
	return value_equal(f, ba + f->offset, bb + f->offset);
}

static bool msg_equal(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	unsigned i;

	if (!a || !b)
		return a == b;
	if (a->descriptor != b->descriptor)
		return false;
	for (i = 0; i < a->descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &a->descriptor->fields[i];

		if (!field_equal(a, b, f)) {
			if (!cmp_quiet)
					print_error("%s.%s differs\n",
					    a->descriptor->name, f->name);
			return false;
		}
	}
	return a->n_unknown_fields == b->n_unknown_fields;
}

/* ---- Every message type the protocol can carry ---- */

struct types {
	const ProtobufCMessageDescriptor *d[MAX_TYPES];
	unsigned n;
};

static void collect(struct types *t, const ProtobufCMessageDescriptor *d)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (t->d[i] == d)
			return;
	assert_true(t->n < MAX_TYPES);
	t->d[t->n++] = d;
	for (i = 0; i < d->n_fields; i++)
		if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
			collect(t, d->fields[i].descriptor);
}

/* The envelopes and everything reachable from them, which includes
 * every message of domctl.proto and state.proto. */
static void collect_all(struct types *t)
{
	t->n = 0;
	collect(t, &hv__domctl_client_message__descriptor);
	collect(t, &hv__domctl_server_message__descriptor);
}

static bool collected(const struct types *t,
		      const ProtobufCMessageDescriptor *d)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (t->d[i] == d)
			return true;
	return false;
}

static void round_trip_one(const ProtobufCMessageDescriptor *d,
			   unsigned choice)
{
	ProtobufCMessage *m = fill_message(d, choice, 0), *u;
	struct packed p = pack(m);

	u = unpack(d, p.buf, p.len);
	assert_non_null(u);
	if (!msg_equal(m, u))
		fail_msg("%s (oneof choice %u) changed in a round trip",
			 d->name, choice);
	protobuf_c_message_free_unpacked(u, NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	free(p.buf);
}

static void test_every_message_round_trips(void **state)
{
	struct types t;
	unsigned i, c, cases = 0;

	collect_all(&t);
	/* state.proto travels inside domctl, all of it */
	assert_true(collected(&t, &hv__vcpu_state__descriptor));
	assert_true(collected(&t, &hv__reservation__descriptor));
	assert_true(collected(&t, &hv__device_state__descriptor));
	assert_true(collected(&t, &hv__uart_state__descriptor));
	assert_true(collected(&t, &hv__plic_state__descriptor));
	assert_true(collected(&t, &hv__plic_context__descriptor));
	assert_true(collected(&t, &hv__domain_config__descriptor));
	for (i = 0; i < t.n; i++) {
		for (c = 0; c < variants(t.d[i]); c++) {
			round_trip_one(t.d[i], c);
			cases++;
		}
	}
	print_message("%u message types, %u round trips\n", t.n, cases);
}

/* The comparator is what the round trips rest on: it must see a change
 * in a scalar, a string, a oneof's case, a submessage and a repeated
 * entry. */
static void test_comparator_sees_differences(void **state)
{
	Hv__DomctlServerMessage *a, *b;
	struct packed p;

	a = (Hv__DomctlServerMessage *)fill_message(
		&hv__domctl_server_message__descriptor, 1, 0);
	assert_int_equal(a->msg_case, HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY);
	p = pack(&a->base);

	/* @change makes b differ from a; @undo puts back what freeing needs */
#define MUTATE(change, undo)                                                \
	do {                                                                \
		b = (Hv__DomctlServerMessage *)unpack(                      \
			&hv__domctl_server_message__descriptor, p.buf,     \
			p.len);                                             \
		assert_non_null(b);                                         \
		assert_true(msg_equal(&a->base, &b->base));                 \
		change;                                                     \
		assert_false(msg_equal(&a->base, &b->base));                \
		undo;                                                       \
		protobuf_c_message_free_unpacked(&b->base, NULL);           \
	} while (0)

	cmp_quiet = true;
	MUTATE(b->reply->id++, (void)0);
	MUTATE(b->reply->error[0] ^= 1, (void)0);
	MUTATE(b->reply->result_case = HV__DOMCTL_REPLY__RESULT_BITMAP,
	       b->reply->result_case = HV__DOMCTL_REPLY__RESULT_STATE);
	/* the first result member (state): a submessage's scalar */
	MUTATE(b->reply->state->code++, (void)0);
#undef MUTATE
	protobuf_c_message_free_unpacked(&a->base, NULL);
	free(p.buf);

	{
		ProtobufCMessage *m = fill_message(&hv__vcpu_state__descriptor,
						   0, 0);
		Hv__VcpuState *v;

		p = pack(m);
		v = hv__vcpu_state__unpack(NULL, p.len, p.buf);
		assert_non_null(v);
		assert_true(msg_equal(m, &v->base));
		v->f[2] ^= 1ull << 63;
		assert_false(msg_equal(m, &v->base));
		hv__vcpu_state__free_unpacked(v, NULL);
		protobuf_c_message_free_unpacked(m, NULL);
		free(p.buf);
	}
	cmp_quiet = false;
}

/* ---- VcpuState, field by field ---- */

static void test_vcpu_state_every_field(void **state)
{
	Hv__VcpuState v = HV__VCPU_STATE__INIT, *u;
	Hv__Reservation r = HV__RESERVATION__INIT;
	uint64_t x[32], f[32];
	struct packed p;
	unsigned i;

	/* every value distinct from every other, across all fields */
	for (i = 0; i < 32; i++) {
		x[i] = i ? 0xffffffc000001000ull + i * 8 : 0;
		f[i] = 0xffffffff3f800000ull + ((uint64_t)i << 40);
	}
	v.hartid = 7;
	v.n_x = 32;
	v.x = x;
	v.n_f = 32;
	v.f = f;
	v.pc = 0xffffffff80002a46ull;
	v.priv = HV__PRIV_MODE__PRIV_SUPERVISOR;
	v.sstatus = 0x8000000200006122ull;
	v.fflags = 0x1f;
	v.frm = 0x4;
	v.stvec = 0xffffffff80b00000ull;
	v.sscratch = 0xffffffd800010000ull;
	v.sepc = 0x3fd2c0e5a4ull;
	v.scause = 0x8000000000000009ull;
	v.stval = 0x7ffff00ddeadull;
	v.satp = 0x8000000000081234ull;
	v.scounteren = 0x5;
	v.senvcfg = 0x1;
	v.sie = 0x222;
	v.sip = 0x202;
	v.timecmp = 0x123456789abull;
	v.instret = 0x1122334455ull;
	r.addr = 0x80a01238ull;
	r.value = 0xfedcba9876543210ull;
	v.reservation = &r;
	v.hsm = HV__HSM_STATE__HSM_START_PENDING;
	v.start_pc = 0x80200000ull;
	v.start_a1 = 0x87e00000ull;

	p = pack(&v.base);
	u = hv__vcpu_state__unpack(NULL, p.len, p.buf);
	assert_non_null(u);
	assert_int_equal(u->hartid, 7);
	assert_int_equal(u->n_x, 32);
	assert_int_equal(u->n_f, 32);
	for (i = 0; i < 32; i++) {
		assert_int_equal(u->x[i], x[i]);
		assert_int_equal(u->f[i], f[i]);
	}
	assert_int_equal(u->pc, v.pc);
	assert_int_equal(u->priv, HV__PRIV_MODE__PRIV_SUPERVISOR);
	assert_int_equal(u->sstatus, v.sstatus);
	assert_int_equal(u->fflags, v.fflags);
	assert_int_equal(u->frm, v.frm);
	assert_int_equal(u->stvec, v.stvec);
	assert_int_equal(u->sscratch, v.sscratch);
	assert_int_equal(u->sepc, v.sepc);
	assert_int_equal(u->scause, v.scause);
	assert_int_equal(u->stval, v.stval);
	assert_int_equal(u->satp, v.satp);
	assert_int_equal(u->scounteren, v.scounteren);
	assert_int_equal(u->senvcfg, v.senvcfg);
	assert_int_equal(u->sie, v.sie);
	assert_int_equal(u->sip, v.sip);
	assert_int_equal(u->timecmp, v.timecmp);
	assert_int_equal(u->instret, v.instret);
	assert_non_null(u->reservation);
	assert_int_equal(u->reservation->addr, r.addr);
	assert_int_equal(u->reservation->value, r.value);
	assert_int_equal(u->hsm, HV__HSM_STATE__HSM_START_PENDING);
	assert_int_equal(u->start_pc, v.start_pc);
	assert_int_equal(u->start_a1, v.start_a1);
	assert_true(msg_equal(&v.base, &u->base));
	hv__vcpu_state__free_unpacked(u, NULL);
	free(p.buf);

	/* no reservation, U-mode, HSM started, timer off: the defaults
	 * travel as absent fields and come back as themselves */
	v.reservation = NULL;
	v.priv = HV__PRIV_MODE__PRIV_USER;
	v.hsm = HV__HSM_STATE__HSM_STARTED;
	v.timecmp = ~0ull;
	p = pack(&v.base);
	u = hv__vcpu_state__unpack(NULL, p.len, p.buf);
	assert_non_null(u);
	assert_null(u->reservation);
	assert_int_equal(u->priv, HV__PRIV_MODE__PRIV_USER);
	assert_int_equal(u->hsm, HV__HSM_STATE__HSM_STARTED);
	assert_int_equal(u->timecmp, ~0ull);
	assert_true(msg_equal(&v.base, &u->base));
	hv__vcpu_state__free_unpacked(u, NULL);
	free(p.buf);
}

/* ---- The envelopes as the server and client will use them ---- */

static void test_hello_and_request_reply(void **state)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT, *cu;
	Hv__DomctlServerMessage sm = HV__DOMCTL_SERVER_MESSAGE__INIT, *su;
	Hv__DomctlHello hello = HV__DOMCTL_HELLO__INIT;
	Hv__DomctlRequest req = HV__DOMCTL_REQUEST__INIT;
	Hv__LogDirtyCleanRequest clean = HV__LOG_DIRTY_CLEAN_REQUEST__INIT;
	Hv__PfnRange range = HV__PFN_RANGE__INIT;
	Hv__DomctlReply reply = HV__DOMCTL_REPLY__INIT;
	Hv__DirtyBitmap bm = HV__DIRTY_BITMAP__INIT;
	uint8_t bits[3] = { 0x81, 0x00, 0x05 };
	struct packed p;

	hello.min_version = 1;
	hello.max_version = HV__DOMCTL_PROTOCOL__DOMCTL_VERSION;
	hello.client = "test";
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_HELLO;
	cm.hello = &hello;
	p = pack(&cm.base);
	cu = hv__domctl_client_message__unpack(NULL, p.len, p.buf);
	assert_non_null(cu);
	assert_int_equal(cu->msg_case, HV__DOMCTL_CLIENT_MESSAGE__MSG_HELLO);
	assert_int_equal(cu->hello->min_version, 1);
	assert_string_equal(cu->hello->client, "test");
	hv__domctl_client_message__free_unpacked(cu, NULL);
	free(p.buf);

	range.first_pfn = 0x100;
	range.count = 20;
	clean.range = &range;
	req.id = 42;
	req.req_case = HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_CLEAN;
	req.log_dirty_clean = &clean;
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
	cm.request = &req;
	p = pack(&cm.base);
	cu = hv__domctl_client_message__unpack(NULL, p.len, p.buf);
	assert_non_null(cu);
	assert_int_equal(cu->msg_case, HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST);
	assert_int_equal(cu->request->id, 42);
	assert_int_equal(cu->request->req_case,
			 HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_CLEAN);
	assert_int_equal(cu->request->log_dirty_clean->range->first_pfn,
			 0x100);
	assert_int_equal(cu->request->log_dirty_clean->range->count, 20);
	hv__domctl_client_message__free_unpacked(cu, NULL);
	free(p.buf);

	bm.first_pfn = 0x100;
	bm.count = 20;
	bm.bits.data = bits;
	bm.bits.len = sizeof(bits);
	reply.id = 42;
	reply.result_case = HV__DOMCTL_REPLY__RESULT_BITMAP;
	reply.bitmap = &bm;
	sm.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY;
	sm.reply = &reply;
	p = pack(&sm.base);
	su = hv__domctl_server_message__unpack(NULL, p.len, p.buf);
	assert_non_null(su);
	assert_int_equal(su->reply->id, 42);
	assert_int_equal(su->reply->status, 0);
	assert_int_equal(su->reply->result_case,
			 HV__DOMCTL_REPLY__RESULT_BITMAP);
	assert_int_equal(su->reply->bitmap->bits.len, 3);
	assert_memory_equal(su->reply->bitmap->bits.data, bits, 3);
	hv__domctl_server_message__free_unpacked(su, NULL);
	free(p.buf);

	/* an error reply: status and text, no result */
	reply.status = -16;	/* -EBUSY */
	reply.error = "log-dirty is already on";
	reply.result_case = HV__DOMCTL_REPLY__RESULT__NOT_SET;
	p = pack(&sm.base);
	su = hv__domctl_server_message__unpack(NULL, p.len, p.buf);
	assert_non_null(su);
	assert_int_equal(su->reply->status, -16);
	assert_string_equal(su->reply->error, "log-dirty is already on");
	assert_int_equal(su->reply->result_case,
			 HV__DOMCTL_REPLY__RESULT__NOT_SET);
	hv__domctl_server_message__free_unpacked(su, NULL);
	free(p.buf);
}

/*
 * A newer peer's envelope member (an unknown field number) decodes as an
 * envelope with nothing set, which the receiver answers with -EOPNOTSUPP
 * (server) or ignores (client), as domctl.proto says.
 */
static void test_unknown_member_is_not_set(void **state)
{
	/* field 99, length-delimited, 2 bytes; then field 1 of a request */
	static const uint8_t req[] = { 0x08, 0x07, 0x9a, 0x06, 0x02, 0xaa,
				       0xbb };
	/* field 2 (request), length 7: the request above */
	static const uint8_t env[] = { 0x12, 0x07, 0x08, 0x07, 0x9a, 0x06,
				       0x02, 0xaa, 0xbb };
	Hv__DomctlRequest *r;
	Hv__DomctlClientMessage *cm;

	r = hv__domctl_request__unpack(NULL, sizeof(req), req);
	assert_non_null(r);
	assert_int_equal(r->id, 7);
	assert_int_equal(r->req_case, HV__DOMCTL_REQUEST__REQ__NOT_SET);
	assert_int_equal(r->base.n_unknown_fields, 1);
	hv__domctl_request__free_unpacked(r, NULL);

	cm = hv__domctl_client_message__unpack(NULL, sizeof(env), env);
	assert_non_null(cm);
	assert_int_equal(cm->msg_case, HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST);
	assert_int_equal(cm->request->req_case,
			 HV__DOMCTL_REQUEST__REQ__NOT_SET);
	hv__domctl_client_message__free_unpacked(cm, NULL);
}

/* ---- Bad input ---- */

/*
 * An envelope is one length-delimited member, so every proper non-empty
 * prefix of a packed envelope cuts into it and must be rejected. (The
 * empty prefix is a valid envelope with nothing set.)
 */
static void test_truncated_envelopes(void **state)
{
	const ProtobufCMessageDescriptor *env[] = {
		&hv__domctl_client_message__descriptor,
		&hv__domctl_server_message__descriptor,
	};
	unsigned e, c, n = 0;
	size_t len;

	for (e = 0; e < 2; e++) {
		for (c = 0; c < variants(env[e]); c++) {
			ProtobufCMessage *m = fill_message(env[e], c, 0), *u;
			struct packed p = pack(m);

			for (len = 1; len < p.len; len++) {
				/* a copy of just len bytes, so ASan sees
				 * any read past the cut */
				uint8_t *cut = malloc(len);

				assert_non_null(cut);
				memcpy(cut, p.buf, len);
				u = unpack(env[e], cut, len);
				if (u)
					fail_msg("%s choice %u: %zu of %zu "
						 "bytes accepted",
						 env[e]->name, c, len, p.len);
				free(cut);
				n++;
			}
			u = unpack(env[e], p.buf, 0);
			assert_non_null(u);
			/* envelopes are one oneof: nothing set */
			assert_int_equal(*(uint32_t *)((uint8_t *)u +
				env[e]->fields[0].quantifier_offset), 0);
			protobuf_c_message_free_unpacked(u, NULL);
			protobuf_c_message_free_unpacked(m, NULL);
			free(p.buf);
		}
	}
	print_message("%u truncations rejected\n", n);
}

/*
 * A state message cut anywhere either fails or, cut between two of its
 * fields, is exactly the message those fields make.
 */
static void test_truncated_state(void **state)
{
	ProtobufCMessage *m = fill_message(&hv__vcpu_state__descriptor, 0, 0);
	struct packed p = pack(m), q;
	unsigned rejected = 0;
	size_t len;

	for (len = 0; len < p.len; len++) {
		uint8_t *cut = malloc(len ? len : 1);
		ProtobufCMessage *u;

		assert_non_null(cut);
		memcpy(cut, p.buf, len);
		u = unpack(&hv__vcpu_state__descriptor, cut, len);
		if (!u) {
			rejected++;
		} else {
			q = pack(u);
			assert_int_equal(q.len, len);
			assert_memory_equal(q.buf, p.buf, len);
			free(q.buf);
			protobuf_c_message_free_unpacked(u, NULL);
		}
		free(cut);
	}
	/* most cuts land inside a field */
	assert_true(rejected > p.len / 2);
	protobuf_c_message_free_unpacked(m, NULL);
	free(p.buf);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Decodes @len bytes as each envelope; whatever comes back is freed
 * (random bytes may well form a valid message). Must not crash. */
static void decode_anything(const uint8_t *buf, size_t len)
{
	ProtobufCMessage *u;

	u = unpack(&hv__domctl_client_message__descriptor, buf, len);
	if (u)
		protobuf_c_message_free_unpacked(u, NULL);
	u = unpack(&hv__domctl_server_message__descriptor, buf, len);
	if (u)
		protobuf_c_message_free_unpacked(u, NULL);
}

static void test_garbage(void **state)
{
	ProtobufCMessage *m;
	struct packed p;
	unsigned i, c;
	size_t j, len;

	/* random buffers */
	for (i = 0; i < 20000; i++) {
		uint8_t *buf;

		len = rng() % 300;
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rng();
		decode_anything(buf, len);
		free(buf);
	}

	/* every single-bit flip of every server envelope */
	for (c = 0; c < variants(&hv__domctl_server_message__descriptor);
	     c++) {
		m = fill_message(&hv__domctl_server_message__descriptor, c, 0);
		p = pack(m);
		for (j = 0; j < p.len * 8; j++) {
			p.buf[j / 8] ^= (uint8_t)(1u << (j % 8));
			decode_anything(p.buf, p.len);
			p.buf[j / 8] ^= (uint8_t)(1u << (j % 8));
		}
		protobuf_c_message_free_unpacked(m, NULL);
		free(p.buf);
	}

	/* an invalid wire type (7), an over-long varint */
	{
		static const uint8_t bad_wire[] = { 0x0f, 0x00 };
		static const uint8_t long_varint[] = {
			0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0x01
		};

		assert_null(unpack(&hv__domctl_request__descriptor, bad_wire,
				   sizeof(bad_wire)));
		assert_null(unpack(&hv__domctl_request__descriptor,
				   long_varint, sizeof(long_varint)));
	}
}

/*
 * Length prefixes that claim more than the buffer holds, up to 2^64-1, on
 * the envelope's member, on a bytes field and on a packed repeated field:
 * rejected, without an allocation of the claimed size.
 */
static void test_oversized_length_prefix(void **state)
{
	/* field 2 (request), length L, then 3 bytes */
	static const uint8_t env_small[] = { 0x12, 0x04, 0x08, 0x01, 0x00 };
	static const uint8_t env_huge[] = {
		0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x08, 0x01, 0x00
	};
	static const uint8_t env_max[] = {
		0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x01, 0x08, 0x01
	};
	/* ConsoleWriteRequest.data (field 1), 1 GiB claimed, 4 bytes there */
	static const uint8_t bytes_huge[] = {
		0x0a, 0x80, 0x80, 0x80, 0x80, 0x04, 'a', 'b', 'c', 'd'
	};
	/* VcpuState.x (field 2, packed), 16 bytes claimed, 2 there */
	static const uint8_t packed_long[] = { 0x12, 0x10, 0x01, 0x02 };
	/* PlicState.contexts (field 5) claiming 1 byte past the end */
	static const uint8_t sub_long[] = { 0x2a, 0x03, 0x08, 0x01 };

	assert_null(unpack(&hv__domctl_client_message__descriptor, env_small,
			   sizeof(env_small)));
	assert_null(unpack(&hv__domctl_client_message__descriptor, env_huge,
			   sizeof(env_huge)));
	assert_null(unpack(&hv__domctl_client_message__descriptor, env_max,
			   sizeof(env_max)));
	assert_null(unpack(&hv__console_write_request__descriptor, bytes_huge,
			   sizeof(bytes_huge)));
	assert_null(unpack(&hv__vcpu_state__descriptor, packed_long,
			   sizeof(packed_long)));
	assert_null(unpack(&hv__plic_state__descriptor, sub_long,
			   sizeof(sub_long)));
	/* the same buffers with the lengths right are fine */
	{
		static const uint8_t env_ok[] = { 0x12, 0x02, 0x08, 0x01 };
		static const uint8_t packed_ok[] = { 0x12, 0x02, 0x01, 0x02 };
		Hv__VcpuState *v;
		ProtobufCMessage *u;

		u = unpack(&hv__domctl_client_message__descriptor, env_ok,
			   sizeof(env_ok));
		assert_non_null(u);
		protobuf_c_message_free_unpacked(u, NULL);
		v = hv__vcpu_state__unpack(NULL, sizeof(packed_ok),
					   packed_ok);
		assert_non_null(v);
		assert_int_equal(v->n_x, 2);
		assert_int_equal(v->x[1], 2);
		hv__vcpu_state__free_unpacked(v, NULL);
	}
}

/* ---- Limits ---- */

/* The largest legal replies and requests fit in DOMCTL_MESSAGE_MAX. */
static void test_limits_fit(void **state)
{
	Hv__DomctlServerMessage sm = HV__DOMCTL_SERVER_MESSAGE__INIT;
	Hv__DomctlReply reply = HV__DOMCTL_REPLY__INIT;
	Hv__DirtyBitmap bm = HV__DIRTY_BITMAP__INIT;
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
	Hv__DomctlRequest req = HV__DOMCTL_REQUEST__INIT;
	Hv__ConsoleWriteRequest cw = HV__CONSOLE_WRITE_REQUEST__INIT;
	const size_t max = HV__DOMCTL_PROTOCOL__DOMCTL_MESSAGE_MAX;
	uint8_t *buf;

	assert_int_equal(HV__DOMCTL_PROTOCOL__DOMCTL_VERSION, 1);
	assert_int_equal(HV__DOMCTL_PROTOCOL__DOMCTL_HEADER_SIZE, 4);
	assert_int_equal(max, 192u << 10);

	/* a full-size bitmap reply with the longest id */
	buf = calloc(1, max);
	assert_non_null(buf);
	bm.first_pfn = ~0ull;
	bm.count = HV__DOMCTL_PROTOCOL__DOMCTL_BITMAP_MAX_PAGES;
	bm.bits.len = HV__DOMCTL_PROTOCOL__DOMCTL_BITMAP_MAX_PAGES / 8;
	bm.bits.data = buf;
	reply.id = ~0ull;
	reply.result_case = HV__DOMCTL_REPLY__RESULT_BITMAP;
	reply.bitmap = &bm;
	sm.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY;
	sm.reply = &reply;
	assert_true(hv__domctl_server_message__get_packed_size(&sm) <= max);

	cw.data.len = HV__DOMCTL_PROTOCOL__DOMCTL_CONSOLE_WRITE_MAX;
	cw.data.data = buf;
	req.id = ~0ull;
	req.req_case = HV__DOMCTL_REQUEST__REQ_CONSOLE_WRITE;
	req.console_write = &cw;
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
	cm.request = &req;
	assert_true(hv__domctl_client_message__get_packed_size(&cm) <= max);
	free(buf);

	/* a vCPU's state with every register and CSR at its longest
	 * encoding is small next to the limit: 8 would fit in one message */
	{
		Hv__VcpuState v = HV__VCPU_STATE__INIT;
		Hv__Reservation r = HV__RESERVATION__INIT;
		uint64_t regs[32];

		memset(regs, 0xff, sizeof(regs));
		r.addr = r.value = ~0ull;
		v.hartid = ~0u;
		v.n_x = v.n_f = 32;
		v.x = v.f = regs;
		v.pc = v.sstatus = v.stvec = v.sscratch = v.sepc = ~0ull;
		v.scause = v.stval = v.satp = v.scounteren = ~0ull;
		v.senvcfg = v.sie = v.sip = v.timecmp = v.instret = ~0ull;
		v.start_pc = v.start_a1 = ~0ull;
		v.fflags = v.frm = ~0u;
		v.priv = HV__PRIV_MODE__PRIV_SUPERVISOR;
		v.hsm = HV__HSM_STATE__HSM_SUSPENDED;
		v.reservation = &r;
		assert_true(hv__vcpu_state__get_packed_size(&v) * 8 < max);
	}
}

/*
 * The transport docs/domctl.md recommends carries the largest record
 * (header + DOMCTL_MESSAGE_MAX) whole once the sender asks for a send
 * buffer of twice that, which unprivileged processes may do on a stock
 * kernel (net.core.wmem_max 208 KiB; the kernel doubles the request).
 */
static void test_largest_record_fits_seqpacket(void **state)
{
	const size_t rec = HV__DOMCTL_PROTOCOL__DOMCTL_HEADER_SIZE +
			   HV__DOMCTL_PROTOCOL__DOMCTL_MESSAGE_MAX;
	int sv[2], sndbuf = (int)(2 * rec);
	uint8_t *buf = calloc(1, rec + 1);

	assert_non_null(buf);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
				    sizeof(sndbuf)), 0);
	assert_int_equal(send(sv[0], buf, rec, 0), (ssize_t)rec);
	/* MSG_TRUNC: the record's real length, as the receiver checks it */
	assert_int_equal(recv(sv[1], buf, rec + 1, MSG_TRUNC), (ssize_t)rec);
	close(sv[0]);
	close(sv[1]);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_message_round_trips),
		cmocka_unit_test(test_comparator_sees_differences),
		cmocka_unit_test(test_vcpu_state_every_field),
		cmocka_unit_test(test_hello_and_request_reply),
		cmocka_unit_test(test_unknown_member_is_not_set),
		cmocka_unit_test(test_truncated_envelopes),
		cmocka_unit_test(test_truncated_state),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_oversized_length_prefix),
		cmocka_unit_test(test_limits_fit),
		cmocka_unit_test(test_largest_record_fits_seqpacket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
