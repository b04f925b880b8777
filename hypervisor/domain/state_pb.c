// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "state_pb.h"
#include "proto/state.pb-c.h"

#define BAD(log, ...) do {						\
		log_err(log, __VA_ARGS__);				\
		ret = -EINVAL;						\
		goto out;						\
	} while (0)

/* Packs any message into a malloc'd buffer. */
static int pack(const ProtobufCMessage *msg, uint8_t **buf, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(msg);

	*buf = malloc(n ? n : 1);
	if (!*buf)
		return -ENOMEM;
	*len = protobuf_c_message_pack(msg, *buf);
	return 0;
}

int state_pb_pack_vcpu(const struct cpu_context *c, unsigned hartid,
		       uint8_t **buf, size_t *len)
{
	Hv__VcpuState v = HV__VCPU_STATE__INIT;
	Hv__Reservation r = HV__RESERVATION__INIT;
	uint64_t x[32], f[32];

	memcpy(x, c->x, sizeof(x));
	x[0] = 0;
	memcpy(f, c->f, sizeof(f));
	v.hartid = hartid;
	v.n_x = 32;
	v.x = x;
	v.n_f = 32;
	v.f = f;
	v.pc = c->pc;
	v.priv = c->priv ? HV__PRIV_MODE__PRIV_SUPERVISOR
			 : HV__PRIV_MODE__PRIV_USER;
	v.sstatus = c->sstatus;
	v.fflags = c->fflags;
	v.frm = c->frm;
	v.stvec = c->stvec;
	v.sscratch = c->sscratch;
	v.sepc = c->sepc;
	v.scause = c->scause;
	v.stval = c->stval;
	v.satp = c->satp;
	v.scounteren = c->scounteren;
	v.senvcfg = c->senvcfg;
	v.sie = c->sie;
	v.sip = c->mip;
	v.timecmp = c->timecmp;
	v.instret = c->instret;
	if (c->lr_valid) {
		r.addr = c->lr_addr;
		r.value = c->lr_val;
		v.reservation = &r;
	}
	v.hsm = (Hv__HsmState)c->hsm;
	v.start_pc = c->start_pc;
	v.start_a1 = c->start_a1;
	return pack(&v.base, buf, len);
}

int state_pb_unpack_vcpu(const uint8_t *buf, size_t len,
			 struct cpu_context *c, unsigned *hartid,
			 const struct hv_log *log)
{
	Hv__VcpuState *v = hv__vcpu_state__unpack(NULL, len, buf);
	int ret = 0;

	if (!v) {
		log_err(log, "vCPU state: not a VcpuState message");
		return -EBADMSG;
	}
	if (v->n_x != 32 || v->n_f != 32)
		BAD(log, "vCPU state: %zu x and %zu f registers, want 32",
		    v->n_x, v->n_f);
	if (v->x[0])
		BAD(log, "vCPU state: x0 is not zero");
	if (v->priv != HV__PRIV_MODE__PRIV_USER &&
	    v->priv != HV__PRIV_MODE__PRIV_SUPERVISOR)
		BAD(log, "vCPU state: privilege mode %d", (int)v->priv);
	if ((unsigned)v->hsm > HV__HSM_STATE__HSM_SUSPENDED)
		BAD(log, "vCPU state: HSM state %d", (int)v->hsm);
	if (v->fflags > 0x1f || v->frm > 7)
		BAD(log, "vCPU state: fflags 0x%x / frm %u out of range",
		    v->fflags, v->frm);
	memset(c, 0, sizeof(*c));
	memcpy(c->x, v->x, sizeof(c->x));
	memcpy(c->f, v->f, sizeof(c->f));
	c->pc = v->pc;
	c->priv = v->priv == HV__PRIV_MODE__PRIV_SUPERVISOR;
	c->sstatus = v->sstatus;
	c->fflags = v->fflags;
	c->frm = v->frm;
	c->stvec = v->stvec;
	c->sscratch = v->sscratch;
	c->sepc = v->sepc;
	c->scause = v->scause;
	c->stval = v->stval;
	c->satp = v->satp;
	c->scounteren = v->scounteren;
	c->senvcfg = v->senvcfg;
	c->sie = v->sie;
	c->mip = v->sip;
	c->timecmp = v->timecmp;
	c->instret = v->instret;
	if (v->reservation) {
		c->lr_valid = 1;
		c->lr_addr = v->reservation->addr;
		c->lr_val = v->reservation->value;
	}
	c->hsm = (uint32_t)v->hsm;
	c->start_pc = v->start_pc;
	c->start_a1 = v->start_a1;
	*hartid = v->hartid;
out:
	hv__vcpu_state__free_unpacked(v, NULL);
	return ret;
}

int state_pb_pack_devices(const struct hv_machine_state *st, uint8_t **buf,
			  size_t *len)
{
	Hv__DeviceState d = HV__DEVICE_STATE__INIT;
	Hv__UartState u = HV__UART_STATE__INIT;
	Hv__PlicState p = HV__PLIC_STATE__INIT;
	Hv__PlicContext ctx[PLIC_MAX_CONTEXTS], *ctxp[PLIC_MAX_CONTEXTS];
	const struct plic_state *ps = &st->plic;
	const struct uart_state *us = &st->uart;
	uint32_t prio[PLIC_NR_SOURCES], lvl[PLIC_WORDS], clm[PLIC_WORDS];
	uint32_t en[PLIC_MAX_CONTEXTS][PLIC_WORDS];

	u.ier = us->ier;
	u.lcr = us->lcr;
	u.mcr = us->mcr;
	u.msr = us->msr;
	u.scr = us->scr;
	u.fcr = us->fcr;
	u.dll = us->dll;
	u.dlm = us->dlm;
	u.rbr = us->rbr;
	u.thr_ipending = us->thr_ipending;
	u.input.len = us->input_len;
	u.input.data = (uint8_t *)us->input;

	memcpy(prio, ps->priority, sizeof(prio));
	memcpy(lvl, ps->level, sizeof(lvl));
	memcpy(clm, ps->claimed, sizeof(clm));
	p.nr_sources = PLIC_NR_SOURCES;
	p.n_priority = PLIC_NR_SOURCES;
	p.priority = prio;
	p.n_level = PLIC_WORDS;
	p.level = lvl;
	p.n_claimed = PLIC_WORDS;
	p.claimed = clm;
	p.n_contexts = ps->nr_contexts;
	p.contexts = ctxp;
	for (unsigned c = 0; c < ps->nr_contexts; c++) {
		hv__plic_context__init(&ctx[c]);
		memcpy(en[c], ps->enable[c], sizeof(en[c]));
		ctx[c].n_enable = PLIC_WORDS;
		ctx[c].enable = en[c];
		ctx[c].threshold = ps->threshold[c];
		ctxp[c] = &ctx[c];
	}
	d.uart = &u;
	d.plic = &p;
	d.time = st->time;
	d.timebase_hz = HV_TIMEBASE_HZ;
	return pack(&d.base, buf, len);
}

int state_pb_unpack_devices(const uint8_t *buf, size_t len,
			    struct hv_machine_state *st,
			    const struct hv_log *log)
{
	Hv__DeviceState *d = hv__device_state__unpack(NULL, len, buf);
	struct plic_state *ps = &st->plic;
	struct uart_state *us = &st->uart;
	Hv__UartState *u;
	Hv__PlicState *p;
	int ret = 0;

	if (!d) {
		log_err(log, "device state: not a DeviceState message");
		return -EBADMSG;
	}
	u = d->uart;
	p = d->plic;
	if (!u || !p)
		BAD(log, "device state: no %s", u ? "PLIC" : "UART");
	if (d->timebase_hz != HV_TIMEBASE_HZ)
		BAD(log, "device state: timebase %llu Hz, this host runs %llu",
		    (unsigned long long)d->timebase_hz,
		    (unsigned long long)HV_TIMEBASE_HZ);
	if (u->input.len > UART_INPUT_MAX)
		BAD(log, "UART state: %zu input bytes, at most %d",
		    u->input.len, UART_INPUT_MAX);
	if (u->ier > 255 || u->lcr > 255 || u->mcr > 255 || u->msr > 255 ||
	    u->scr > 255 || u->fcr > 255 || u->dll > 255 || u->dlm > 255 ||
	    u->rbr > 255)
		BAD(log, "UART state: a register above 255");
	if (p->nr_sources != PLIC_NR_SOURCES ||
	    p->n_priority != PLIC_NR_SOURCES || p->n_level != PLIC_WORDS ||
	    p->n_claimed != PLIC_WORDS)
		BAD(log, "PLIC state: %u sources, this PLIC has %d",
		    p->nr_sources, PLIC_NR_SOURCES);
	if (p->n_contexts > PLIC_MAX_CONTEXTS)
		BAD(log, "PLIC state: %zu contexts", p->n_contexts);
	us->ier = (uint8_t)u->ier;
	us->lcr = (uint8_t)u->lcr;
	us->mcr = (uint8_t)u->mcr;
	us->msr = (uint8_t)u->msr;
	us->scr = (uint8_t)u->scr;
	us->fcr = (uint8_t)u->fcr;
	us->dll = (uint8_t)u->dll;
	us->dlm = (uint8_t)u->dlm;
	us->rbr = (uint8_t)u->rbr;
	us->thr_ipending = u->thr_ipending;
	us->input_len = u->input.len;
	if (u->input.len)
		memcpy(us->input, u->input.data, u->input.len);
	memcpy(ps->priority, p->priority, sizeof(ps->priority));
	memcpy(ps->level, p->level, sizeof(ps->level));
	memcpy(ps->claimed, p->claimed, sizeof(ps->claimed));
	ps->nr_contexts = (unsigned)p->n_contexts;
	for (unsigned c = 0; c < ps->nr_contexts; c++) {
		if (p->contexts[c]->n_enable != PLIC_WORDS)
			BAD(log, "PLIC state: context %u has %zu enable words",
			    c, p->contexts[c]->n_enable);
		memcpy(ps->enable[c], p->contexts[c]->enable,
		       sizeof(ps->enable[c]));
		ps->threshold[c] = p->contexts[c]->threshold;
	}
	st->time = d->time;
out:
	hv__device_state__free_unpacked(d, NULL);
	return ret;
}

int state_pb_pack_config(const struct hv_machine_config *cfg,
			 const char *name, const uint8_t *uuid, uint8_t **buf,
			 size_t *len)
{
	Hv__DomainConfig d = HV__DOMAIN_CONFIG__INIT;

	d.name = (char *)(name ? name : "");
	if (uuid) {
		d.uuid.data = (uint8_t *)uuid;
		d.uuid.len = 16;
	}
	d.vcpus = cfg->vcpus;
	d.memory_bytes = cfg->ram_size;
	d.kernel = (char *)(cfg->kernel ? cfg->kernel : "");
	d.initrd = (char *)(cfg->initrd ? cfg->initrd : "");
	d.cmdline = (char *)(cfg->cmdline ? cfg->cmdline : "");
	return pack(&d.base, buf, len);
}

static char *dup_or_null(const char *s, int *ret)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		*ret = -ENOMEM;
	return d;
}

int state_pb_unpack_config(const uint8_t *buf, size_t len,
			   struct hv_machine_config *cfg,
			   struct state_pb_strings *s,
			   const struct hv_log *log)
{
	Hv__DomainConfig *d = hv__domain_config__unpack(NULL, len, buf);
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (!d) {
		log_err(log, "domain config: not a DomainConfig message");
		return -EBADMSG;
	}
	if (d->vcpus < 1 || d->vcpus > HV_VCPUS_MAX)
		BAD(log, "domain config: %u vCPUs", d->vcpus);
	if (d->memory_bytes < HV_RAM_MIN || d->memory_bytes > HV_RAM_MAX ||
	    d->memory_bytes % (1ull << 20))
		BAD(log, "domain config: memory %llu bytes",
		    (unsigned long long)d->memory_bytes);
	cfg->vcpus = d->vcpus;
	cfg->ram_size = d->memory_bytes;
	s->kernel = dup_or_null(d->kernel, &ret);
	s->initrd = dup_or_null(d->initrd, &ret);
	s->cmdline = dup_or_null(d->cmdline, &ret);
	s->name = dup_or_null(d->name, &ret);
	cfg->kernel = s->kernel;
	cfg->initrd = s->initrd;
	cfg->cmdline = s->cmdline;
	if (ret)
		state_pb_config_free(s);
out:
	hv__domain_config__free_unpacked(d, NULL);
	return ret;
}

void state_pb_config_free(struct state_pb_strings *s)
{
	free(s->kernel);
	free(s->initrd);
	free(s->cmdline);
	free(s->name);
	memset(s, 0, sizeof(*s));
}
