// SPDX-License-Identifier: MIT
/*
 * Sv39 and bare translation: page sizes, malformed PTEs, permission
 * checks per mode (SUM, MXR, U vs S), hardware A/D updates, canonical
 * addresses, walks and accesses outside RAM, unsupported satp modes,
 * misaligned accesses split across pages, self-modifying code and an
 * instruction that straddles two pages.
 */
#include "harness.h"

#define VA4K	0x40000000ull	/* 4K pages are mapped from here */
#define UCODE_VA 0x40400000ull	/* U-mode code page */
#define UCODE_PA (H_CODE + 0x8000)
#define RW	(PTE_V | PTE_R | PTE_W)
#define AD	(PTE_A | PTE_D)

/* -1: the access completed; otherwise the exception cause. */
#define DONE (-1L)

/* A root with the identity gigapage and a U code page; Sv39 on cpu 0. */
static uint64_t mmu_on(struct harness *h)
{
	uint64_t root = h_sv39_root(h);

	h_map(h, root, UCODE_VA, UCODE_PA, 0,
	      PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
	h_sv39_on(h->cpu[0], root);
	return root;
}

static void code_cursor(struct harness *h)
{
	if (h->cpu[0]->priv == PRV_U && h->cpu[0]->satp)
		h_org_va(h, UCODE_VA, UCODE_PA);
	else
		h_org(h, H_CODE);
}

/*
 * Runs @insn (a1 = @va, a2 = @v) in the current mode. Returns DONE with
 * a0 in *@a0, or the cause of the trap it took (sepc checked; stval in
 * *@a0). The mode is restored after a trap.
 */
static long try_insn(struct harness *h, uint32_t insn, uint64_t va,
		     uint64_t v, uint64_t *a0)
{
	struct cpu *c = h->cpu[0];
	unsigned priv = c->priv;
	uint64_t start, end, pc;

	code_cursor(h);
	start = e32(h, insn);
	end = h_end(h);
	c->x[A0] = 0;
	c->x[A1] = va;
	c->x[A2] = v;
	pc = h_run(h, c, start, end);
	if (pc == end) {
		if (a0)
			*a0 = c->x[A0];
		return DONE;
	}
	assert_int_equal(pc, H_TRAP);
	assert_int_equal(c->sepc, start);
	if (a0)
		*a0 = c->stval;
	h_set_priv(c, priv);
	return (long)c->scause;
}

/* Loads (ld) from @va: DONE with the value, or the cause, stval = @va. */
static long ld(struct harness *h, uint64_t va, uint64_t *val)
{
	uint64_t v;
	long r = try_insn(h, LD(A0, A1, 0), va, 0, &v);

	if (r != DONE)
		assert_int_equal(v, va);
	else if (val)
		*val = v;
	return r;
}

static long sd(struct harness *h, uint64_t va, uint64_t val)
{
	uint64_t v;
	long r = try_insn(h, SD(A2, A1, 0), va, val, &v);

	if (r != DONE)
		assert_int_equal(v, va);
	return r;
}

/* Jumps to @va: DONE if it fetched (a `j .` must be there), or cause. */
static long fetch(struct harness *h, uint64_t va)
{
	struct cpu *c = h->cpu[0];
	unsigned priv = c->priv;
	uint64_t start, pc;

	code_cursor(h);
	start = e32(h, JALR(ZERO, A1, 0));
	c->x[A1] = va;
	pc = h_run(h, c, start, va);
	if (pc == va && c->priv == priv)
		return DONE;
	assert_int_equal(pc, H_TRAP);
	assert_int_equal(c->sepc, va);
	assert_int_equal(c->stval, va);
	h_set_priv(c, priv);
	return (long)c->scause;
}

static void test_page_sizes(void **state)
{
	struct harness *h = *state;
	uint64_t root = mmu_on(h), v = 0;

	h_map(h, root, VA4K, H_DATA, 0, RW | AD);
	h_map(h, root, 0x40200000, 0x80200000, 1, RW | AD);
	h_map(h, root, 0xc0000000, 0x80000000, 2, RW | AD);
	h_map(h, root, 0xffffffffc0000000ull, 0x80000000, 2, RW | AD);
	h_w64(h, H_DATA + 8, 0x1111);
	h_w64(h, 0x80201238, 0x2222);
	h_w64(h, 0x8037fff8, 0x3333);
	h_w64(h, H_DATA + 0x10, 0x4444);
	h_w64(h, H_DATA + 0x18, 0x5555);

	assert_int_equal(ld(h, VA4K + 8, &v), DONE);
	assert_int_equal(v, 0x1111);
	assert_int_equal(ld(h, 0x40201238, &v), DONE);
	assert_int_equal(v, 0x2222);
	assert_int_equal(ld(h, 0x4037fff8, &v), DONE);
	assert_int_equal(v, 0x3333);
	assert_int_equal(ld(h, 0xc0100010, &v), DONE);
	assert_int_equal(v, 0x4444);
	assert_int_equal(ld(h, 0xffffffffc0100018ull, &v), DONE);
	assert_int_equal(v, 0x5555);
	/* stores land at the translated address */
	assert_int_equal(sd(h, 0x40200ff8, 0xabc), DONE);
	assert_int_equal(h_r64(h, 0x80200ff8), 0xabc);
	assert_int_equal(sd(h, 0xc0100020, 0xdef), DONE);
	assert_int_equal(h_r64(h, H_DATA + 0x20), 0xdef);
	/* 4K next to the mapped one: nothing there */
	assert_int_equal(ld(h, VA4K + 0x1000, NULL), EXC_LOAD_PAGE);
}

static void test_misaligned_superpage(void **state)
{
	struct harness *h = *state;
	uint64_t root = mmu_on(h);

	/* 2M leaf with a PPN not 2M-aligned; 1G leaf not 1G-aligned */
	h_map(h, root, 0x40200000, 0x80201000, 1,
	      RW | PTE_X | AD);
	h_map(h, root, 0xc0000000, 0x80200000, 2, RW | PTE_X | AD);
	assert_int_equal(ld(h, 0x40200000, NULL), EXC_LOAD_PAGE);
	assert_int_equal(sd(h, 0x40200008, 1), EXC_STORE_PAGE);
	assert_int_equal(fetch(h, 0x40200010), EXC_INSN_PAGE);
	assert_int_equal(ld(h, 0xc0000000, NULL), EXC_LOAD_PAGE);
	assert_int_equal(sd(h, 0xc0000100, 1), EXC_STORE_PAGE);
	assert_int_equal(fetch(h, 0xc0000200), EXC_INSN_PAGE);
	assert_int_equal(h_r64(h, 0x80201008), 0);
}

static void test_bad_ptes(void **state)
{
	static const struct {
		const char *name;
		uint64_t pte_flags;
	} k[] = {
		{ "V=0", PTE_R | PTE_W | PTE_X | AD },
		{ "W without R", PTE_V | PTE_W | AD },
		{ "WX without R", PTE_V | PTE_W | PTE_X | AD },
		{ "reserved bit 54", RW | PTE_X | AD | 1ull << 54 },
		{ "reserved bit 60", RW | PTE_X | AD | 1ull << 60 },
		{ "PBMT", RW | PTE_X | AD | 1ull << 61 },
		{ "N", RW | PTE_X | AD | 1ull << 63 },
	};
	struct harness *h = *state;
	uint64_t root = mmu_on(h);

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		uint64_t va = VA4K + 0x1000 * j;

		h_map(h, root, va, H_DATA, 0, k[j].pte_flags);
		tlb_flush(h->cpu[0]);
		if (ld(h, va + 8, NULL) != EXC_LOAD_PAGE ||
		    sd(h, va + 16, 1) != EXC_STORE_PAGE ||
		    fetch(h, va + 24) != EXC_INSN_PAGE)
			fail_msg("%s: no page fault", k[j].name);
	}
	/* a pointer PTE at level 0 (no leaf found) */
	{
		uint64_t *pte = h_map(h, root, VA4K + 0x100000, H_DATA, 0,
				      PTE_V);

		(void)pte;
		assert_int_equal(ld(h, VA4K + 0x100000, NULL), EXC_LOAD_PAGE);
		assert_int_equal(sd(h, VA4K + 0x100000, 1), EXC_STORE_PAGE);
	}
	assert_int_equal(h_r64(h, H_DATA + 16), 0);
}

static void test_permissions(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t root = mmu_on(h);
	const uint64_t ro = VA4K, xo = VA4K + 0x1000, u = VA4K + 0x2000;
	const uint64_t s = VA4K + 0x3000, ux = VA4K + 0x4000;
	const uint64_t pg = H_DATA + 0x10000;	/* all map the same page */
	uint64_t v;

	/* a `j .` at offset 0x100 of the page, for fetches */
	h_w32(h, pg + 0x100, JAL(0, 0));
	h_w64(h, pg, 0x77);
	h_map(h, root, ro, pg, 0, PTE_V | PTE_R | AD);
	h_map(h, root, xo, pg, 0, PTE_V | PTE_X | AD);
	h_map(h, root, u, pg, 0, RW | PTE_X | PTE_U | AD);
	h_map(h, root, s, pg, 0, RW | PTE_X | AD);
	h_map(h, root, ux, pg, 0, PTE_V | PTE_X | PTE_U | AD);

	/* S-mode */
	assert_int_equal(ld(h, ro, &v), DONE);
	assert_int_equal(v, 0x77);
	assert_int_equal(sd(h, ro, 1), EXC_STORE_PAGE);
	assert_int_equal(fetch(h, ro + 0x100), EXC_INSN_PAGE);
	assert_int_equal(ld(h, xo, NULL), EXC_LOAD_PAGE);
	assert_int_equal(sd(h, xo, 1), EXC_STORE_PAGE);
	assert_int_equal(fetch(h, xo + 0x100), DONE);
	assert_int_equal(ld(h, u, NULL), EXC_LOAD_PAGE);	/* SUM=0 */
	assert_int_equal(sd(h, u, 1), EXC_STORE_PAGE);
	assert_int_equal(fetch(h, u + 0x100), EXC_INSN_PAGE);
	assert_int_equal(ld(h, s, &v), DONE);

	/* SUM opens U pages to S loads and stores, never to fetches */
	h_csrw(c, CSR_SSTATUS, h_csrr(c, CSR_SSTATUS) | SSTATUS_SUM);
	assert_int_equal(ld(h, u, &v), DONE);
	assert_int_equal(v, 0x77);
	assert_int_equal(sd(h, u + 8, 0x88), DONE);
	assert_int_equal(h_r64(h, pg + 8), 0x88);
	assert_int_equal(fetch(h, u + 0x100), EXC_INSN_PAGE);
	/* ...and back */
	h_csrw(c, CSR_SSTATUS, h_csrr(c, CSR_SSTATUS) & ~SSTATUS_SUM);
	assert_int_equal(ld(h, u, NULL), EXC_LOAD_PAGE);

	/* MXR: loads from execute-only pages */
	h_csrw(c, CSR_SSTATUS, h_csrr(c, CSR_SSTATUS) | SSTATUS_MXR);
	assert_int_equal(ld(h, xo, &v), DONE);
	assert_int_equal(v, 0x77);
	assert_int_equal(sd(h, xo, 1), EXC_STORE_PAGE);
	h_csrw(c, CSR_SSTATUS, h_csrr(c, CSR_SSTATUS) & ~SSTATUS_MXR);
	assert_int_equal(ld(h, xo, NULL), EXC_LOAD_PAGE);

	/* U-mode */
	h_set_priv(c, PRV_U);
	assert_int_equal(ld(h, u, &v), DONE);
	assert_int_equal(sd(h, u + 8, 0x99), DONE);
	assert_int_equal(fetch(h, u + 0x100), DONE);
	assert_int_equal(ld(h, s, NULL), EXC_LOAD_PAGE);
	assert_int_equal(sd(h, s, 1), EXC_STORE_PAGE);
	assert_int_equal(fetch(h, s + 0x100), EXC_INSN_PAGE);
	/* SUM does not matter in U-mode */
	h_csrw(c, CSR_SSTATUS, h_csrr(c, CSR_SSTATUS) | SSTATUS_SUM);
	assert_int_equal(ld(h, s, NULL), EXC_LOAD_PAGE);
	assert_int_equal(ld(h, ux, NULL), EXC_LOAD_PAGE);
	h_csrw(c, CSR_SSTATUS, h_csrr(c, CSR_SSTATUS) | SSTATUS_MXR);
	assert_int_equal(ld(h, ux, &v), DONE);
	assert_int_equal(ld(h, xo, NULL), EXC_LOAD_PAGE);	/* not U */
	assert_int_equal(c->priv, PRV_U);
	h_set_priv(c, PRV_S);
	assert_int_equal(h_r64(h, pg + 8), 0x99);
}

static void test_ad_bits(void **state)
{
	struct harness *h = *state;
	uint64_t root = mmu_on(h);
	uint64_t *p1, *p2, *p3, *p4;

	h_w32(h, H_DATA + 0x3000, JAL(0, 0));
	p1 = h_map(h, root, VA4K, H_DATA, 0, RW);
	p2 = h_map(h, root, VA4K + 0x1000, H_DATA + 0x1000, 0, RW);
	p3 = h_map(h, root, VA4K + 0x2000, H_DATA + 0x2000, 0,
		   PTE_V | PTE_R | PTE_W | PTE_A);
	p4 = h_map(h, root, VA4K + 0x3000, H_DATA + 0x3000, 0,
		   PTE_V | PTE_X);

	assert_int_equal(ld(h, VA4K, NULL), DONE);
	assert_int_equal(*p1 & AD, PTE_A);
	/* a write after a read (the page in the read TLB) sets D */
	assert_int_equal(sd(h, VA4K + 8, 1), DONE);
	assert_int_equal(*p1 & AD, AD);
	assert_int_equal(sd(h, VA4K + 0x1000, 1), DONE);
	assert_int_equal(*p2 & AD, AD);
	assert_int_equal(sd(h, VA4K + 0x2000, 1), DONE);
	assert_int_equal(*p3 & AD, AD);
	assert_int_equal(fetch(h, VA4K + 0x3000), DONE);
	assert_int_equal(*p4 & AD, PTE_A);
	/* the PPN and permissions are untouched */
	assert_int_equal(*p1 >> 10, H_DATA >> 12);
	assert_int_equal(*p1 & 0x3f, RW);
	/* a page fault does not set A */
	*p1 = (H_DATA >> 12) << 10 | PTE_V | PTE_R;
	tlb_flush(h->cpu[0]);
	assert_int_equal(sd(h, VA4K, 1), EXC_STORE_PAGE);
	assert_int_equal(*p1 & AD, 0);
}

static void test_noncanonical(void **state)
{
	static const uint64_t k[] = {
		0x0000004000000000ull, 0x0000008000000000ull,
		0x8000000000000000ull, 0xffffffbfc0000000ull,
		0x7fffffc000000000ull,
	};
	struct harness *h = *state;
	uint64_t root = mmu_on(h);

	/* everything mapped, so only canonicity can fail */
	for (unsigned j = 0; j < 512; j++)
		if (!*(uint64_t *)h_ptr(h, root + 8 * j))
			h_map(h, root, (uint64_t)j << 30, 0x80000000, 2,
			      RW | PTE_X | AD);
	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		if (ld(h, k[j], NULL) != EXC_LOAD_PAGE ||
		    sd(h, k[j] + 8, 1) != EXC_STORE_PAGE ||
		    fetch(h, k[j] + 16) != EXC_INSN_PAGE)
			fail_msg("%#llx accepted", (unsigned long long)k[j]);
	}
	assert_int_equal(ld(h, 0xffffffc000100000ull, NULL), DONE);
	assert_int_equal(ld(h, 0x0000003fc0100000ull, NULL), DONE);
}

static void test_outside_ram(void **state)
{
	struct harness *h = *state;
	uint64_t root = mmu_on(h);
	uint64_t *l1;

	/* a pointer PTE to a table outside RAM: access fault on the walk */
	l1 = h_ptr(h, root + 8 * 1);
	*l1 = (0x1000ull >> 12) << 10 | PTE_V;
	assert_int_equal(ld(h, VA4K, NULL), EXC_LOAD_ACCESS);
	assert_int_equal(sd(h, VA4K, 1), EXC_STORE_ACCESS);
	assert_int_equal(fetch(h, VA4K), EXC_INSN_ACCESS);
	/* a leaf pointing at nothing: access fault on the access */
	*l1 = 0;
	h_map(h, root, VA4K, 0x20000000, 0, RW | PTE_X | AD);
	tlb_flush(h->cpu[0]);
	assert_int_equal(ld(h, VA4K, NULL), EXC_LOAD_ACCESS);
	assert_int_equal(sd(h, VA4K, 1), EXC_STORE_ACCESS);
	assert_int_equal(fetch(h, VA4K), EXC_INSN_ACCESS);
}

static void test_bare_faults(void **state)
{
	struct harness *h = *state;
	uint64_t v;

	assert_int_equal(ld(h, 0x20000000, NULL), EXC_LOAD_ACCESS);
	assert_int_equal(sd(h, 0x20000000, 1), EXC_STORE_ACCESS);
	assert_int_equal(fetch(h, 0x20000000), EXC_INSN_ACCESS);
	assert_int_equal(ld(h, H_RAM_BASE + H_RAM_SIZE, NULL),
			 EXC_LOAD_ACCESS);
	/* the last doubleword of RAM is fine, one byte further is not */
	assert_int_equal(ld(h, H_RAM_BASE + H_RAM_SIZE - 8, NULL), DONE);
	assert_int_equal(try_insn(h, LW(A0, A1, 0), H_RAM_BASE - 4, 0, &v),
			 EXC_LOAD_ACCESS);
	/* MMIO: loads work (UART LSR: THRE|TEMT), fetches fault */
	assert_int_equal(try_insn(h, LBU(A0, A1, 5), UART_BASE, 0, &v), DONE);
	assert_int_equal(v, 0x60);
	assert_int_equal(fetch(h, UART_BASE), EXC_INSN_ACCESS);
}

static void test_satp_modes(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t root = h_sv39_root(h);
	uint64_t sv39 = SATP_SV39 | root >> 12, v;

	assert_int_equal(h_csrr(c, CSR_SATP), 0);
	/* Sv48 and Sv57 (and reserved modes) are ignored */
	for (uint64_t mode = 1; mode < 16; mode++) {
		if (mode == 8)
			continue;
		assert_int_equal(try_insn(h, CSRRW(A0, CSR_SATP, A1),
					  mode << 60 | root >> 12, 0, &v),
				 DONE);
		assert_int_equal(h_csrr(c, CSR_SATP), 0);
	}
	assert_int_equal(try_insn(h, CSRRW(A0, CSR_SATP, A1), sv39, 0, &v),
			 DONE);
	assert_int_equal(h_csrr(c, CSR_SATP), sv39);
	assert_int_equal(try_insn(h, CSRRW(A0, CSR_SATP, A1),
				  9ull << 60 | 5, 0, &v), DONE);
	assert_int_equal(v, sv39);
	assert_int_equal(h_csrr(c, CSR_SATP), sv39);
	assert_int_equal(try_insn(h, CSRRW(A0, CSR_SATP, A1),
				  10ull << 60 | 5, 0, &v), DONE);
	assert_int_equal(h_csrr(c, CSR_SATP), sv39);
	/* translation really is on: 0x4000_0000 is unmapped */
	assert_int_equal(ld(h, VA4K, NULL), EXC_LOAD_PAGE);
	/* back to bare */
	assert_int_equal(try_insn(h, CSRRW(A0, CSR_SATP, ZERO), 0, 0, &v),
			 DONE);
	assert_int_equal(h_csrr(c, CSR_SATP), 0);
	assert_int_equal(ld(h, H_DATA, NULL), DONE);
	/* satp is an S CSR: U cannot touch it */
	h_set_priv(c, PRV_U);
	assert_int_equal(try_insn(h, CSRRS(A0, CSR_SATP, ZERO), 0, 0, &v),
			 EXC_ILLEGAL);
	h_set_priv(c, PRV_S);
}

static void test_misaligned(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t p1 = H_DATA + 0x3000, p2 = H_DATA + 0x7000;
	uint64_t root, v, *pte2;

	/* bare, within a page and across one */
	h_w64(h, H_DATA + 0x100, 0x0807060504030201ull);
	h_w64(h, H_DATA + 0x108, 0x100f0e0d0c0b0a09ull);
	assert_int_equal(try_insn(h, LD(A0, A1, 0), H_DATA + 0x103, 0, &v),
			 DONE);
	assert_int_equal(v, 0x0b0a090807060504ull);
	assert_int_equal(try_insn(h, LH(A0, A1, 0), H_DATA + 0x107, 0, &v),
			 DONE);
	assert_int_equal(v, 0x0908);
	assert_int_equal(try_insn(h, LW(A0, A1, 0), H_DATA + 0x10e, 0, &v),
			 DONE);
	assert_int_equal(v, 0x100f);
	h_w64(h, H_DATA + 0xff8, 0x1122334455667788ull);
	h_w64(h, H_DATA + 0x1000, 0x99aabbccddeeff00ull);
	assert_int_equal(try_insn(h, LD(A0, A1, 0), H_DATA + 0xffc, 0, &v),
			 DONE);
	assert_int_equal(v, 0xddeeff0011223344ull);
	assert_int_equal(try_insn(h, SW(A2, A1, 0), H_DATA + 0xffe,
				  0xa1b2c3d4, NULL), DONE);
	assert_int_equal(h_r64(h, H_DATA + 0xff8), 0xc3d4334455667788ull);
	assert_int_equal(h_r64(h, H_DATA + 0x1000), 0x99aabbccddeea1b2ull);

	/* Sv39: two virtually adjacent pages far apart physically */
	root = mmu_on(h);
	h_map(h, root, VA4K, p1, 0, RW | AD);
	pte2 = h_map(h, root, VA4K + 0x1000, p2, 0, RW | AD);
	h_w64(h, p1 + 0xff8, 0x1122334455667788ull);
	h_w64(h, p2, 0x99aabbccddeeff00ull);
	assert_int_equal(try_insn(h, LD(A0, A1, 0), VA4K + 0xffd, 0, &v),
			 DONE);
	assert_int_equal(v, 0xccddeeff00112233ull);
	assert_int_equal(try_insn(h, SD(A2, A1, 0), VA4K + 0xffc,
				  0x0102030405060708ull, NULL), DONE);
	assert_int_equal(h_r64(h, p1 + 0xff8), 0x0506070855667788ull);
	assert_int_equal(h_r64(h, p2), 0x99aabbcc01020304ull);

	/* second page not mapped: fault at the second page's address */
	*pte2 = 0;
	tlb_flush(c);
	assert_int_equal(try_insn(h, LD(A0, A1, 0), VA4K + 0xffd, 0, &v),
			 EXC_LOAD_PAGE);
	assert_int_equal(v, VA4K + 0x1000);
	assert_int_equal(try_insn(h, SW(A2, A1, 0), VA4K + 0xffe, 0, &v),
			 EXC_STORE_PAGE);
	assert_int_equal(v, VA4K + 0x1000);
	/* second page read-only: the store faults and stores nothing */
	*pte2 = (p2 >> 12) << 10 | PTE_V | PTE_R | AD;
	tlb_flush(c);
	assert_int_equal(try_insn(h, SD(A2, A1, 0), VA4K + 0xffc, 0, &v),
			 EXC_STORE_PAGE);
	assert_int_equal(v, VA4K + 0x1000);
	assert_int_equal(h_r64(h, p1 + 0xff8), 0x0506070855667788ull);
	assert_int_equal(try_insn(h, LD(A0, A1, 0), VA4K + 0xffc, 0, &v),
			 DONE);
	assert_int_equal(v, 0x0102030405060708ull);
}

static void test_self_modifying(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t end, patch;

	/*
	 *        auipc t0, 0
	 *        sw    t1, 16(t0)      t1 = `addi a0, x0, 2`
	 *        fence.i
	 *        nop
	 * patch: addi  a0, x0, 1
	 *        j .
	 * Run twice so the old instruction was decoded before the store.
	 */
	for (int with_fence = 1; with_fence >= 0; with_fence--) {
		h_org(h, H_CODE);
		e32(h, AUIPC(T0, 0));
		e32(h, SW(T1, T0, 16));
		e32(h, with_fence ? FENCE_I() : NOP());
		e32(h, NOP());
		patch = e32(h, ADDI(A0, ZERO, 1));
		end = h_end(h);
		c->x[T1] = ADDI(A0, ZERO, 1);
		assert_int_equal(h_run(h, c, H_CODE, end), end);
		assert_int_equal(c->x[A0], 1);
		c->x[T1] = ADDI(A0, ZERO, 2);
		assert_int_equal(h_run(h, c, H_CODE, end), end);
		assert_int_equal(h_r32(h, patch), ADDI(A0, ZERO, 2));
		if (c->x[A0] != 2)
			fail_msg("stale code executed (fence.i: %d)",
				 with_fence);
	}
}

/* A 4-byte instruction at offset 0xffe of a page. */
static void straddle(struct harness *h, uint64_t va, uint64_t pa1,
		     uint64_t pa2)
{
	struct cpu *c = h->cpu[0];
	uint32_t addi = ADDI(A0, A0, 0x10);
	uint16_t half[2] = { (uint16_t)addi, (uint16_t)(addi >> 16) };
	uint64_t loop = va + 0xff8, end;

	/*
	 * 0xff8: addi a1, a1, -1
	 * 0xffc: c.addi a0, 1
	 * 0xffe: addi a0, a0, 0x10     (straddles)
	 * 0x1002: bne a1, x0, 0xff8
	 * 0x1006: j .
	 */
	h_org_va(h, loop, pa1 + 0xff8);
	e32(h, ADDI(A1, A1, -1));
	e16(h, 0x0505);			/* c.addi a0, 1 */
	h_write(h, pa1 + 0xffe, &half[0], 2);
	h_write(h, pa2, &half[1], 2);
	h_org_va(h, va + 0x1002, pa2 + 2);
	e32(h, BNE(A1, ZERO, -10));
	end = h_end(h);
	c->x[A0] = 0;
	c->x[A1] = 3;
	assert_int_equal(h_run(h, c, loop, end), end);
	assert_int_equal(c->x[A0], 3 * 0x11);
	/* entered directly at the straddling instruction */
	c->x[A0] = 0;
	c->x[A1] = 0;
	assert_int_equal(h_run(h, c, va + 0xffe, end), end);
	assert_int_equal(c->x[A0], 0x10);
}

static void test_straddle(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t pa1 = H_CODE + 0x4000, pa2 = H_CODE + 0x6000;
	uint64_t root, *pte2;

	/* bare: physically contiguous */
	straddle(h, pa1, pa1, pa1 + 0x1000);
	/* Sv39: the halves come from unrelated physical pages */
	root = mmu_on(h);
	h_map(h, root, VA4K, pa1, 0, PTE_V | PTE_R | PTE_X | PTE_A);
	pte2 = h_map(h, root, VA4K + 0x1000, pa2, 0,
		     PTE_V | PTE_R | PTE_X | PTE_A);
	straddle(h, VA4K, pa1, pa2);
	/* second page not executable: fault on the second half */
	*pte2 &= ~PTE_X;
	tlb_flush(c);
	dcache_flush(c);
	c->x[A0] = 0;
	c->x[A1] = 1;
	assert_int_equal(h_run(h, c, VA4K + 0xff8, 0), H_TRAP);
	assert_int_equal(c->scause, EXC_INSN_PAGE);
	assert_int_equal(c->sepc, VA4K + 0xffe);
	assert_int_equal(c->stval, VA4K + 0x1000);
	assert_int_equal(c->x[A0], 1);	/* the c.addi before it ran */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page_sizes, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_misaligned_superpage,
						h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ptes, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_permissions, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_ad_bits, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_noncanonical, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_outside_ram, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_bare_faults, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_satp_modes, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_misaligned, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_self_modifying, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_straddle, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
