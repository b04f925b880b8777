# dom0: the host side of domains (docs/architecture.md). Every dom0/*.c
# goes into libhvdom0.a: starting hvdomain (domain_spawn), a DomainConfig
# as its arguments (domain_args), domain config files (domain_config*,
# cfg_syntax, atomic_file); hvd itself is dom0/hvd/ (below). Code
# here uses domctl (hv/domctl.h) and the generated proto headers only,
# never libhv's private headers.
DOM0_SRCS := $(sort $(wildcard dom0/*.c))
DOM0_OBJS := $(DOM0_SRCS:%.c=$(BUILD)/obj/%.o)
LIBHVDOM0 := $(BUILD)/libhvdom0.a
# dom0 programs link libhvdomctl and libhvproto, never libhv
# (docs/architecture.md); of libhv they take only the logger (hv/log.h).
HV_LOG_OBJ := $(BUILD)/obj/hypervisor/util/log.o
# What a program that reads domain configs links besides libhvdom0.
DOM0_LIBS := -luuid

$(LIBHVDOM0): $(DOM0_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

all: $(LIBHVDOM0)

# Unit tests in tests/unit/dom0 link libhvdom0 and the domctl client.
# A static pattern rule, so it wins over the generic one in tests/module.mk.
DOM0_UNIT_TESTS := $(patsubst %.c,$(BUILD)/%, \
	$(sort $(wildcard tests/unit/dom0/test_*.c)))
$(BUILD)/obj/tests/unit/dom0/%.o: ALL_CFLAGS += -Idom0
$(DOM0_UNIT_TESTS): $(BUILD)/tests/unit/dom0/%: \
		$(BUILD)/obj/tests/unit/dom0/%.o $(LIBHVDOM0) $(LIBHVDOMCTL) \
		$(LIBHVPROTO) $(HV_LOG_OBJ)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(DOM0_LIBS)

# The peer link (dom0/peer/peer_tls.h): TLS 1.3 with the cluster key, for
# hvd's peer port and what streams between hosts. Its own archive: what
# links it also links $(PEER_LIBS).
PEER_SRCS := $(sort $(wildcard dom0/peer/*.c))
PEER_OBJS := $(PEER_SRCS:%.c=$(BUILD)/obj/%.o)
# mig_tls.c: the TLS transport, behind migrate.h's ops table.
$(PEER_OBJS): ALL_CFLAGS += -Imigrate
LIBHVPEER := $(BUILD)/libhvpeer.a
PEER_LIBS := -lssl -lcrypto

$(LIBHVPEER): $(PEER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

all: $(LIBHVPEER)

# Its unit tests (tests/unit/peer) may include peer_priv.h.
PEER_UNIT_TESTS := $(patsubst %.c,$(BUILD)/%, \
	$(sort $(wildcard tests/unit/peer/test_*.c)))
$(BUILD)/obj/tests/unit/peer/%.o: ALL_CFLAGS += -Idom0/peer
$(PEER_UNIT_TESTS): $(BUILD)/tests/unit/peer/%: \
		$(BUILD)/obj/tests/unit/peer/%.o $(LIBHVPEER) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PEER_LIBS) $(TEST_LIBS)

# hvd, the host daemon (dom0/hvd/*.c, docs/hvd.md): libhvdom0, the domctl
# client, the control protocol's messages; not libhv.
HVD_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard dom0/hvd/*.c)))
$(HVD_OBJS): ALL_CFLAGS += -Idom0 -Imigrate
$(BUILD)/bin/hvd: $(HVD_OBJS) $(LIBHVPEER) $(LIBHVDOM0) $(LIBHVMIGRATE) \
		$(LIBHVDOMCTL) $(LIBHVPROTO) $(HV_LOG_OBJ)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DOM0_LIBS) $(MIGRATE_LIBS) \
		$(PEER_LIBS) $(PROTO_LIBS)
TOOLS += $(BUILD)/bin/hvd
