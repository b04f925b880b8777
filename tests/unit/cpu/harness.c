// SPDX-License-Identifier: MIT
/*
 * The interpreter test bench (see harness.h). Linked into every
 * tests/unit/cpu test binary.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness.h"

/* Budget of one slice, and slices before h_run gives up. */
#define H_SLICE		1000
#define H_MAX_SLICES	20000

static void capture(void *opaque, const uint8_t *buf, size_t len)
{
	struct harness *h = opaque;

	pthread_mutex_lock(&h->out_lock);
	if (len > H_OUT_MAX - h->out_len)
		len = H_OUT_MAX - h->out_len;
	memcpy(h->out + h->out_len, buf, len);
	h->out_len += len;
	h->out[h->out_len] = 0;
	pthread_mutex_unlock(&h->out_lock);
}

static void record_shutdown(void *opaque, enum hv_shutdown_kind kind,
			    int code)
{
	struct harness *h = opaque;

	h->shutdowns++;
	h->sd_kind = kind;
	h->sd_code = code;
}

struct harness *h_create(unsigned nr_cpus)
{
	struct uart_backend be = { .write = capture };
	struct harness *h = calloc(1, sizeof(*h));
	uint64_t pages = H_RAM_SIZE >> PAGE_SHIFT;
	struct mmio_region r;

	assert_non_null(h);
	assert_true(nr_cpus >= 1 && nr_cpus <= HV_MAX_VCPUS);
	h->ram = aligned_alloc(PAGE_SIZE, H_RAM_SIZE);
	assert_non_null(h->ram);
	memset(h->ram, 0, H_RAM_SIZE);
	h->bus.ram = h->ram;
	h->bus.ram_base = H_RAM_BASE;
	h->bus.ram_size = H_RAM_SIZE;
	pthread_mutex_init(&h->out_lock, NULL);
	be.opaque = h;
	assert_int_equal(uart_create(&h->uart, NULL, 0, &be), 0);
	r = uart_region(h->uart);
	assert_int_equal(bus_add_mmio(&h->bus, &r), 0);

	h->plat.bus = &h->bus;
	h->plat.nr_pages = pages;
	h->plat.pflags = calloc(pages, sizeof(*h->plat.pflags));
	h->plat.code_gen = calloc(pages, sizeof(*h->plat.code_gen));
	assert_non_null(h->plat.pflags);
	assert_non_null(h->plat.code_gen);
	h->plat.uart = h->uart;
	h->plat.shutdown.shutdown = record_shutdown;
	h->plat.shutdown.opaque = h;
	cpu_platform_set_time(&h->plat, 0);
	pthread_mutex_init(&h->plat.ack_lock, NULL);
	cpu_cond_init(&h->plat.ack_cond);

	for (unsigned n = 0; n < nr_cpus; n++) {
		struct cpu *c;

		assert_int_equal(cpu_interp_ops.create(&c, &h->plat, n), 0);
		c->stvec = H_TRAP;
		h->cpu[n] = c;
		h->plat.cpus[n] = c;
	}
	h->nr_cpus = h->plat.nr_cpus = nr_cpus;
	atomic_store(&h->cpu[0]->hsm, HSM_STARTED);

	/* The trap page: every word a `j .`, so vectored entries stop too. */
	for (uint64_t off = 0; off < PAGE_SIZE; off += 4)
		h_w32(h, H_TRAP + off, JAL(0, 0));
	h->pt_next = H_PT_POOL;
	return h;
}

void h_destroy(struct harness *h)
{
	if (!h)
		return;
	for (unsigned n = 0; n < h->nr_cpus; n++)
		cpu_destroy(h->cpu[n]);
	uart_destroy(h->uart);
	pthread_mutex_destroy(&h->plat.ack_lock);
	pthread_cond_destroy(&h->plat.ack_cond);
	pthread_mutex_destroy(&h->out_lock);
	free((void *)h->plat.pflags);
	free((void *)h->plat.code_gen);
	free((void *)h->plat.dirty);
	free(h->ram);
	free(h);
}

int h_setup1(void **state)
{
	*state = h_create(1);
	return 0;
}

int h_setup2(void **state)
{
	*state = h_create(2);
	return 0;
}

int h_teardown(void **state)
{
	h_destroy(*state);
	return 0;
}

void *h_ptr(struct harness *h, uint64_t pa)
{
	assert_true(bus_is_ram(&h->bus, pa, 1));
	return h->ram + (pa - H_RAM_BASE);
}

void h_write(struct harness *h, uint64_t pa, const void *src, size_t len)
{
	assert_true(bus_is_ram(&h->bus, pa, len));
	memcpy(h->ram + (pa - H_RAM_BASE), src, len);
	if (mem_note_write(&h->plat, pa, len))
		for (unsigned n = 0; n < h->nr_cpus; n++)
			if (!h->threaded[n])
				dcache_flush(h->cpu[n]);
}

void h_w32(struct harness *h, uint64_t pa, uint32_t v)
{
	h_write(h, pa, &v, 4);
}

void h_w64(struct harness *h, uint64_t pa, uint64_t v)
{
	h_write(h, pa, &v, 8);
}

uint32_t h_r32(struct harness *h, uint64_t pa)
{
	uint32_t v;

	memcpy(&v, h_ptr(h, pa), 4);
	return v;
}

uint64_t h_r64(struct harness *h, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, h_ptr(h, pa), 8);
	return v;
}

void h_org(struct harness *h, uint64_t pa)
{
	h_org_va(h, pa, pa);
}

void h_org_va(struct harness *h, uint64_t va, uint64_t pa)
{
	h->pc = va;
	h->pc_host = h_ptr(h, pa);
}

uint64_t e32(struct harness *h, uint32_t insn)
{
	uint64_t at = h->pc;
	uint64_t pa = H_RAM_BASE + (uint64_t)(h->pc_host - h->ram);

	h_write(h, pa, &insn, 4);
	h->pc += 4;
	h->pc_host += 4;
	return at;
}

uint64_t e16(struct harness *h, uint16_t insn)
{
	uint64_t at = h->pc;
	uint64_t pa = H_RAM_BASE + (uint64_t)(h->pc_host - h->ram);

	h_write(h, pa, &insn, 2);
	h->pc += 2;
	h->pc_host += 2;
	return at;
}

uint64_t h_end(struct harness *h)
{
	return e32(h, JAL(0, 0));
}

void e_li(struct harness *h, unsigned rd, uint64_t v)
{
	int64_t s = (int64_t)v;
	int64_t lo12 = (int64_t)(v << 52) >> 52;

	if (s == (int32_t)s) {
		/* lui + addiw: hi20 absorbs the carry of the low part */
		int64_t hi = (s - lo12) >> 12;

		if (hi) {
			e32(h, LUI(rd, (uint32_t)hi & 0xfffff));
			e32(h, ADDIW(rd, rd, (int32_t)lo12));
		} else {
			e32(h, ADDI(rd, 0, (int32_t)lo12));
		}
		return;
	}
	/* upper part first, then shift in 12 bits at a time */
	e_li(h, rd, (uint64_t)((int64_t)(v - (uint64_t)lo12) >> 12));
	e32(h, SLLI(rd, rd, 12));
	if (lo12)
		e32(h, ADDI(rd, rd, (int32_t)lo12));
}

static bool h_stopped(uint64_t pc, uint64_t end)
{
	return pc == end || (pc >= H_TRAP && pc < H_TRAP + PAGE_SIZE);
}

uint64_t h_resume(struct harness *h, struct cpu *c, uint64_t end)
{
	(void)h;
	/* Serve other vCPUs' requests between slices, as cpu_run does. */
	cpu_serving_begin(c);
	for (unsigned n = 0; n < H_MAX_SLICES && !h_stopped(c->pc, end); n++) {
		atomic_store(&c->kick, 0);
		cpu_handle_requests(c);
		c->wfi = false;
		cpu_exec_slice(c, H_SLICE);
	}
	cpu_serving_end(c);
	return c->pc;
}

uint64_t h_run(struct harness *h, struct cpu *c, uint64_t pc, uint64_t end)
{
	c->pc = pc;
	return h_resume(h, c, end);
}

uint64_t h_op(struct harness *h, uint32_t insn, uint64_t a, uint64_t b)
{
	struct cpu *c = h->cpu[0];
	uint64_t end;

	h_org(h, H_CODE);
	e32(h, insn);
	end = h_end(h);
	c->x[A0] = 0x5a5a5a5a5a5a5a5aull;
	c->x[A1] = a;
	c->x[A2] = b;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	return c->x[A0];
}

void h_check_cases(struct harness *h, const struct h_case *k, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		uint64_t got = h_op(h, k[j].insn, k[j].a, k[j].b);

		if (got != k[j].want)
			fail_msg("case %zu (insn %08x, a=%#llx b=%#llx): got "
				 "%#llx want %#llx", j, k[j].insn,
				 (unsigned long long)k[j].a,
				 (unsigned long long)k[j].b,
				 (unsigned long long)got,
				 (unsigned long long)k[j].want);
	}
}

uint64_t h_trap1(struct harness *h, struct cpu *c, uint32_t insn,
		 uint64_t cause)
{
	uint64_t end;

	h_org(h, H_CODE);
	e32(h, insn);
	end = h_end(h);
	c->scause = 0xdead;
	assert_int_equal(h_run(h, c, H_CODE, end), c->stvec & ~3ull);
	assert_int_equal(c->scause, cause);
	assert_int_equal(c->sepc, H_CODE);
	return c->stval;
}

void h_set_priv(struct cpu *c, unsigned priv)
{
	c->priv = priv;
	tlb_update_set(c);
}

void h_csrw(struct cpu *c, unsigned csr, uint64_t v)
{
	unsigned priv = c->priv;

	c->priv = PRV_S;
	assert_true(csr_write(c, csr, v));
	c->priv = priv;
	c->end_slice = false;
}

uint64_t h_csrr(struct cpu *c, unsigned csr)
{
	unsigned priv = c->priv;
	uint64_t v = 0;

	c->priv = PRV_S;
	assert_true(csr_read(c, csr, &v));
	c->priv = priv;
	return v;
}

uint64_t h_pt_alloc(struct harness *h)
{
	uint64_t pa = h->pt_next;

	assert_true(pa < H_PT_END);
	h->pt_next += PAGE_SIZE;
	memset(h_ptr(h, pa), 0, PAGE_SIZE);
	return pa;
}

uint64_t *h_map(struct harness *h, uint64_t root, uint64_t va, uint64_t pa,
		int level, uint64_t flags)
{
	uint64_t table = root;

	for (int l = 2; l > level; l--) {
		uint64_t *pte = h_ptr(h, table +
				      ((va >> (12 + 9 * l)) & 0x1ff) * 8);

		if (!(*pte & PTE_V))
			*pte = (h_pt_alloc(h) >> 12) << 10 | PTE_V;
		assert_true((*pte & (PTE_R | PTE_X)) == 0);
		table = (*pte >> 10) << 12;
	}
	{
		uint64_t *pte = h_ptr(h, table +
				      ((va >> (12 + 9 * level)) & 0x1ff) * 8);

		*pte = (pa >> 12) << 10 | flags;
		return pte;
	}
}

uint64_t h_sv39_root(struct harness *h)
{
	uint64_t root = h_pt_alloc(h);

	h_map(h, root, H_RAM_BASE, H_RAM_BASE, 2,
	      PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
	return root;
}

void h_sv39_on(struct cpu *c, uint64_t root)
{
	c->satp = SATP_SV39 | root >> 12;
	tlb_flush(c);
}

const char *h_out(struct harness *h)
{
	return h->out;
}
