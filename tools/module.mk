# Command-line tools: one main per file, linked against libhv.
TOOL_LIBS := -lfdt

$(BUILD)/bin/%: $(BUILD)/obj/tools/%.o $(LIBHV)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

TOOLS += $(BUILD)/bin/hvrun
