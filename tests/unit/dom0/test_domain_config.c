// SPDX-License-Identifier: MIT
/*
 * Domain config files (dom0/domain_config.h, docs/config.md): every key,
 * the defaults, quoting, lists over several lines, comments; the
 * canonical form and its round trip through a file; the DomainConfig
 * and hvdomain's arguments made from a config; and a table of bad
 * configs, each with the exact "FILE:LINE: reason" it gets.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "domain_args.h"
#include "domain_config.h"
#include "proto/state.pb-c.h"
#include "test_dir.h"

static const struct hv_log quiet = {
	.prefix = "test", .level = LOG_ERR };
static char err[DOMAIN_CONFIG_ERR_LEN];

#define MIN_CFG	"name = \"a\"\nkernel = \"/k\"\n"

static void parse_ok(struct domain_config *c, const char *text)
{
	int ret = domain_config_parse(c, text, strlen(text), "t.cfg", err,
				      sizeof(err));

	if (ret)
		fail_msg("%s", err);
}

static void test_defaults(void **state)
{
	struct domain_config c;

	(void)state;
	parse_ok(&c, MIN_CFG);
	assert_string_equal(c.name, "a");
	assert_string_equal(c.kernel, "/k");
	assert_false(c.has_uuid);
	assert_int_equal(c.vcpus, 1);
	assert_int_equal(c.memory_mib, 256);
	assert_null(c.initrd);
	assert_null(c.cmdline);
	assert_int_equal(c.on_poweroff, DOMAIN_ACTION_DESTROY);
	assert_int_equal(c.on_reboot, DOMAIN_ACTION_RESTART);
	assert_int_equal(c.on_crash, DOMAIN_ACTION_DESTROY);
	assert_int_equal(c.disks.n, 0);
	assert_int_equal(c.nics.n, 0);
	assert_int_equal(domain_config_check_devices(&c, err, sizeof(err)), 0);
	domain_config_free(&c);
}

static const char every_key[] =
	"# web1, as xl would have it\n"
	"name = \"web1\"\n"
	"uuid = \"0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0\"\n"
	"vcpus = 8\n"
	"memory = 16384\n"
	"kernel = \"/boot/vmlinux\"\n"
	"initrd = '/boot/initrd.cpio.gz'\n"
	"cmdline = \"console=ttyS0 root=/dev/vda\"\n"
	"on_poweroff = \"preserve\"\n"
	"on_reboot = \"destroy\"\n"
	"on_crash = \"restart\"\n"
	"disk = [ \"format=raw, vdev=xvda, target=/srv/web1.img\" ]\n"
	"vif = [ 'mac=00:16:3e:00:00:01', 'bridge=br0' ]\n";

static void test_every_key(void **state)
{
	struct domain_config c;
	char u[37];

	(void)state;
	parse_ok(&c, every_key);
	assert_string_equal(c.name, "web1");
	assert_true(c.has_uuid);
	uuid_unparse_lower(c.uuid, u);
	assert_string_equal(u, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_int_equal(c.vcpus, 8);
	assert_int_equal(c.memory_mib, 16384);
	assert_string_equal(c.kernel, "/boot/vmlinux");
	assert_string_equal(c.initrd, "/boot/initrd.cpio.gz");
	assert_string_equal(c.cmdline, "console=ttyS0 root=/dev/vda");
	assert_int_equal(c.on_poweroff, DOMAIN_ACTION_PRESERVE);
	assert_int_equal(c.on_reboot, DOMAIN_ACTION_DESTROY);
	assert_int_equal(c.on_crash, DOMAIN_ACTION_RESTART);
	assert_int_equal(c.disks.n, 1);
	assert_string_equal(c.disks.v[0],
			    "format=raw, vdev=xvda, target=/srv/web1.img");
	assert_int_equal(c.nics.n, 2);
	assert_string_equal(c.nics.v[0], "mac=00:16:3e:00:00:01");
	assert_string_equal(c.nics.v[1], "bridge=br0");
	domain_config_free(&c);
	assert_null(c.kernel);
	assert_int_equal(c.nics.n, 0);
}

static void test_ranges_and_names(void **state)
{
	struct domain_config c;

	(void)state;
	parse_ok(&c, MIN_CFG "vcpus = 1\nmemory = 16\n");
	assert_int_equal(c.vcpus, 1);
	assert_int_equal(c.memory_mib, 16);
	domain_config_free(&c);
	parse_ok(&c, "name = \"_x.Y-0\"\nkernel = \"k\"\n");
	assert_string_equal(c.name, "_x.Y-0");
	domain_config_free(&c);
	parse_ok(&c, "name = \"0abc\"\nkernel = \"k\"\n");
	domain_config_free(&c);
	parse_ok(&c, "name = \"12345678901234567890123456789012345678901"
		 "234567890123456789012x\"\nkernel = \"k\"\n");
	assert_int_equal(strlen(c.name), DOMAIN_CONFIG_NAME_MAX);
	domain_config_free(&c);
}

static void test_quoting(void **state)
{
	struct domain_config c;

	(void)state;
	parse_ok(&c, "name='a'\nkernel='/k \"x\" #1'\n"
		 "initrd = \"it's\"\n"
		 "cmdline = 'a\\'b\\\"c\\\\d'\n");
	assert_string_equal(c.kernel, "/k \"x\" #1");
	assert_string_equal(c.initrd, "it's");
	assert_string_equal(c.cmdline, "a'b\"c\\d");
	domain_config_free(&c);

	/* blanks, tabs, comments after values, CRLF, no last newline */
	parse_ok(&c, "\t name\t=\t\"a\"   # the name\r\n"
		 "\r\n   # a comment line\n"
		 "kernel=\"/k\"#no blank\n"
		 "cmdline = \"\"\n"
		 "vcpus =2");
	assert_string_equal(c.name, "a");
	assert_string_equal(c.kernel, "/k");
	assert_null(c.cmdline);		/* empty: none */
	assert_int_equal(c.vcpus, 2);
	domain_config_free(&c);

	/* bytes beyond ASCII pass through; extra is xl's cmdline */
	parse_ok(&c, MIN_CFG "extra = \"caf\xc3\xa9\"\n");
	assert_string_equal(c.cmdline, "caf\xc3\xa9");
	domain_config_free(&c);
}

static void test_lists(void **state)
{
	struct domain_config c;

	(void)state;
	parse_ok(&c, MIN_CFG
		 "disk = [\n"
		 "\t# the system disk\n"
		 "\t\"vdev=xvda, target=/a\",   # after an entry\n"
		 "\n"
		 "\t'vdev=xvdb, target=/b'\n"
		 "\t, \"vdev=xvdc\",\n"
		 "]  # closed\n"
		 "vif = []\n");
	assert_int_equal(c.disks.n, 3);
	assert_string_equal(c.disks.v[0], "vdev=xvda, target=/a");
	assert_string_equal(c.disks.v[1], "vdev=xvdb, target=/b");
	assert_string_equal(c.disks.v[2], "vdev=xvdc");
	assert_int_equal(c.nics.n, 0);
	assert_int_equal(domain_config_check_devices(&c, err, sizeof(err)),
			 -EOPNOTSUPP);
	assert_string_equal(err, "domain a: 3 disk and 0 vif entries, but hv "
			    "has no virtual disks or nics yet: remove them "
			    "from its config");
	domain_config_free(&c);

	parse_ok(&c, MIN_CFG "vif = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
		 "\"g\",\"h\"]\n");
	assert_int_equal(c.nics.n, DOMAIN_CONFIG_DEVICES_MAX);
	assert_string_equal(c.nics.v[7], "h");
	assert_int_equal(domain_config_check_devices(&c, err, sizeof(err)),
			 -EOPNOTSUPP);
	domain_config_free(&c);
}

static void test_fill_uuid(void **state)
{
	struct domain_config c, d;

	(void)state;
	parse_ok(&c, MIN_CFG);
	parse_ok(&d, MIN_CFG);
	assert_true(domain_config_fill_uuid(&c));
	assert_true(c.has_uuid);
	assert_false(uuid_is_null(c.uuid));
	assert_false(domain_config_fill_uuid(&c));
	assert_true(domain_config_fill_uuid(&d));
	assert_int_not_equal(uuid_compare(c.uuid, d.uuid), 0);
	domain_config_free(&c);
	domain_config_free(&d);
}

static const char canonical[] =
	"# hv domain config, canonical form (docs/config.md)\n"
	"name = \"web1\"\n"
	"uuid = \"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\"\n"
	"vcpus = 8\n"
	"memory = 16384\n"
	"kernel = \"/boot/vmlinux\"\n"
	"initrd = \"/boot/initrd.cpio.gz\"\n"
	"cmdline = \"console=ttyS0 root=/dev/vda\"\n"
	"on_poweroff = \"preserve\"\n"
	"on_reboot = \"destroy\"\n"
	"on_crash = \"restart\"\n"
	"disk = [\n"
	"\t\"format=raw, vdev=xvda, target=/srv/web1.img\",\n"
	"]\n"
	"vif = [\n"
	"\t\"mac=00:16:3e:00:00:01\",\n"
	"\t\"bridge=br0\",\n"
	"]\n";

static void test_canonical_form(void **state)
{
	struct domain_config c;
	char *text;
	size_t len;

	(void)state;
	parse_ok(&c, every_key);
	assert_int_equal(domain_config_format(&c, &text, &len, err,
					      sizeof(err)), 0);
	assert_string_equal(text, canonical);
	assert_int_equal(len, strlen(canonical));
	free(text);
	domain_config_free(&c);

	/* defaults are written out; none, no uuid: left out */
	parse_ok(&c, MIN_CFG);
	assert_int_equal(domain_config_format(&c, &text, &len, err,
					      sizeof(err)), 0);
	assert_string_equal(text,
		"# hv domain config, canonical form (docs/config.md)\n"
		"name = \"a\"\nvcpus = 1\nmemory = 256\nkernel = \"/k\"\n"
		"on_poweroff = \"destroy\"\non_reboot = \"restart\"\n"
		"on_crash = \"destroy\"\n");
	free(text);
	domain_config_free(&c);
}

/* Writes @c to a file, reads it back: the same config. */
static void round_trip(const struct domain_config *c)
{
	struct domain_config back;
	char path[128];
	DIR *d;
	struct dirent *e;
	int files = 0;

	snprintf(path, sizeof(path), "%s/rt.cfg", test_dir);
	if (domain_config_write(c, path, err, sizeof(err)))
		fail_msg("%s", err);
	if (domain_config_read(&back, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(domain_config_equal(c, &back));
	domain_config_free(&back);
	/* no temporary file is left beside it */
	d = opendir(test_dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		files += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 1);
}

static void test_round_trip(void **state)
{
	struct domain_config c;
	char *big;

	(void)state;
	parse_ok(&c, every_key);
	round_trip(&c);
	domain_config_free(&c);
	parse_ok(&c, MIN_CFG "extra = 'a\"b\\'c\\\\'\n");
	round_trip(&c);
	assert_true(domain_config_fill_uuid(&c));
	round_trip(&c);
	domain_config_free(&c);

	/*
	 * The longest strings, all quotes of both kinds and backslashes,
	 * in every string and eight entries of each list: still one line
	 * per string and under the size limits.
	 */
	big = malloc(DOMAIN_CONFIG_STRING_MAX + 1);
	assert_non_null(big);
	for (int i = 0; i < DOMAIN_CONFIG_STRING_MAX; i++)
		big[i] = "\"'\\"[i % 3];
	big[DOMAIN_CONFIG_STRING_MAX] = '\0';
	parse_ok(&c, MIN_CFG);
	free(c.kernel);
	c.kernel = strdup(big);
	c.initrd = strdup(big);
	c.cmdline = strdup(big);
	c.disks.v = calloc(DOMAIN_CONFIG_DEVICES_MAX, sizeof(char *));
	c.nics.v = calloc(DOMAIN_CONFIG_DEVICES_MAX, sizeof(char *));
	for (int i = 0; i < DOMAIN_CONFIG_DEVICES_MAX; i++) {
		c.disks.v[c.disks.n++] = strdup(big);
		c.nics.v[c.nics.n++] = strdup(big);
	}
	round_trip(&c);
	domain_config_free(&c);
	free(big);
}

static void test_write_fd_and_errors(void **state)
{
	struct domain_config c, back;
	char path[128], buf[1024];
	ssize_t n;
	int fd;

	(void)state;
	parse_ok(&c, every_key);
	snprintf(path, sizeof(path), "%s/fd.cfg", test_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(domain_config_write_fd(&c, fd, err, sizeof(err)), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_int_equal(n, strlen(canonical));
	buf[n] = '\0';
	assert_string_equal(buf, canonical);
	close(fd);
	assert_int_equal(domain_config_read(&back, path, err, sizeof(err)), 0);
	assert_true(domain_config_equal(&c, &back));
	domain_config_free(&back);
	unlink(path);

	assert_int_equal(domain_config_write_fd(&c, -1, err, sizeof(err)),
			 -EBADF);
	assert_string_equal(err, "domain config web1: write to fd -1: Bad "
			    "file descriptor");
	assert_int_equal(domain_config_write(&c, "/nonexistent/dir/x.cfg",
					     err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/dir/x.cfg: temporary file: No "
			    "such file or directory");

	/* a config changed in code is checked before it is written */
	c.vcpus = 9;
	assert_int_equal(domain_config_write(&c, path, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "domain config: vcpus = 9 is out of range "
			    "1..8");
	assert_int_equal(access(path, F_OK), -1);
	domain_config_free(&c);
}

static void test_check(void **state)
{
	struct domain_config c;

	(void)state;
	domain_config_init(&c);
	assert_int_equal(domain_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "domain config: name is empty");
	strcpy(c.name, "x");
	assert_int_equal(domain_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "domain config: no kernel");
	c.kernel = strdup("/k\n");
	assert_int_equal(domain_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "domain config: kernel has control character "
			    "0x0a");
	c.kernel[2] = '\0';
	c.on_crash = (enum domain_action)7;
	assert_int_equal(domain_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "domain config: on_crash is not an action "
			    "(7)");
	c.on_crash = DOMAIN_ACTION_PRESERVE;
	c.has_uuid = true;
	assert_int_equal(domain_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "domain config: uuid is the nil UUID");
	c.has_uuid = false;
	assert_int_equal(domain_config_check(&c, err, sizeof(err)), 0);
	domain_config_free(&c);
}

static void test_to_pb_and_args(void **state)
{
	static const char *const want[] = {
		"--vcpus", "8", "--memory", "16384M", "--name", "web1",
		"--uuid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"--kernel", "/boot/vmlinux", "--initrd", "/boot/initrd.cpio.gz",
		"--cmdline", "console=ttyS0 root=/dev/vda", NULL,
	};
	struct domain_config c;
	Hv__DomainConfig pb;
	struct domain_args a;
	int i;

	(void)state;
	parse_ok(&c, every_key);
	domain_config_to_pb(&c, &pb);
	assert_string_equal(pb.name, "web1");
	assert_int_equal(pb.uuid.len, 16);
	assert_memory_equal(pb.uuid.data, c.uuid, 16);
	assert_int_equal(pb.vcpus, 8);
	assert_int_equal(pb.memory_bytes, 16384ull << 20);
	assert_int_equal(pb.on_poweroff, HV__DOMAIN_ACTION__ACTION_PRESERVE);
	assert_int_equal(pb.on_reboot, HV__DOMAIN_ACTION__ACTION_DESTROY);
	assert_int_equal(pb.on_crash, HV__DOMAIN_ACTION__ACTION_RESTART);
	assert_int_equal(domain_args_from_config(&a, &pb, NULL, false, &quiet),
			 0);
	for (i = 0; want[i]; i++)
		assert_string_equal(a.argv[i], want[i]);
	assert_null(a.argv[i]);
	domain_config_free(&c);

	/* defaults: no uuid, initrd or cmdline; every action explicit */
	parse_ok(&c, MIN_CFG);
	domain_config_to_pb(&c, &pb);
	assert_int_equal(pb.uuid.len, 0);
	assert_string_equal(pb.initrd, "");
	assert_string_equal(pb.cmdline, "");
	assert_int_equal(pb.memory_bytes, 256ull << 20);
	assert_int_equal(pb.on_poweroff, HV__DOMAIN_ACTION__ACTION_DESTROY);
	assert_int_equal(pb.on_reboot, HV__DOMAIN_ACTION__ACTION_RESTART);
	assert_int_equal(pb.on_crash, HV__DOMAIN_ACTION__ACTION_DESTROY);
	domain_config_free(&c);
}

/* A config that came in a stream formats back to the text it was
 * parsed from; ACTION_DEFAULT means xl's defaults; bad UUIDs refused. */
static void test_from_pb(void **state)
{
	struct domain_config c, back;
	Hv__DomainConfig pb;
	char why[256], *text, *again;
	size_t len, len2;

	(void)state;
	/* every key a DomainConfig carries (disks and nics it does not yet) */
	parse_ok(&c, "name = \"web1\"\nuuid = \"0f1e2d3c-4b5a-6978-8796-"
		 "a5b4c3d2e1f0\"\nvcpus = 8\nmemory = 16384\nkernel = \"/k\"\n"
		 "initrd = \"/i\"\ncmdline = \"c\"\non_poweroff = \"preserve\"\n"
		 "on_reboot = \"destroy\"\non_crash = \"restart\"\n");
	assert_int_equal(domain_config_format(&c, &text, &len, why,
					      sizeof(why)), 0);
	domain_config_to_pb(&c, &pb);
	assert_int_equal(domain_config_from_pb(&back, &pb), 0);
	assert_int_equal(domain_config_format(&back, &again, &len2, why,
					      sizeof(why)), 0);
	assert_string_equal(again, text);
	free(text);
	free(again);
	domain_config_free(&back);

	pb.on_poweroff = pb.on_reboot = pb.on_crash =
		HV__DOMAIN_ACTION__ACTION_DEFAULT;
	assert_int_equal(domain_config_from_pb(&back, &pb), 0);
	assert_int_equal(back.on_poweroff, DOMAIN_ACTION_DESTROY);
	assert_int_equal(back.on_reboot, DOMAIN_ACTION_RESTART);
	assert_int_equal(back.on_crash, DOMAIN_ACTION_DESTROY);
	domain_config_free(&back);

	pb.uuid.len = 5;
	assert_int_equal(domain_config_from_pb(&back, &pb), -EINVAL);
	domain_config_free(&c);
}

struct bad {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *err;
};

#define N9 "\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\""

static const struct bad bad_configs[] = {
	/* keys */
	{ MIN_CFG "foo = 1\n", 0, "bad.cfg:3: unknown key 'foo'" },
	{ MIN_CFG "Name = \"a\"\n", 0, "bad.cfg:3: unknown key 'Name'" },
	{ MIN_CFG "type = \"pv\"\n", 0, "bad.cfg:3: unknown key 'type'" },
	{ MIN_CFG "name = \"b\"\n", 0,
	  "bad.cfg:3: 'name' set again (first on line 1)" },
	{ MIN_CFG "extra = \"x\"\n\ncmdline = \"y\"\n", 0,
	  "bad.cfg:5: 'cmdline' and 'extra' (line 3) are the same key" },
	{ "kernel = \"/k\"\n", 0, "bad.cfg: no 'name' (required)" },
	{ "name = \"a\"\n", 0, "bad.cfg: no 'kernel' (required)" },
	{ "", 0, "bad.cfg: no 'name' (required)" },
	{ "# nothing\n\n", 0, "bad.cfg: no 'name' (required)" },
	/* types */
	{ MIN_CFG "vcpus = \"2\"\n", 0,
	  "bad.cfg:3: 'vcpus' must be a number, not a \"string\"" },
	{ MIN_CFG "vcpus = [ 1 ]\n", 0,
	  "bad.cfg:3: 'vcpus' must be a number, not a [list]" },
	{ MIN_CFG "on_crash = 1\n", 0,
	  "bad.cfg:3: 'on_crash' must be a \"string\", not a number" },
	{ MIN_CFG "disk = \"x\"\n", 0,
	  "bad.cfg:3: 'disk' must be a [list], not a \"string\"" },
	/* values */
	{ MIN_CFG "vcpus = 0\n", 0,
	  "bad.cfg:3: vcpus = 0 is out of range 1..8" },
	{ MIN_CFG "vcpus = 9\n", 0,
	  "bad.cfg:3: vcpus = 9 is out of range 1..8" },
	{ MIN_CFG "memory = 15\n", 0,
	  "bad.cfg:3: memory = 15 is out of range 16..16384 (MiB)" },
	{ MIN_CFG "memory = 16385\n", 0,
	  "bad.cfg:3: memory = 16385 is out of range 16..16384 (MiB)" },
	{ MIN_CFG "memory = 4294967297\n", 0,
	  "bad.cfg:3: memory = 4294967297 is out of range 16..16384 (MiB)" },
	{ "name = \"\"\nkernel = \"/k\"\n", 0, "bad.cfg:1: name is empty" },
	{ "name = \"a b\"\n", 0,
	  "bad.cfg:1: name has ' ': only A-Z a-z 0-9 _ . - are allowed" },
	{ "name = \"a/b\"\n", 0,
	  "bad.cfg:1: name has '/': only A-Z a-z 0-9 _ . - are allowed" },
	{ "name = \"caf\xc3\xa9\"\n", 0,
	  "bad.cfg:1: name has byte 0xc3: only A-Z a-z 0-9 _ . - are allowed" },
	{ "name = \"..\"\n", 0,
	  "bad.cfg:1: name must start with a letter, a digit or '_'" },
	{ "name = \"-x\"\n", 0,
	  "bad.cfg:1: name must start with a letter, a digit or '_'" },
	{ "name = \"42\"\n", 0,
	  "bad.cfg:1: name '42' is all digits: it would read as a domain id" },
	{ "name = \"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\"\n", 0,
	  "bad.cfg:1: name '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' is a UUID: "
	  "it would read as one" },
	{ "name = \"1234567890123456789012345678901234567890123456789012345"
	  "678901234\"\n", 0, "bad.cfg:1: name is longer than 63 characters" },
	{ MIN_CFG "uuid = \"nope\"\n", 0, "bad.cfg:3: uuid \"nope\" is not a "
	  "UUID (like 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0)" },
	{ MIN_CFG "uuid = \"00000000-0000-0000-0000-000000000000\"\n", 0,
	  "bad.cfg:3: uuid is the nil UUID" },
	{ MIN_CFG "initrd = \"\"\n", 0, "bad.cfg:3: initrd is empty" },
	{ "name = \"a\"\nkernel = ''\n", 0, "bad.cfg:2: kernel is empty" },
	{ MIN_CFG "on_crash = \"coredump-destroy\"\n", 0,
	  "bad.cfg:3: on_crash = \"coredump-destroy\" is not supported by hv "
	  "(destroy, restart or preserve)" },
	{ MIN_CFG "on_crash = \"coredump-restart\"\n", 0,
	  "bad.cfg:3: on_crash = \"coredump-restart\" is not supported by hv "
	  "(destroy, restart or preserve)" },
	{ MIN_CFG "on_reboot = \"rename-restart\"\n", 0,
	  "bad.cfg:3: on_reboot = \"rename-restart\" is not supported by hv "
	  "(destroy, restart or preserve)" },
	{ MIN_CFG "on_poweroff = \"soft-reset\"\n", 0,
	  "bad.cfg:3: on_poweroff = \"soft-reset\" is not supported by hv "
	  "(destroy, restart or preserve)" },
	{ MIN_CFG "on_poweroff = \"explode\"\n", 0,
	  "bad.cfg:3: on_poweroff = \"explode\" is not an action (destroy, "
	  "restart or preserve)" },
	{ MIN_CFG "on_poweroff = \"Destroy\"\n", 0,
	  "bad.cfg:3: on_poweroff = \"Destroy\" is not an action (destroy, "
	  "restart or preserve)" },
	/* lists */
	{ MIN_CFG "disk = [ \"a\", \"\" ]\n", 0,
	  "bad.cfg:3: disk entry 2 is empty" },
	{ MIN_CFG "disk = [\n\t\"a\",\n\n\t\"\",\n]\n", 0,
	  "bad.cfg:6: disk entry 2 is empty" },
	{ MIN_CFG "vif = [ 1 ]\n", 0,
	  "bad.cfg:3: vif entry 1 is a number, not a \"string\"" },
	{ MIN_CFG "disk = [ " N9 " ]\n", 0,
	  "bad.cfg:3: disk has 9 entries, at most 8" },
	{ MIN_CFG "disk = [ [ \"a\" ] ]\n", 0,
	  "bad.cfg:3: a list inside the list of 'disk'" },
	{ MIN_CFG "disk = [ \"a\" \"b\" ]\n", 0,
	  "bad.cfg:3: expected ',' or ']' in the list of 'disk', not '\"'" },
	{ MIN_CFG "disk = [ , ]\n", 0, "bad.cfg:3: expected a \"string\" or a "
	  "number in the list of 'disk', not ','" },
	{ MIN_CFG "disk = [ \"a\",, ]\n", 0, "bad.cfg:3: expected a \"string\" "
	  "or a number in the list of 'disk', not ','" },
	{ MIN_CFG "disk = [ \"a\",\n# the end\n", 0,
	  "bad.cfg:3: list of 'disk' not closed (no ']')" },
	{ MIN_CFG "vif = [\n", 0,
	  "bad.cfg:3: list of 'vif' not closed (no ']')" },
	{ MIN_CFG "disk = [ \"a\" ] \"b\"\n", 0,
	  "bad.cfg:3: unexpected '\"' after the value of 'disk'" },
	{ MIN_CFG "disk = [ \"a\n\" ]\n", 0,
	  "bad.cfg:3: string not closed before the end of the line" },
	/* strings */
	{ MIN_CFG "cmdline = \"abc\n", 0,
	  "bad.cfg:3: string not closed before the end of the line" },
	{ MIN_CFG "cmdline = 'abc\"\n", 0,
	  "bad.cfg:3: string not closed before the end of the line" },
	{ MIN_CFG "cmdline = \"abc\\\"\n", 0,
	  "bad.cfg:3: string not closed before the end of the line" },
	{ MIN_CFG "cmdline = \"abc\\", 0,
	  "bad.cfg:3: string not closed before the end of the line" },
	{ MIN_CFG "cmdline = \"a\\qb\"\n", 0, "bad.cfg:3: unknown escape: a "
	  "backslash before 'q' in a string (only \\\\, \\\" and \\' are "
	  "known)" },
	{ MIN_CFG "cmdline = \"a\\nb\"\n", 0, "bad.cfg:3: unknown escape: a "
	  "backslash before 'n' in a string (only \\\\, \\\" and \\' are "
	  "known)" },
	{ MIN_CFG "cmdline = \"a\tb\"\n", 0,
	  "bad.cfg:3: control character 0x09 in a string" },
	{ MIN_CFG "cmdline = \"a\rb\"\n", 0,
	  "bad.cfg:3: control character 0x0d in a string" },
	{ MIN_CFG "cmdline = \"a\" \"b\"\n", 0,
	  "bad.cfg:3: unexpected '\"' after the value of 'cmdline'" },
	{ MIN_CFG "cmdline = \"a\";\n", 0,
	  "bad.cfg:3: unexpected ';' after the value of 'cmdline'" },
	{ MIN_CFG "cmdline = \"a\"\r", 0,
	  "bad.cfg:3: unexpected byte 0x0d after the value of 'cmdline'" },
	{ MIN_CFG "initrd = /boot/initrd\n", 0, "bad.cfg:3: the value of "
	  "'initrd' must be a \"string\", a number or a [list], not '/'" },
	/* numbers */
	{ MIN_CFG "memory = 512M\n", 0, "bad.cfg:3: '512M' is not a decimal "
	  "number" },
	{ MIN_CFG "memory = 0x100\n", 0, "bad.cfg:3: '0x100' is not a decimal "
	  "number" },
	{ MIN_CFG "memory = 1.5\n", 0, "bad.cfg:3: '1.5' is not a decimal "
	  "number" },
	{ MIN_CFG "memory = 0512\n", 0, "bad.cfg:3: '0512': a number with a "
	  "leading zero (xl would read it as octal)" },
	{ MIN_CFG "memory = 18446744073709551616\n", 0,
	  "bad.cfg:3: number too large" },
	{ MIN_CFG "memory = -1\n", 0, "bad.cfg:3: the value of 'memory' must "
	  "be a \"string\", a number or a [list], not '-'" },
	/* lines */
	{ MIN_CFG "cmdline =\n", 0, "bad.cfg:3: 'cmdline' has no value" },
	{ MIN_CFG "cmdline = # later\n", 0,
	  "bad.cfg:3: 'cmdline' has no value" },
	{ MIN_CFG "cmdline \"x\"\n", 0,
	  "bad.cfg:3: expected '=' after 'cmdline', not '\"'" },
	{ MIN_CFG "cmdline\n", 0, "bad.cfg:3: expected '=' after 'cmdline'" },
	{ MIN_CFG "on-crash = \"destroy\"\n", 0,
	  "bad.cfg:3: expected '=' after 'on', not '-'" },
	{ MIN_CFG "= 3\n", 0,
	  "bad.cfg:3: expected a key at the start of the line, not '='" },
	{ MIN_CFG "1vcpus = 3\n", 0,
	  "bad.cfg:3: expected a key at the start of the line, not '1'" },
	{ MIN_CFG "\x01\n", 0, "bad.cfg:3: expected a key at the start of the "
	  "line, not byte 0x01" },
	{ MIN_CFG "vcpus = 2\r\r\n", 0,
	  "bad.cfg:3: unexpected byte 0x0d after the value of 'vcpus'" },
	{ MIN_CFG "cmdline = \"a\0b\"\n", sizeof(MIN_CFG "cmdline = \"a\0b\"\n")
	  - 1, "bad.cfg:3: a NUL byte" },
	{ "\0", 1, "bad.cfg:1: a NUL byte" },
};

static void test_bad_configs(void **state)
{
	struct domain_config c;
	const struct bad *b;
	size_t i, len;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
		b = &bad_configs[i];
		len = b->len ? b->len : strlen(b->text);
		memset(err, 0, sizeof(err));
		ret = domain_config_parse(&c, b->text, len, "bad.cfg", err,
					  sizeof(err));
		if (ret != -EINVAL || strcmp(err, b->err))
			fail_msg("bad config %zu:\n%s\nreturned %d, \"%s\"; "
				 "expected \"%s\"", i, b->text, ret, err,
				 b->err);
		/* nothing is left allocated or half set */
		assert_null(c.kernel);
		assert_int_equal(c.disks.n, 0);
		assert_int_equal(c.vcpus, 1);
	}
}

/* Over-long lines, over-large files and strings, from a file and not. */
static void test_limits(void **state)
{
	struct domain_config c;
	char path[128], *buf;
	size_t n;
	int fd;

	(void)state;
	buf = malloc(2 * 65536);
	assert_non_null(buf);

	/* a line of exactly 4096 bytes is fine, 4097 is not */
	n = (size_t)sprintf(buf, MIN_CFG "# ");
	memset(buf + n, 'x', 4094);
	strcpy(buf + n + 4094, "\nvcpus = 2\n");
	parse_ok(&c, buf);
	assert_int_equal(c.vcpus, 2);
	domain_config_free(&c);
	memset(buf + n, 'x', 4095);
	strcpy(buf + n + 4095, "\nvcpus = 2\n");
	assert_int_equal(domain_config_parse(&c, buf, strlen(buf), "big.cfg",
					     err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "big.cfg:3: line longer than 4096 bytes");

	/* a string of 1024 bytes is fine, 1025 is not */
	n = (size_t)sprintf(buf, MIN_CFG "cmdline = \"");
	memset(buf + n, 'y', 1024);
	strcpy(buf + n + 1024, "\"\n");
	parse_ok(&c, buf);
	assert_int_equal(strlen(c.cmdline), 1024);
	domain_config_free(&c);
	memset(buf + n, 'y', 1025);
	strcpy(buf + n + 1025, "\"\n");
	assert_int_equal(domain_config_parse(&c, buf, strlen(buf), "big.cfg",
					     err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "big.cfg:3: cmdline is longer than 1024 "
			    "bytes");

	/* 64 KiB of comments is fine, one byte more is not */
	n = (size_t)sprintf(buf, MIN_CFG);
	while (n < 65536) {
		memcpy(buf + n, "# padding\n", 10);
		n += 10;
	}
	n = 65536;
	buf[n - 1] = '\n';
	assert_int_equal(domain_config_parse(&c, buf, 65536, "big.cfg", err,
					     sizeof(err)), 0);
	domain_config_free(&c);
	assert_int_equal(domain_config_parse(&c, buf, 65537, "big.cfg", err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err, "big.cfg: 65537 bytes, more than 65536");

	/* the same from files */
	snprintf(path, sizeof(path), "%s/big.cfg", test_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, 65536), 65536);
	assert_int_equal(domain_config_read(&c, path, err, sizeof(err)), 0);
	domain_config_free(&c);
	assert_int_equal(write(fd, "\n", 1), 1);
	close(fd);
	assert_int_equal(domain_config_read(&c, path, err, sizeof(err)),
			 -EINVAL);
	snprintf(buf, 256, "%s: 65537 bytes, more than 65536", path);
	assert_string_equal(err, buf);
	unlink(path);
	free(buf);
}

static void test_read_errors(void **state)
{
	struct domain_config c;
	char want[256];

	(void)state;
	assert_int_equal(domain_config_read(&c, "/nonexistent.cfg", err,
					    sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent.cfg: No such file or directory");
	assert_int_equal(domain_config_read(&c, test_dir, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file", test_dir);
	assert_string_equal(err, want);
	assert_null(c.kernel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_ranges_and_names),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_fill_uuid),
		cmocka_unit_test(test_canonical_form),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_write_fd_and_errors),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_to_pb_and_args),
		cmocka_unit_test(test_from_pb),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, test_dir_setup,
				      test_dir_teardown);
}
