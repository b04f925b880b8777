# Command-line tools: one main per file, linked against libhv.
TOOL_LIBS := -lfdt -lseccomp -lm

$(BUILD)/bin/%: $(BUILD)/obj/tools/%.o $(LIBHV)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

# Every tools/NAME.c is one tool (hvrun, ...); listed from the tree so a
# branch that has not grown a tool yet still builds and runs `make check`.
TOOLS += $(patsubst tools/%.c,$(BUILD)/bin/%,$(sort $(wildcard tools/*.c)))
