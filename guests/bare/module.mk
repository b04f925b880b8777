# Bare S-mode test guests: one directory per guest under guests/bare/, each
# linked with the runtime in guests/bare/common into $(GUESTDIR)/<name>.elf.
# They run unmodified under QEMU virt + OpenSBI and under hv.
BARE_GUESTS := hello smp timer umode fp dirtier cpubench badaccess spin \
	echo

BARE_CC := $(RV_CROSS)gcc
BARE_OBJDIR := $(GUESTDIR)/obj/bare
BARE_LDS := guests/bare/common/link.ld
BARE_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding \
	-fno-pic -fno-stack-protector -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -mno-relax -O2 -g -std=gnu11 $(WARNINGS) \
	-Iguests/bare/common -MMD -MP
BARE_LDFLAGS := -nostdlib -nostartfiles -static -no-pie \
	-Wl,-T,$(BARE_LDS) -Wl,--build-id=none -Wl,--no-relax -Wl,--no-warn-rwx-segments

BARE_COMMON_SRCS := $(sort $(wildcard guests/bare/common/*.c \
	guests/bare/common/*.S))
bare_objs = $(patsubst guests/bare/%,$(BARE_OBJDIR)/%.o,\
	$(basename $(1)))
BARE_COMMON_OBJS := $(call bare_objs,$(BARE_COMMON_SRCS))

$(BARE_OBJDIR)/%.o: guests/bare/%.c guests/bare/module.mk
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(BARE_CC) $(BARE_CFLAGS) -c -o $@ $<

$(BARE_OBJDIR)/%.o: guests/bare/%.S guests/bare/module.mk
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(BARE_CC) $(BARE_CFLAGS) -c -o $@ $<

define bare_guest
BARE_$(1)_OBJS := $$(call bare_objs,$$(sort $$(wildcard \
	guests/bare/$(1)/*.c guests/bare/$(1)/*.S)))
$$(GUESTDIR)/$(1).elf: $$(BARE_$(1)_OBJS) $$(BARE_COMMON_OBJS) $$(BARE_LDS)
	$$(call msg,LD,$$@)
	$$(Q)$$(BARE_CC) $$(BARE_CFLAGS) $$(BARE_LDFLAGS) -o $$@ \
		$$(BARE_$(1)_OBJS) $$(BARE_COMMON_OBJS)
GUEST_IMAGES += $$(GUESTDIR)/$(1).elf
endef
$(foreach g,$(BARE_GUESTS),$(eval $(call bare_guest,$(g))))

bare-guests: $(BARE_GUESTS:%=$(GUESTDIR)/%.elf)
.PHONY: bare-guests
-include $(shell find $(BARE_OBJDIR) -name '*.d' 2>/dev/null)
