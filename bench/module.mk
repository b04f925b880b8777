# Benchmarks are run by hand or by `make bench`, never by `make check`.
BENCH_LOGDIRTY := $(BUILD)/bench/logdirty
$(BENCH_LOGDIRTY): $(BUILD)/obj/bench/logdirty.o $(LIBHV) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)
all: $(BENCH_LOGDIRTY)

# Live migration between two local hvdomains through the engine.
BENCH_MIGRATE := $(BUILD)/bench/migrate_local
$(BUILD)/obj/bench/migrate_local.o: ALL_CFLAGS += -Imigrate -Idom0
$(BENCH_MIGRATE): $(BUILD)/obj/bench/migrate_local.o $(LIBHVDOM0) \
		$(LIBHVMIGRATE) $(LIBHVDOMCTL) $(LIBHVPROTO) $(HV_LOG_OBJ)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MIGRATE_LIBS) $(PROTO_LIBS)
all: $(BENCH_MIGRATE)

bench: all
	$(Q)bash bench/cpu.sh $(BUILD)
	$(Q)python3 bench/save.py $(BUILD)
	$(Q)python3 bench/domain_mem.py $(BUILD)
	$(Q)python3 bench/control.py $(BUILD)
	$(Q)$(BENCH_LOGDIRTY) $(GUESTDIR)/dirtier.elf
	$(Q)$(BENCH_MIGRATE) $(BUILD)
.PHONY: bench
