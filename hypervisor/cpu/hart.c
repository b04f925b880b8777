// SPDX-License-Identifier: MIT
/*
 * The interpreter backend of struct cpu_ops: vCPU lifecycle, the vCPU
 * thread's loop (requests, HSM, interrupts, wfi, slices of guest code),
 * and requests between vCPUs (remote fences) that complete only once the
 * target has acted on them at an instruction boundary.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hart.h"

/* Instructions per slice: bounds interrupt and request latency. */
#define SLICE 16384

void cpu_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t a;

	/* Deadlines are CLOCK_MONOTONIC, like guest time. */
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &a);
	pthread_condattr_destroy(&a);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Host time the guest clock reads now: frozen while paused. */
static int64_t guest_clock_ns(const struct cpu_platform *plat)
{
	int64_t ns = atomic_load(&plat->frozen_ns);

	return ns ? ns : mono_ns();
}

uint64_t cpu_platform_time(const struct cpu_platform *plat)
{
	int64_t ns = guest_clock_ns(plat) - plat->time_base_ns;

	return ns < 0 ? 0 : (uint64_t)ns / (1000000000 / HV_TIMEBASE_HZ);
}

void cpu_platform_set_time(struct cpu_platform *plat, uint64_t ticks)
{
	plat->time_base_ns = guest_clock_ns(plat) -
			     (int64_t)(ticks * (1000000000 / HV_TIMEBASE_HZ));
}

static int interp_create(struct cpu **out, struct cpu_platform *plat,
			 unsigned hartid)
{
	struct cpu *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ops = &cpu_interp_ops;
	c->plat = plat;
	c->hartid = hartid;
	c->priv = PRV_S;
	atomic_store(&c->hsm, HSM_STOPPED);
	atomic_store(&c->timecmp, ~0ull);
	c->xslots[DPAGE_SLOTS].op = OP_PAGE_END;
	c->xslots[DPAGE_SLOTS + 1].op = OP_PAGE_END;
	pthread_mutex_init(&c->sleep_lock, NULL);
	cpu_cond_init(&c->sleep_cond);
	ret = dcache_init(c);
	if (ret) {
		free(c);
		return ret;
	}
	tlb_flush(c);
	tlb_update_set(c);
	*out = c;
	return 0;
}

static void interp_destroy(struct cpu *c)
{
	if (!c)
		return;
	dcache_fini(c);
	pthread_mutex_destroy(&c->sleep_lock);
	pthread_cond_destroy(&c->sleep_cond);
	free(c);
}

/*
 * Kick and sleep pair up Dekker-style on (kick, sleeping), both seq_cst:
 * either the sleeper sees the kick before it waits or the kicker sees it
 * sleeping and signals under the lock, so the lock is only taken when
 * there is someone to wake.
 */
void cpu_kick(struct cpu *c)
{
	atomic_store(&c->kick, 1);
	if (!atomic_load(&c->sleeping))
		return;
	pthread_mutex_lock(&c->sleep_lock);
	pthread_cond_signal(&c->sleep_cond);
	pthread_mutex_unlock(&c->sleep_lock);
}

static void interp_stop(struct cpu *c)
{
	atomic_store(&c->stopping, true);
	cpu_kick(c);
	/* Anyone waiting for this vCPU's acknowledgement gives up. */
	pthread_mutex_lock(&c->plat->ack_lock);
	pthread_cond_broadcast(&c->plat->ack_cond);
	pthread_mutex_unlock(&c->plat->ack_lock);
}

void cpu_handle_requests(struct cpu *c)
{
	uint64_t seq = atomic_load(&c->req_seq);
	unsigned r;

	if (atomic_load(&c->ack_seq) == seq)
		return;
	r = atomic_exchange(&c->req, 0);
	if (r & REQ_FLUSH_TLB)
		tlb_flush(c);
	if (r & REQ_FLUSH_CODE)
		dcache_flush(c);
	if (r & REQ_FLUSH_WTLB)
		tlb_flush_writes(c);
	atomic_store(&c->ack_seq, seq);
	/* Same pairing as cpu_kick, with (ack_seq, ack_waiters). */
	if (!atomic_load(&c->plat->ack_waiters))
		return;
	pthread_mutex_lock(&c->plat->ack_lock);
	pthread_cond_broadcast(&c->plat->ack_cond);
	pthread_mutex_unlock(&c->plat->ack_lock);
}

static uint64_t post_request(struct cpu *t, unsigned req)
{
	uint64_t seq;

	atomic_fetch_or(&t->req, req);
	seq = atomic_fetch_add(&t->req_seq, 1) + 1;
	cpu_kick(t);
	return seq;
}

static void wait_ack(struct cpu *self, struct cpu *t, uint64_t seq)
{
	struct cpu_platform *p = t->plat;

	if (atomic_load(&t->ack_seq) >= seq)
		return;
	atomic_fetch_add(&p->ack_waiters, 1);
	pthread_mutex_lock(&p->ack_lock);
	while (atomic_load(&t->ack_seq) < seq && atomic_load(&t->serving)) {
		struct timespec ts;

		/*
		 * Two vCPUs may fence each other at once: keep serving our
		 * own requests while we wait for theirs.
		 */
		if (self && atomic_load(&self->ack_seq) !=
			    atomic_load(&self->req_seq)) {
			pthread_mutex_unlock(&p->ack_lock);
			cpu_handle_requests(self);
			pthread_mutex_lock(&p->ack_lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 200000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->ack_cond, &p->ack_lock, &ts);
	}
	pthread_mutex_unlock(&p->ack_lock);
	atomic_fetch_sub(&p->ack_waiters, 1);
}

void cpu_request(struct cpu *self, struct cpu *t, unsigned req, bool wait)
{
	uint64_t seq = post_request(t, req);

	if (wait)
		wait_ack(self, t, seq);
}

static void request_all_but(struct cpu_platform *p, struct cpu *self,
			    unsigned req)
{
	uint64_t seq[HV_MAX_VCPUS];

	for (unsigned h = 0; h < p->nr_cpus; h++)
		if (p->cpus[h] != self)
			seq[h] = post_request(p->cpus[h], req);
	for (unsigned h = 0; h < p->nr_cpus; h++)
		if (p->cpus[h] != self)
			wait_ack(self, p->cpus[h], seq[h]);
}

void cpu_request_others(struct cpu *self, unsigned req)
{
	request_all_but(self->plat, self, req);
}

void cpu_request_all(struct cpu_platform *p, unsigned req)
{
	request_all_but(p, NULL, req);
}

/* The vCPU side of pause: park until unpaused, serving requests. */
static void park(struct cpu *c)
{
	struct cpu_platform *p = c->plat;

	pthread_mutex_lock(&p->ack_lock);
	atomic_store(&c->parked, true);
	pthread_cond_broadcast(&p->ack_cond);
	pthread_mutex_unlock(&p->ack_lock);

	pthread_mutex_lock(&c->sleep_lock);
	atomic_store(&c->sleeping, true);
	while (atomic_load(&p->pause) && !atomic_load(&c->stopping)) {
		if (atomic_load(&c->ack_seq) != atomic_load(&c->req_seq)) {
			pthread_mutex_unlock(&c->sleep_lock);
			cpu_handle_requests(c);
			pthread_mutex_lock(&c->sleep_lock);
			continue;
		}
		pthread_cond_wait(&c->sleep_cond, &c->sleep_lock);
	}
	atomic_store(&c->sleeping, false);
	pthread_mutex_unlock(&c->sleep_lock);
	atomic_store(&c->parked, false);
}

void cpu_pause_all(struct cpu_platform *p)
{
	atomic_store(&p->pause, true);
	for (unsigned h = 0; h < p->nr_cpus; h++)
		cpu_kick(p->cpus[h]);
	pthread_mutex_lock(&p->ack_lock);
	for (unsigned h = 0; h < p->nr_cpus; h++) {
		struct cpu *c = p->cpus[h];

		while (!atomic_load(&c->parked) && atomic_load(&c->serving))
			pthread_cond_wait(&p->ack_cond, &p->ack_lock);
	}
	pthread_mutex_unlock(&p->ack_lock);
	atomic_store(&p->frozen_ns, mono_ns());
}

void cpu_unpause_all(struct cpu_platform *p)
{
	/*
	 * Guest time does not advance while paused. The vCPUs stay parked
	 * until pause drops, so none sees the two stores half done.
	 */
	atomic_fetch_add(&p->time_base_ns,
			 mono_ns() - atomic_load(&p->frozen_ns));
	atomic_store(&p->frozen_ns, 0);
	atomic_store(&p->pause, false);
	for (unsigned h = 0; h < p->nr_cpus; h++)
		cpu_kick(p->cpus[h]);
}

/* Sleeps until an interrupt is pending-and-enabled (in sie), a kick, or
 * the timer deadline. */
static void sleep_wfi(struct cpu *c)
{
	pthread_mutex_lock(&c->sleep_lock);
	atomic_store(&c->sleeping, true);
	while (!atomic_load(&c->kick) && !atomic_load(&c->stopping) &&
	       !(cpu_pending(c) & c->sie)) {
		uint64_t cmp = atomic_load(&c->timecmp);

		if (cmp == ~0ull || !(c->sie & MIP_STIP)) {
			pthread_cond_wait(&c->sleep_cond, &c->sleep_lock);
		} else {
			uint64_t now = cpu_platform_time(c->plat);
			uint64_t ticks = cmp > now ? cmp - now : 0;
			struct timespec ts;
			uint64_t ns;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ns = (uint64_t)ts.tv_nsec +
			     ticks * (1000000000 / HV_TIMEBASE_HZ);
			ts.tv_sec += (time_t)(ns / 1000000000);
			ts.tv_nsec = (long)(ns % 1000000000);
			pthread_cond_timedwait(&c->sleep_cond, &c->sleep_lock,
					       &ts);
		}
	}
	atomic_store(&c->sleeping, false);
	pthread_mutex_unlock(&c->sleep_lock);
}

/*
 * Auto-converge: after a slice that took @slice_ns, sleeps so that the
 * vCPU is off for @pct percent of its time. A kick (pause, a clean's
 * handshake, stop) ends the sleep early.
 */
static void sleep_throttle(struct cpu *c, unsigned pct, uint64_t slice_ns)
{
	uint64_t ns = slice_ns * pct / (100 - pct);
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	pthread_mutex_lock(&c->sleep_lock);
	atomic_store(&c->sleeping, true);
	while (!atomic_load(&c->kick) && !atomic_load(&c->stopping))
		if (pthread_cond_timedwait(&c->sleep_cond, &c->sleep_lock,
					   &ts))
			break;	/* ETIMEDOUT: the share is slept */
	atomic_store(&c->sleeping, false);
	pthread_mutex_unlock(&c->sleep_lock);
}

/* Sleeps while HSM-stopped, serving requests. */
static void sleep_stopped(struct cpu *c)
{
	pthread_mutex_lock(&c->sleep_lock);
	atomic_store(&c->sleeping, true);
	while (!atomic_load(&c->kick) && !atomic_load(&c->stopping) &&
	       atomic_load(&c->hsm) == HSM_STOPPED)
		pthread_cond_wait(&c->sleep_cond, &c->sleep_lock);
	atomic_store(&c->sleeping, false);
	pthread_mutex_unlock(&c->sleep_lock);
}

static void hart_reset_for_start(struct cpu *c)
{
	memset(c->x, 0, sizeof(c->x));
	c->x[10] = c->hartid;
	c->x[11] = c->start_a1;
	c->pc = c->start_pc;
	c->priv = PRV_S;
	c->status = 0;
	c->satp = 0;
	c->sie = 0;
	c->lr_valid = false;
	c->wfi = false;
	tlb_flush(c);
	dcache_drop(c);
	tlb_update_set(c);
	atomic_store(&c->hsm, HSM_STARTED);
}

void cpu_serving_begin(struct cpu *c)
{
	atomic_store(&c->serving, true);
	cpu_handle_requests(c);
}

void cpu_serving_end(struct cpu *c)
{
	struct cpu_platform *p = c->plat;

	atomic_store(&c->serving, false);
	pthread_mutex_lock(&p->ack_lock);
	pthread_cond_broadcast(&p->ack_cond);
	pthread_mutex_unlock(&p->ack_lock);
}

static void interp_run(struct cpu *c)
{
	cpu_serving_begin(c);
	while (!atomic_load(&c->stopping)) {
		unsigned pct;
		int64_t t0;
		int hsm;

		atomic_store(&c->kick, 0);
		cpu_handle_requests(c);
		if (atomic_load(&c->plat->pause)) {
			park(c);
			continue;
		}
		hsm = atomic_load(&c->hsm);
		if (hsm == HSM_STOPPED) {
			sleep_stopped(c);
			continue;
		}
		if (hsm == HSM_START_PENDING)
			hart_reset_for_start(c);
		if (c->wfi) {
			sleep_wfi(c);
			c->wfi = false;
			continue;
		}
		if (c->relax) {
			/*
			 * The guest spins, most likely on a lock held by a vCPU
			 * whose thread the host has not scheduled: let it run.
			 */
			c->relax = false;
			if (c->plat->nr_cpus > 1)
				sched_yield();
		}
		cpu_check_irq(c);
		pct = atomic_load_explicit(&c->plat->throttle_pct,
					   memory_order_relaxed);
		if (!pct) {
			cpu_exec_slice(c, SLICE);
			continue;
		}
		t0 = mono_ns();
		cpu_exec_slice(c, SLICE);
		sleep_throttle(c, pct < 99 ? pct : 99,
			       (uint64_t)(mono_ns() - t0));
	}
	cpu_serving_end(c);
}

static void interp_boot(struct cpu *c, uint64_t pc, uint64_t a1)
{
	c->start_pc = pc;
	c->start_a1 = a1;
	atomic_store(&c->hsm, HSM_START_PENDING);
	cpu_kick(c);
}

static void interp_set_seip(struct cpu *c, bool level)
{
	if (level)
		atomic_fetch_or(&c->mip, MIP_SEIP);
	else
		atomic_fetch_and(&c->mip, ~MIP_SEIP);
	if (level)
		cpu_kick(c);
}

static uint64_t interp_instret(const struct cpu *c)
{
	return c->instret;
}

static void interp_get_context(const struct cpu *c, struct cpu_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	memcpy(ctx->x, c->x, sizeof(ctx->x));
	ctx->x[0] = 0;
	memcpy(ctx->f, c->f, sizeof(ctx->f));
	ctx->pc = c->pc;
	ctx->priv = c->priv;
	ctx->hsm = (uint32_t)atomic_load(&c->hsm);
	ctx->fflags = c->fflags;
	ctx->frm = c->frm;
	ctx->sstatus = c->status;
	ctx->sie = c->sie;
	ctx->stvec = c->stvec;
	ctx->scounteren = c->scounteren;
	ctx->senvcfg = c->senvcfg;
	ctx->sscratch = c->sscratch;
	ctx->sepc = c->sepc;
	ctx->scause = c->scause;
	ctx->stval = c->stval;
	ctx->satp = c->satp;
	ctx->mip = atomic_load(&c->mip);
	ctx->timecmp = atomic_load(&c->timecmp);
	ctx->instret = c->instret;
	ctx->lr_addr = c->lr_addr;
	ctx->lr_val = c->lr_val;
	ctx->lr_valid = c->lr_valid;
	ctx->wfi = c->wfi;
	ctx->start_pc = c->start_pc;
	ctx->start_a1 = c->start_a1;
}

static int interp_set_context(struct cpu *c, const struct cpu_context *ctx)
{
	uint64_t mode = ctx->satp >> 60;

	if (ctx->priv > PRV_S || (mode != 0 && mode != 8) ||
	    ctx->hsm > HSM_SUSPENDED || ctx->frm > 7 || ctx->fflags > 0x1f)
		return -EINVAL;
	memcpy(c->x, ctx->x, sizeof(ctx->x));
	c->x[0] = 0;
	c->x[X_SINK] = 0;
	memcpy(c->f, ctx->f, sizeof(c->f));
	c->pc = ctx->pc;
	c->priv = ctx->priv;
	atomic_store(&c->hsm, (int)ctx->hsm);
	c->fflags = ctx->fflags;
	c->frm = ctx->frm;
	c->status = ctx->sstatus & (SSTATUS_WMASK | SSTATUS_SD);
	c->sie = ctx->sie & SIE_MASK;
	c->stvec = ctx->stvec;
	c->scounteren = ctx->scounteren & 0xffffffffull;
	c->senvcfg = ctx->senvcfg & 1;
	c->sscratch = ctx->sscratch;
	c->sepc = ctx->sepc & ~1ull;
	c->scause = ctx->scause;
	c->stval = ctx->stval;
	c->satp = ctx->satp;
	/* SEIP follows the (restored) PLIC; only SSIP is the vCPU's own. */
	atomic_store(&c->mip, (ctx->mip & MIP_SSIP) |
		     (atomic_load(&c->mip) & MIP_SEIP));
	atomic_store(&c->timecmp, ctx->timecmp);
	c->instret = ctx->instret;
	c->lr_addr = ctx->lr_addr;
	c->lr_val = ctx->lr_val;
	c->lr_valid = ctx->lr_valid;
	c->wfi = ctx->wfi;
	c->start_pc = ctx->start_pc;
	c->start_a1 = ctx->start_a1;
	tlb_flush(c);
	dcache_drop(c);
	tlb_update_set(c);
	return 0;
}

const struct cpu_ops cpu_interp_ops = {
	.name = "interp",
	.create = interp_create,
	.destroy = interp_destroy,
	.run = interp_run,
	.stop = interp_stop,
	.boot = interp_boot,
	.set_seip = interp_set_seip,
	.instret = interp_instret,
	.get_context = interp_get_context,
	.set_context = interp_set_context,
};
