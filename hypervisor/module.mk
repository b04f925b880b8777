# libhv: the machine (CPU, platform) and the domain process around it
# (sandbox). One file per job; every .c in these directories belongs to the
# library.
LIBHV_SRCS += $(sort $(wildcard hypervisor/util/*.c hypervisor/cpu/*.c \
	hypervisor/platform/*.c hypervisor/domain/*.c))
