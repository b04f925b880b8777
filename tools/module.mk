# Command-line tools: one main per file, linked against libhv.
TOOL_LIBS := -lfdt -lseccomp -luuid -lm $(PROTO_LIBS)

$(BUILD)/bin/%: $(BUILD)/obj/tools/%.o $(LIBHV) $(LIBHVDOMCTL) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

# Every tools/NAME.c is one tool (hvrun, ...); listed from the tree so a
# branch that has not grown a tool yet still builds and runs `make check`.
TOOLS += $(patsubst tools/%.c,$(BUILD)/bin/%,$(sort $(wildcard tools/*.c)))

# Pieces more than one tool uses (tools/common/*.c: the raw terminal of
# the interactive consoles).
TOOLS_COMMON_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o, \
	$(sort $(wildcard tools/common/*.c)))

# hvrun's own modules (tools/hvrun/*.c) and the record stream it saves to.
HVRUN_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard tools/hvrun/*.c)))
$(BUILD)/obj/tools/hvrun/%.o $(BUILD)/obj/tools/hvrun.o: ALL_CFLAGS += -Imigrate -Itools
$(BUILD)/bin/hvrun: $(BUILD)/obj/tools/hvrun.o $(HVRUN_OBJS) \
		$(TOOLS_COMMON_OBJS) $(LIBHVMIGRATE) \
		$(LIBHV) $(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(MIGRATE_LIBS)

# hvdomctl (docs/hvdomctl.md): dom0 code only, over domctl. Its modules
# (tools/hvdomctl/*.c), libhvdom0 (spawning hvdomain), libhvmigrate
# (save/restore), the domctl client; not libhv, only its logger (hv/log.h).
HVDOMCTL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o, \
	$(sort $(wildcard tools/hvdomctl/*.c)))
$(BUILD)/obj/tools/hvdomctl/%.o $(BUILD)/obj/tools/hvdomctl.o: \
	ALL_CFLAGS += -Imigrate -Idom0 -Itools
$(BUILD)/bin/hvdomctl: $(BUILD)/obj/tools/hvdomctl.o $(HVDOMCTL_OBJS) \
		$(TOOLS_COMMON_OBJS) \
		$(LIBHVDOM0) $(LIBHVMIGRATE) $(LIBHVDOMCTL) $(LIBHVPROTO) \
		$(HV_LOG_OBJ)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MIGRATE_LIBS) $(PROTO_LIBS)

# hvctl (docs/hvctl.md): the control protocol's client; dom0 code, so not
# libhv: the framing of libhvdomctl, the generated messages, libhvdom0's
# atomic files (keygen).
$(BUILD)/obj/tools/hvctl.o: ALL_CFLAGS += -Idom0
$(BUILD)/bin/hvctl: $(BUILD)/obj/tools/hvctl.o $(LIBHVDOM0) $(LIBHVDOMCTL) \
		$(LIBHVPROTO)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -luuid $(PROTO_LIBS)
