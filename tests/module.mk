# Unit tests: tests/unit/<module>/test_<name>.c, one cmocka binary each,
# linked with the real libhv and libhvproto objects (the linker takes from
# each archive only what a test uses). Tests may include private headers
# ("cpu/fpu.h", "platform/uart.h") and generated ones ("proto/*.pb-c.h").
UNIT_TEST_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_TESTS := $(UNIT_TEST_SRCS:%.c=$(BUILD)/%)
TEST_LIBS := -lcmocka -lfdt -lseccomp -lm $(PROTO_LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(LIBHV) $(LIBHVDOMCTL) \
		$(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

TESTS += $(UNIT_TESTS)

# Script tests (differential runs, bad-input runs): each is a bash script
# run as `bash SCRIPT BUILD` that exits 0 on success, 77 when skipped.
SCRIPTS_CHECK += $(sort $(wildcard tests/scripts/test_*.sh))

# The interpreter tests share a bench (tests/unit/cpu/harness.c): a static
# pattern rule, so it wins over the implicit one above.
CPU_TEST_HARNESS := $(BUILD)/obj/tests/unit/cpu/harness.o
CPU_UNIT_TESTS := $(filter $(BUILD)/tests/unit/cpu/%,$(UNIT_TESTS))
$(CPU_UNIT_TESTS): $(BUILD)/tests/unit/cpu/%: \
		$(BUILD)/obj/tests/unit/cpu/%.o $(CPU_TEST_HARNESS) $(LIBHV) \
		$(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

# Domain tests that run a real hvdomain (tests/unit/domain/test_domctl*):
# the fixture, the binary and the guests they boot.
HVD_FIXTURE := $(BUILD)/obj/tests/unit/domain/hvdomain_fixture.o
HVD_UNIT_TESTS := $(filter $(BUILD)/tests/unit/domain/test_domctl%,$(UNIT_TESTS))
$(HVD_UNIT_TESTS): $(BUILD)/tests/unit/domain/%: \
		$(BUILD)/obj/tests/unit/domain/%.o $(HVD_FIXTURE) $(LIBHV) \
		$(LIBHVDOMCTL) $(LIBHVPROTO) | $(BUILD)/bin/hvdomain \
		$(GUEST_IMAGES)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(TEST_LIBS)

# The domctl fuzz target (tests/fuzz/fuzz_domctl_server.c): hvdomain's
# record decoding and request handling on a real incoming domain, built
# with clang from the sources like the stream's (migrate/module.mk, which
# defines FUZZ_*). `make check` runs it briefly, `make fuzz` longer.
FUZZ_DOMCTL := $(FUZZ_DIR)/fuzz_domctl_server
FUZZ_DOMCTL_GEN := $(FUZZ_DIR)/gen_domctl_corpus
FUZZ_DOMCTL_SEEDS := $(FUZZ_DIR)/seeds/domctl/.stamp
$(FUZZ_DOMCTL): tests/fuzz/fuzz_domctl_server.c \
		$(filter-out hypervisor/domain/sandbox.c,$(LIBHV_SRCS)) \
		$(LIBHVDOMCTL_SRCS) $(PROTO_GEN_C) | $(PROTO_GEN_H)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ihypervisor/include -Ihypervisor \
		-I$(BUILD)/gen -o $@ $(filter %.c,$^) -lfdt -lseccomp -lm \
		$(PROTO_LIBS) -pthread

$(FUZZ_DOMCTL_GEN): $(BUILD)/obj/tests/fuzz/gen_domctl_corpus.o $(LIBHV) \
		$(LIBHVDOMCTL) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

$(FUZZ_DOMCTL_SEEDS): $(FUZZ_DOMCTL_GEN)
	$(call msg,GEN,$(@D))
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)$(FUZZ_DOMCTL_GEN) $(@D)
	$(Q)touch $@

# The domain config fuzz target (tests/fuzz/fuzz_domain_config.c): the
# parser, and the canonical form of what it accepts read back, built with
# clang from dom0's config sources. Its seeds are committed configs
# (tests/fuzz/config/), copied where fuzz-run.sh looks for them.
FUZZ_CONFIG := $(FUZZ_DIR)/fuzz_domain_config
FUZZ_CONFIG_SRCS := dom0/cfg_syntax.c dom0/domain_config.c \
	dom0/domain_config_parse.c dom0/domain_config_write.c dom0/atomic_file.c
FUZZ_CONFIG_SEEDS := $(FUZZ_DIR)/seeds/config/.stamp
$(FUZZ_CONFIG): tests/fuzz/fuzz_domain_config.c $(FUZZ_CONFIG_SRCS) \
		$(wildcard dom0/*.h) | $(DEPS_STAMP)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Idom0 -o $@ $(filter %.c,$^) \
		$(DOM0_LIBS)

$(FUZZ_CONFIG_SEEDS): $(wildcard tests/fuzz/config/*.cfg)
	$(call msg,SEEDS,$(@D))
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)cp $^ $(@D)/
	$(Q)touch $@

# Both targets are built by `make check` only where clang is installed
# (their scripts skip, 77, without it); `make fuzz` runs them longer.
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
check: $(FUZZ_DOMCTL) $(FUZZ_DOMCTL_SEEDS) $(FUZZ_CONFIG) $(FUZZ_CONFIG_SEEDS)
endif
fuzz: fuzz-domctl fuzz-config
fuzz-domctl: $(FUZZ_DOMCTL) $(FUZZ_DOMCTL_SEEDS)
	$(Q)bash tests/scripts/test_fuzz_domctl.sh $(BUILD) $(FUZZ_SECONDS)
fuzz-config: $(FUZZ_CONFIG) $(FUZZ_CONFIG_SEEDS)
	$(Q)bash tests/scripts/test_fuzz_config.sh $(BUILD) $(FUZZ_SECONDS)
.PHONY: fuzz-domctl fuzz-config

# The control protocol's fuzz target (tests/fuzz/fuzz_control_decode.c):
# hvd's record and envelope decoding, built with clang like the others.
FUZZ_CONTROL := $(FUZZ_DIR)/fuzz_control_decode
FUZZ_CONTROL_GEN := $(FUZZ_DIR)/gen_control_corpus
FUZZ_CONTROL_SEEDS := $(FUZZ_DIR)/seeds/control/.stamp
$(FUZZ_CONTROL): tests/fuzz/fuzz_control_decode.c $(LIBHVDOMCTL_SRCS) \
		$(PROTO_GEN_C) | $(PROTO_GEN_H)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ihypervisor/include -Ihypervisor \
		-I$(BUILD)/gen -o $@ $(filter %.c,$^) $(PROTO_LIBS)

$(FUZZ_CONTROL_GEN): $(BUILD)/obj/tests/fuzz/gen_control_corpus.o \
		$(LIBHVDOMCTL) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PROTO_LIBS)

$(FUZZ_CONTROL_SEEDS): $(FUZZ_CONTROL_GEN)
	$(call msg,GEN,$(@D))
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)$(FUZZ_CONTROL_GEN) $(@D)
	$(Q)touch $@

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
check: $(FUZZ_CONTROL) $(FUZZ_CONTROL_SEEDS)
endif
fuzz: fuzz-control
fuzz-control: $(FUZZ_CONTROL) $(FUZZ_CONTROL_SEEDS)
	$(Q)bash tests/scripts/test_fuzz_control.sh $(BUILD) $(FUZZ_SECONDS)
.PHONY: fuzz-control

# The peer hello's fuzz target (tests/fuzz/fuzz_peer_hello.c): what a
# peer sends first inside its TLS session, built with clang like the
# others from dom0/peer/peer_hello.c and the generated messages.
FUZZ_PEER := $(FUZZ_DIR)/fuzz_peer_hello
FUZZ_PEER_GEN := $(FUZZ_DIR)/gen_peer_corpus
FUZZ_PEER_SEEDS := $(FUZZ_DIR)/seeds/peer/.stamp
$(FUZZ_PEER): tests/fuzz/fuzz_peer_hello.c dom0/peer/peer_hello.c \
		$(PROTO_GEN_C) | $(PROTO_GEN_H)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Idom0/peer -I$(BUILD)/gen -o $@ \
		$(filter %.c,$^) $(PROTO_LIBS)

$(BUILD)/obj/tests/fuzz/gen_peer_corpus.o: ALL_CFLAGS += -Idom0/peer
$(FUZZ_PEER_GEN): $(BUILD)/obj/tests/fuzz/gen_peer_corpus.o $(LIBHVPEER) \
		$(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PEER_LIBS) $(PROTO_LIBS)

$(FUZZ_PEER_SEEDS): $(FUZZ_PEER_GEN)
	$(call msg,GEN,$(@D))
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)$(FUZZ_PEER_GEN) $(@D)
	$(Q)touch $@

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
check: $(FUZZ_PEER) $(FUZZ_PEER_SEEDS)
endif
fuzz: fuzz-peer
fuzz-peer: $(FUZZ_PEER) $(FUZZ_PEER_SEEDS)
	$(Q)bash tests/scripts/test_fuzz_peer.sh $(BUILD) $(FUZZ_SECONDS)
.PHONY: fuzz-peer
