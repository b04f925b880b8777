# hv — one non-recursive GNU Makefile. Each directory adds to the lists
# below from its own module.mk. Objects live under $(BUILD); guest images
# (which do not depend on SANITIZE) live under $(GUESTDIR).
#
#   make            build everything        make V=1      show commands
#   make check      run every test          make SANITIZE=1 check  ASan+UBSan
#   make demo       boot Debian on hv       make install PREFIX=/usr DESTDIR=…

.DEFAULT_GOAL := all
SHELL := /bin/bash

PREFIX  ?= /usr/local
DESTDIR ?=
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
else ifeq ($(SANITIZE),thread)
BUILD := build/tsan
# (TSan does not model standalone fences; they stay, unchecked.)
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan
else
BUILD := build/rel
SANFLAGS :=
endif
GUESTDIR := build/guests

CC      ?= gcc
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS) $(SANFLAGS) -MMD -MP \
	-D_GNU_SOURCE -Ihypervisor/include -Ihypervisor -I$(BUILD)/gen
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS) -pthread

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2);
endif

# Lists filled in by module.mk files.
LIBHV_SRCS :=
TOOLS :=
TESTS :=
SCRIPTS_CHECK :=
GUEST_IMAGES :=
CLEAN :=

# Dependencies: installed once (stamp), and again when deps.sh changes.
DEPS_STAMP := build/.deps-stamp
$(DEPS_STAMP): scripts/deps.sh
	$(call msg,DEPS,scripts/deps.sh)
	$(Q)bash scripts/deps.sh
	$(Q)mkdir -p $(@D) && touch $@

# Set before the module.mk files: their rules name it as a prerequisite,
# which make expands as it reads them.
LIBHV := $(BUILD)/libhv.a

# proto first: it defines LIBHVPROTO and PROTO_* for the modules below.
include proto/module.mk
include hypervisor/module.mk
include migrate/module.mk
# dom0 before tools: it defines LIBHVDOM0, which hvdomctl's rule names.
include dom0/module.mk
include tools/module.mk
include guests/module.mk
include tests/module.mk
include bench/module.mk

LIBHV_OBJS := $(LIBHV_SRCS:%.c=$(BUILD)/obj/%.o)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBHV): $(LIBHV_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

all: $(LIBHV) $(TOOLS) $(GUEST_IMAGES)

check: all $(TESTS)
	$(Q)bash tests/run.sh $(BUILD) $(TESTS) -- $(SCRIPTS_CHECK)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 $(wildcard docs/man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(wildcard docs/man/*.8) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 scripts/completion/hvctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/hvctl
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system \
		$(DESTDIR)$(PREFIX)/share/doc/hv
	sed 's|@BINDIR@|$(PREFIX)/bin|' scripts/systemd/hvd.service.in \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/hvd.service
	sed 's|@BINDIR@|$(PREFIX)/bin|' scripts/systemd/hv-guests.service.in \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/hv-guests.service
	install -m 0644 scripts/hvd.conf.example $(DESTDIR)$(PREFIX)/share/doc/hv/

demo: all
	$(Q)bash scripts/demo.sh $(BUILD)

# The tests under ASan+UBSan (objects in build/san).
sanitize:
	$(Q)$(MAKE) --no-print-directory check SANITIZE=1

# The concurrency tests under ThreadSanitizer (objects in build/tsan).
TSAN_TESTS := tests/unit/cpu/test_logdirty tests/unit/cpu/test_insn_a \
	tests/unit/migrate/test_precopy
check-tsan:
	$(Q)$(MAKE) --no-print-directory SANITIZE=thread \
		$(TSAN_TESTS:%=build/tsan/%)
	$(Q)bash tests/run.sh build/tsan $(TSAN_TESTS:%=build/tsan/%) --

clean:
	rm -rf build/rel build/san build/tsan $(CLEAN)

# build/guests and the Debian package cache survive `make clean`:
distclean:
	rm -rf build

.PHONY: all check install demo sanitize check-tsan clean distclean
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
.SECONDARY:
