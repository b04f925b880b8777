# libhv: the machine (CPU, platform) and the domain process around it
# (sandbox, domctl server). One file per job; every .c in these
# directories belongs to the library.
LIBHV_SRCS += $(sort $(wildcard hypervisor/util/*.c hypervisor/cpu/*.c \
	hypervisor/platform/*.c hypervisor/domain/*.c))

# libhvdomctl: the domctl client (hv/domctl.h) and the record framing it
# shares with the server. dom0 links this and libhvproto, never libhv;
# hvdomain links it after libhv for the framing.
LIBHVDOMCTL_SRCS := $(sort $(wildcard hypervisor/domctl/*.c))
LIBHVDOMCTL := $(BUILD)/libhvdomctl.a
$(LIBHVDOMCTL): $(LIBHVDOMCTL_SRCS:%.c=$(BUILD)/obj/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

all: $(LIBHVDOMCTL)
