# Benchmarks are run by hand or by `make bench`, never by `make check`.
BENCH_LOGDIRTY := $(BUILD)/bench/logdirty
$(BENCH_LOGDIRTY): $(BUILD)/obj/bench/logdirty.o $(LIBHV) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)
all: $(BENCH_LOGDIRTY)

bench: all
	$(Q)bash bench/cpu.sh $(BUILD)
	$(Q)python3 bench/save.py $(BUILD)
	$(Q)python3 bench/domain_mem.py $(BUILD)
	$(Q)python3 bench/control.py $(BUILD)
	$(Q)$(BENCH_LOGDIRTY) $(GUESTDIR)/dirtier.elf
.PHONY: bench
