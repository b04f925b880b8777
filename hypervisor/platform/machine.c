// SPDX-License-Identifier: MIT
/*
 * The virt machine: guest RAM as a memfd (holes until touched), the bus,
 * PLIC, UART, sifive,test, the virtio-mmio slots (the power button in
 * the last, the others empty), the device tree and the payload, the
 * vCPUs and one host thread per vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "hv/machine.h"
#include "hv/machine_state.h"
#include "cpu/cpu.h"
#include "bus.h"
#include "fdt.h"
#include "loader.h"
#include "plic.h"
#include "systest.h"
#include "uart.h"
#include "virtio_input.h"
#include "virtio_mmio.h"

struct hv_machine {
	const struct hv_log *log;
	struct hv_machine_config cfg;
	int ram_fd;
	uint8_t *ram;
	struct bus bus;
	struct cpu_platform plat;
	struct plic *plic;
	struct uart *uart;
	struct systest *systest;
	struct vmmio *empty_slot[FDT_VIRTIO_SLOTS];	/* NULL at VINPUT_SLOT */
	struct vinput *power;
	uint64_t entry, dtb_addr;
	pthread_t threads[HV_MAX_VCPUS];
	unsigned started;		/* vCPU threads running */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	struct hv_exit exit;
};

static void machine_set_seip(void *opaque, unsigned hart, bool level)
{
	struct hv_machine *m = opaque;

	if (hart < m->plat.nr_cpus)
		cpu_set_seip(m->plat.cpus[hart], level);
}

static void machine_finish(struct hv_machine *m, enum hv_exit_kind kind,
			   int code)
{
	bool first = false;

	pthread_mutex_lock(&m->lock);
	if (!m->done) {
		m->done = true;
		m->exit.kind = kind;
		m->exit.code = code;
		first = true;
	}
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	if (first && m->cfg.exit_notify)
		m->cfg.exit_notify(m->cfg.exit_opaque);
}

static void machine_shutdown(void *opaque, enum hv_shutdown_kind kind,
			     int code)
{
	machine_finish(opaque, kind == HV_SHUTDOWN_RESET ? HV_EXIT_RESET
				: HV_EXIT_POWEROFF, code);
}

static void console_out(void *opaque, const uint8_t *buf, size_t len)
{
	struct hv_machine *m = opaque;

	if (m->cfg.console_write)
		m->cfg.console_write(m->cfg.console_opaque, buf, len);
}

int hv_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	unsigned shift = 20;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || v > (~0ull >> shift))
		return -EINVAL;
	*bytes = v << shift;
	return 0;
}

static int check_config(const struct hv_machine_config *cfg,
			const struct hv_log *log)
{
	if (cfg->vcpus < 1 || cfg->vcpus > HV_VCPUS_MAX) {
		log_err(log, "vcpus %u out of range (1..%u)", cfg->vcpus,
			HV_VCPUS_MAX);
		return -EINVAL;
	}
	if (cfg->ram_size < HV_RAM_MIN || cfg->ram_size > HV_RAM_MAX ||
	    cfg->ram_size % (1ull << 20)) {
		log_err(log, "memory %llu bytes: must be a whole number of "
			"MiB from 16 MiB to 16 GiB",
			(unsigned long long)cfg->ram_size);
		return -EINVAL;
	}
	if (!cfg->kernel && !cfg->incoming) {
		log_err(log, "no kernel given");
		return -EINVAL;
	}
	return 0;
}

static int setup_ram(struct hv_machine *m)
{
	uint64_t size = m->cfg.ram_size;
	uint64_t pages = size >> 12;
	int ret;

	m->ram_fd = memfd_create("hv-guest-ram", MFD_CLOEXEC |
				 MFD_ALLOW_SEALING);
	if (m->ram_fd < 0) {
		ret = -errno;
		log_err(m->log, "guest RAM: memfd_create: %s", strerror(-ret));
		return ret;
	}
	if (ftruncate(m->ram_fd, (off_t)size) < 0) {
		ret = -errno;
		log_err(m->log, "guest RAM: ftruncate %llu bytes: %s",
			(unsigned long long)size, strerror(-ret));
		return ret;
	}
	/*
	 * The size is fixed for good: dom0 gets this memfd (domctl
	 * GetMemory), and a truncation would turn every vCPU access past
	 * the new end into SIGBUS.
	 */
	if (fcntl(m->ram_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
		  F_SEAL_SEAL) < 0) {
		ret = -errno;
		log_err(m->log, "guest RAM: sealing its size: %s",
			strerror(-ret));
		return ret;
	}
	m->ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      m->ram_fd, 0);
	if (m->ram == MAP_FAILED) {
		ret = -errno;
		m->ram = NULL;
		log_err(m->log, "guest RAM: mmap %llu bytes: %s",
			(unsigned long long)size, strerror(-ret));
		return ret;
	}
	m->bus.ram = m->ram;
	m->bus.ram_base = 0x80000000ull;
	m->bus.ram_size = size;
	m->plat.nr_pages = pages;
	m->plat.pflags = calloc(pages, 1);
	m->plat.code_gen = mmap(NULL, pages * sizeof(uint32_t),
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				-1, 0);
	if (!m->plat.pflags || m->plat.code_gen == MAP_FAILED) {
		m->plat.code_gen = NULL;
		log_err(m->log, "guest RAM: out of memory for page flags");
		return -ENOMEM;
	}
	return 0;
}

/*
 * A device wrote guest RAM: mark the pages dirty for log-dirty (and drop
 * decoded code of them), as a vCPU store or dom0's write would.
 */
static void device_wrote(void *opaque, uint64_t pa, uint64_t len)
{
	struct hv_machine *m = opaque;
	uint64_t first = (pa - m->bus.ram_base) >> 12;
	uint64_t last = (pa + len - 1 - m->bus.ram_base) >> 12;

	/* cannot fail: the virtqueue checked the range against RAM */
	(void)logdirty_mark(&m->plat, first, last - first + 1);
}

/* The virtio-mmio slots: the power button at VINPUT_SLOT, the others
 * empty (they answer device ID 0, as QEMU's). */
static int add_virtio_slots(struct hv_machine *m)
{
	struct vq_ram ram = { m->ram, m->bus.ram_base, m->bus.ram_size,
			      device_wrote, m };
	struct mmio_region r;
	int ret;

	ret = vinput_create(&m->power, &ram, m->plic, 1 + VINPUT_SLOT);
	for (unsigned n = 0; !ret && n < FDT_VIRTIO_SLOTS; n++) {
		uint64_t base = VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_SIZE;

		if (n == VINPUT_SLOT) {
			r = vinput_region(m->power, base);
		} else {
			ret = vmmio_create(&m->empty_slot[n], NULL, NULL, &ram,
					   m->plic, 1 + n);
			if (ret)
				break;
			r = vmmio_region(m->empty_slot[n], base);
		}
		ret = bus_add_mmio(&m->bus, &r);
	}
	if (ret)
		log_err(m->log, "platform: virtio-mmio slots: %s",
			strerror(-ret));
	return ret;
}

static int setup_devices(struct hv_machine *m)
{
	struct irq_sink sink = { machine_set_seip, m };
	struct uart_backend be = { console_out, m };
	struct shutdown_sink sd = { machine_shutdown, m };
	struct mmio_region r;
	int ret;

	ret = plic_create(&m->plic, m->cfg.vcpus, &sink);
	if (ret)
		return ret;
	ret = uart_create(&m->uart, m->plic, UART_IRQ, &be);
	if (ret)
		return ret;
	ret = systest_create(&m->systest, &sd);
	if (ret)
		return ret;
	r = plic_region(m->plic);
	ret = bus_add_mmio(&m->bus, &r);
	if (!ret) {
		r = uart_region(m->uart);
		ret = bus_add_mmio(&m->bus, &r);
	}
	if (!ret) {
		r = systest_region(m->systest);
		ret = bus_add_mmio(&m->bus, &r);
	}
	if (ret)
		log_err(m->log, "platform: cannot map devices: %s",
			strerror(-ret));
	m->plat.uart = m->uart;
	m->plat.shutdown = sd;
	return ret ? ret : add_virtio_slots(m);
}

static int load_payload(struct hv_machine *m)
{
	struct fdt_machine_desc d = { 0 };
	struct load_result k, rd = { 0 };
	uint64_t ram_end = m->bus.ram_base + m->bus.ram_size;
	uint64_t top = ram_end < 0x100000000ull ? ram_end : 0x100000000ull;
	void *blob = NULL;
	size_t size;
	int ret;

	ret = loader_load_kernel(&m->bus, m->cfg.kernel, m->log, &k);
	if (ret)
		return ret;
	/* The DTB goes in the last 2 MiB below 4 GiB, as QEMU does. */
	m->dtb_addr = (top - (2ull << 20)) & ~((2ull << 20) - 1);
	if (k.end > m->dtb_addr) {
		log_err(m->log, "%s: kernel ends at 0x%llx, beyond the room "
			"%llu MiB of RAM leaves", m->cfg.kernel,
			(unsigned long long)k.end,
			(unsigned long long)(m->bus.ram_size >> 20));
		return -EFBIG;
	}
	if (m->cfg.initrd) {
		ret = loader_load_high(&m->bus, m->cfg.initrd,
				       (k.end + 0xfff) & ~0xfffull,
				       m->dtb_addr, m->log, &rd);
		if (ret)
			return ret;
	}
	d.nr_harts = m->cfg.vcpus;
	d.ram_base = m->bus.ram_base;
	d.ram_size = m->bus.ram_size;
	d.cmdline = m->cfg.cmdline;
	d.initrd_start = rd.start;
	d.initrd_end = rd.end;
	ret = fdt_build(&d, &blob, &size);
	if (ret) {
		log_err(m->log, "device tree: %s", strerror(-ret));
		return ret;
	}
	if (size > (2ull << 20)) {
		free(blob);
		log_err(m->log, "device tree: %zu bytes is too large", size);
		return -EFBIG;
	}
	memcpy(m->ram + (m->dtb_addr - m->bus.ram_base), blob, size);
	free(blob);
	m->entry = k.entry;
	return 0;
}

int hv_machine_create(struct hv_machine **out,
		      const struct hv_machine_config *cfg,
		      const struct hv_log *log)
{
	struct hv_machine *m;
	int ret;

	ret = check_config(cfg, log);
	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->log = log;
	m->cfg = *cfg;
	m->ram_fd = -1;
	m->plat.bus = &m->bus;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	pthread_mutex_init(&m->plat.ack_lock, NULL);
	cpu_cond_init(&m->plat.ack_cond);
	cpu_platform_set_time(&m->plat, 0);

	ret = setup_ram(m);
	if (ret)
		goto out_destroy;
	ret = setup_devices(m);
	if (ret)
		goto out_destroy;
	if (!cfg->incoming) {
		ret = load_payload(m);
		if (ret)
			goto out_destroy;
	}
	/*
	 * Decoded code is cached per vCPU: a domain-wide budget of 2048
	 * pages, between 128 and 512 per vCPU (docs/cpu.md, Memory).
	 */
	m->plat.dcache_pages = 2048 / cfg->vcpus;
	if (m->plat.dcache_pages < 128)
		m->plat.dcache_pages = 128;
	for (unsigned h = 0; h < cfg->vcpus; h++) {
		ret = cpu_interp_ops.create(&m->plat.cpus[h], &m->plat, h);
		if (ret) {
			log_err(log, "vCPU %u: %s", h, strerror(-ret));
			goto out_destroy;
		}
		m->plat.nr_cpus = h + 1;
	}
	*out = m;
	return 0;

out_destroy:
	hv_machine_destroy(m);
	return ret;
}

static void *vcpu_thread(void *arg)
{
	struct cpu *c = arg;

	cpu_run(c);
	return NULL;
}

int hv_machine_start(struct hv_machine *m)
{
	struct cpu_platform *p = &m->plat;
	int ret = 0;

	if (!m->cfg.incoming) {
		/* Guest time starts at 0 when the guest does. */
		cpu_platform_set_time(p, 0);
		cpu_boot(p->cpus[0], m->entry, m->dtb_addr);
	}
	for (; m->started < p->nr_cpus; m->started++) {
		ret = -pthread_create(&m->threads[m->started], NULL,
				      vcpu_thread, p->cpus[m->started]);
		if (ret) {
			log_err(m->log, "vCPU %u thread: %s", m->started,
				strerror(-ret));
			machine_finish(m, HV_EXIT_STOPPED, 0);
			break;
		}
	}
	return ret;
}

void hv_machine_wait(struct hv_machine *m, struct hv_exit *exit)
{
	pthread_mutex_lock(&m->lock);
	while (!m->done)
		pthread_cond_wait(&m->cond, &m->lock);
	*exit = m->exit;
	pthread_mutex_unlock(&m->lock);
}

bool hv_machine_exited(struct hv_machine *m, struct hv_exit *exit)
{
	bool done;

	pthread_mutex_lock(&m->lock);
	done = m->done;
	if (done)
		*exit = m->exit;
	pthread_mutex_unlock(&m->lock);
	return done;
}

unsigned hv_machine_started(const struct hv_machine *m)
{
	return m->started;
}

unsigned hv_machine_vcpus(const struct hv_machine *m)
{
	return m->plat.nr_cpus;
}

void hv_machine_join(struct hv_machine *m)
{
	struct cpu_platform *p = &m->plat;

	for (unsigned h = 0; h < p->nr_cpus; h++)
		cpu_stop(p->cpus[h]);
	for (unsigned h = 0; h < m->started; h++)
		pthread_join(m->threads[h], NULL);
	m->started = 0;
}

int hv_machine_run(struct hv_machine *m, struct hv_exit *exit)
{
	int ret = hv_machine_start(m);

	hv_machine_wait(m, exit);
	hv_machine_join(m);
	return ret;
}

void hv_machine_pause(struct hv_machine *m)
{
	cpu_pause_all(&m->plat);
}

void hv_machine_unpause(struct hv_machine *m)
{
	cpu_unpause_all(&m->plat);
}

int hv_machine_ram_fd(const struct hv_machine *m)
{
	return m->ram_fd;
}

void hv_machine_ram_layout(const struct hv_machine *m, uint64_t *base,
			   uint64_t *size)
{
	*base = m->bus.ram_base;
	*size = m->bus.ram_size;
}

uint8_t *hv_machine_ram(const struct hv_machine *m)
{
	return m->ram;
}

struct cpu_platform *hv_machine_platform(struct hv_machine *m)
{
	return &m->plat;
}

static bool vcpus_still(struct hv_machine *m)
{
	return atomic_load(&m->plat.pause) || !m->started;
}

int hv_machine_get_vcpu(struct hv_machine *m, unsigned vcpu,
			struct cpu_context *ctx)
{
	struct cpu_platform *p = &m->plat;

	if (!vcpus_still(m))
		return -EBUSY;
	if (vcpu >= p->nr_cpus)
		return -ENOENT;
	cpu_ops_of(p->cpus[vcpu])->get_context(p->cpus[vcpu], ctx);
	return 0;
}

int hv_machine_set_vcpu(struct hv_machine *m, unsigned vcpu,
			const struct cpu_context *ctx)
{
	struct cpu_platform *p = &m->plat;

	if (!vcpus_still(m))
		return -EBUSY;
	if (vcpu >= p->nr_cpus)
		return -ENOENT;
	return cpu_ops_of(p->cpus[vcpu])->set_context(p->cpus[vcpu], ctx);
}

int hv_machine_save_devices(struct hv_machine *m, struct hv_machine_state *st)
{
	if (!vcpus_still(m))
		return -EBUSY;
	uart_save(m->uart, &st->uart);
	plic_save(m->plic, &st->plic);
	vinput_save(m->power, &st->power_button);
	st->time = cpu_platform_time(&m->plat);
	return 0;
}

int hv_machine_restore_devices(struct hv_machine *m,
			       const struct hv_machine_state *st)
{
	struct plic_state old_plic;
	struct uart_state *old_uart;
	int ret;

	if (!vcpus_still(m))
		return -EBUSY;
	old_uart = malloc(sizeof(*old_uart));
	if (!old_uart)
		return -ENOMEM;
	plic_save(m->plic, &old_plic);
	uart_save(m->uart, old_uart);
	ret = plic_restore(m->plic, &st->plic);
	if (!ret)
		ret = uart_restore(m->uart, &st->uart);
	if (!ret)
		ret = vinput_restore(m->power, &st->power_button);
	/* all or nothing: put back what was restored before the failure */
	if (ret && (plic_restore(m->plic, &old_plic) ||
		    uart_restore(m->uart, old_uart)))
		ret = -EIO;	/* cannot happen: they were valid */
	free(old_uart);
	if (ret)
		return ret;
	/* Guest time continues from the saved value. */
	cpu_platform_set_time(&m->plat, st->time);
	return 0;
}

int hv_machine_save_state(struct hv_machine *m, struct hv_machine_state *st)
{
	struct cpu_platform *p = &m->plat;
	int ret;

	if (!vcpus_still(m))
		return -EBUSY;
	memset(st, 0, sizeof(*st));
	st->nr_vcpus = p->nr_cpus;
	for (unsigned h = 0; h < p->nr_cpus; h++) {
		ret = hv_machine_get_vcpu(m, h, &st->vcpu[h]);
		if (ret)
			return ret;
	}
	return hv_machine_save_devices(m, st);
}

int hv_machine_restore_state(struct hv_machine *m,
			     const struct hv_machine_state *st)
{
	struct cpu_platform *p = &m->plat;
	int ret;

	if (!vcpus_still(m))
		return -EBUSY;
	if (st->nr_vcpus != p->nr_cpus)
		return -EINVAL;
	ret = plic_restore(m->plic, &st->plic);
	if (!ret)
		ret = uart_restore(m->uart, &st->uart);
	if (!ret)
		ret = vinput_restore(m->power, &st->power_button);
	for (unsigned h = 0; !ret && h < p->nr_cpus; h++)
		ret = cpu_ops_of(p->cpus[h])->set_context(p->cpus[h],
							  &st->vcpu[h]);
	if (ret)
		return ret;
	/* Guest time continues from the saved value. */
	cpu_platform_set_time(p, st->time);
	return 0;
}

void hv_machine_stop(struct hv_machine *m)
{
	machine_finish(m, HV_EXIT_STOPPED, 0);
}

void hv_machine_clear_stop(struct hv_machine *m)
{
	pthread_mutex_lock(&m->lock);
	if (m->done && m->exit.kind == HV_EXIT_STOPPED)
		m->done = false;
	pthread_mutex_unlock(&m->lock);
}

size_t hv_machine_console_input(struct hv_machine *m, const uint8_t *buf,
				size_t len)
{
	return uart_input(m->uart, buf, len);
}

int hv_machine_power_button(struct hv_machine *m)
{
	return vinput_press(m->power);
}

uint64_t hv_machine_instret(const struct hv_machine *m)
{
	uint64_t n = 0;

	for (unsigned h = 0; h < m->plat.nr_cpus; h++)
		n += cpu_ops_of(m->plat.cpus[h])->instret(m->plat.cpus[h]);
	return n;
}

void hv_machine_destroy(struct hv_machine *m)
{
	if (!m)
		return;
	for (unsigned h = 0; h < m->plat.nr_cpus; h++)
		cpu_destroy(m->plat.cpus[h]);
	systest_destroy(m->systest);
	vinput_destroy(m->power);
	for (unsigned n = 0; n < FDT_VIRTIO_SLOTS; n++)
		vmmio_destroy(m->empty_slot[n]);
	uart_destroy(m->uart);
	plic_destroy(m->plic);
	if (m->plat.code_gen)
		munmap((void *)m->plat.code_gen,
		       m->plat.nr_pages * sizeof(uint32_t));
	free((void *)m->plat.pflags);
	free((void *)m->plat.dirty);	/* the log-dirty bitmap, if it was on */
	if (m->ram)
		munmap(m->ram, m->cfg.ram_size);
	if (m->ram_fd >= 0)
		close(m->ram_fd);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->plat.ack_lock);
	pthread_cond_destroy(&m->plat.ack_cond);
	free(m);
}
