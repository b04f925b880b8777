# migrate: the record stream (docs/stream.md) and, later, the precopy
# engine, codecs and transports. Every migrate/*.c goes into libhvmigrate.a,
# which sits above libhv (dom0 links both; libhv never links this).
MIGRATE_SRCS := $(sort $(wildcard migrate/*.c))
# The record stream alone, without the domctl users above it (domain_*.c):
# what the fuzz target compiles.
MIGRATE_STREAM_SRCS := $(sort $(wildcard migrate/stream*.c))
MIGRATE_OBJS := $(MIGRATE_SRCS:%.c=$(BUILD)/obj/%.o)
LIBHVMIGRATE := $(BUILD)/libhvmigrate.a
MIGRATE_LIBS := -lzstd -lxxhash

$(LIBHVMIGRATE): $(MIGRATE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

all: $(LIBHVMIGRATE)

# Unit tests in tests/unit/migrate link libhvmigrate and include "stream.h".
# A static pattern rule, so it wins over the generic one in tests/module.mk.
# test_precopy runs real hvdomains: it has a rule of its own below.
MIGRATE_DOMAIN_TESTS := $(BUILD)/tests/unit/migrate/test_precopy
MIGRATE_UNIT_TESTS := $(filter-out $(MIGRATE_DOMAIN_TESTS), \
	$(patsubst %.c,$(BUILD)/%, \
	$(sort $(wildcard tests/unit/migrate/test_*.c))))
$(BUILD)/obj/tests/unit/migrate/%.o: ALL_CFLAGS += -Imigrate
$(MIGRATE_UNIT_TESTS): $(BUILD)/tests/unit/migrate/%: \
		$(BUILD)/obj/tests/unit/migrate/%.o $(LIBHVMIGRATE) $(LIBHV)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MIGRATE_LIBS) $(TEST_LIBS)

# The engine's tests with two real hvdomains (tests/unit/domain's fixture).
# It also runs the TLS transport (dom0/peer/mig_tls.h): libhvpeer, named
# by its path (dom0/module.mk, which defines LIBHVPEER, comes later).
$(BUILD)/obj/tests/unit/migrate/test_precopy.o: ALL_CFLAGS += \
	-Itests/unit/domain -Idom0/peer
$(MIGRATE_DOMAIN_TESTS): $(BUILD)/tests/unit/migrate/%: \
		$(BUILD)/obj/tests/unit/migrate/%.o \
		$(BUILD)/obj/tests/unit/domain/hvdomain_fixture.o \
		$(BUILD)/libhvpeer.a $(LIBHVMIGRATE) $(LIBHV) $(LIBHVDOMCTL) \
		$(LIBHVPROTO) \
		| $(BUILD)/bin/hvdomain build/guests/dirtier.elf
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MIGRATE_LIBS) \
		$(PEER_LIBS) $(PROTO_LIBS) $(TEST_LIBS)

# Fuzzing (tests/fuzz): libFuzzer targets are built with clang from the
# sources (their own instrumentation, independent of SANITIZE); the seed
# corpus is written by a generator linked with the normal library.
# `make check` runs each briefly (tests/scripts/test_fuzz_stream.sh),
# `make fuzz` for FUZZ_SECONDS.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_STREAM := $(FUZZ_DIR)/fuzz_stream_read
FUZZ_GEN := $(FUZZ_DIR)/gen_stream_corpus
FUZZ_SEEDS := $(FUZZ_DIR)/seeds/stream/.stamp
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARNINGS) -D_GNU_SOURCE -Imigrate \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION

$(FUZZ_STREAM): tests/fuzz/fuzz_stream_read.c $(MIGRATE_STREAM_SRCS) \
		$(wildcard migrate/*.h) | $(DEPS_STAMP)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_stream_read.c \
		$(MIGRATE_STREAM_SRCS) $(MIGRATE_LIBS)

$(BUILD)/obj/tests/fuzz/%.o: ALL_CFLAGS += -Imigrate
$(FUZZ_GEN): $(BUILD)/obj/tests/fuzz/gen_stream_corpus.o $(LIBHVMIGRATE)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MIGRATE_LIBS)

$(FUZZ_SEEDS): $(FUZZ_GEN)
	$(call msg,GEN,$(@D))
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)$(FUZZ_GEN) $(@D)
	$(Q)touch $@

# Built by `make check` only where clang is installed; the script test
# skips (77) without it.
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
check: $(FUZZ_STREAM) $(FUZZ_SEEDS)
endif

fuzz: fuzz-stream
fuzz-stream: $(FUZZ_STREAM) $(FUZZ_SEEDS)
	$(Q)bash tests/scripts/test_fuzz_stream.sh $(BUILD) $(FUZZ_SECONDS)

.PHONY: fuzz fuzz-stream
