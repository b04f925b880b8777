# proto: the protobuf definitions (domctl, guest state), compiled at build
# time by protoc-c into $(BUILD)/gen/proto/NAME.pb-c.{c,h} and archived in
# $(LIBHVPROTO). Users include "proto/NAME.pb-c.h" (-I$(BUILD)/gen), link
# $(LIBHVPROTO) and $(PROTO_LIBS).
PROTO_SRCS := $(sort $(wildcard proto/*.proto))
PROTO_GEN_C := $(PROTO_SRCS:%.proto=$(BUILD)/gen/%.pb-c.c)
PROTO_GEN_H := $(PROTO_SRCS:%.proto=$(BUILD)/gen/%.pb-c.h)
PROTO_OBJS := $(PROTO_GEN_C:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
LIBHVPROTO := $(BUILD)/libhvproto.a
PROTO_LIBS := -lprotobuf-c

# One protoc-c run writes both files (a pattern rule with two targets is
# one rule in make). Paths are relative to the top, so imports read
# "proto/state.proto" and the generated includes "proto/state.pb-c.h".
# Every .proto may import every other: any change regenerates all.
$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: %.proto $(PROTO_SRCS) \
		| $(DEPS_STAMP)
	$(call msg,PROTOC,$<)
	$(Q)mkdir -p $(BUILD)/gen
	$(Q)protoc-c --proto_path=. --c_out=$(BUILD)/gen $<

# The generated code builds warning-free with the project's flags.
$(PROTO_OBJS): $(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c | $(PROTO_GEN_H)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBHVPROTO): $(PROTO_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# Any object may include a generated header, and before its first build
# no .d file says which do: so every object of the tree is compiled after
# the headers are generated. Order-only: a .proto change then rebuilds
# just the objects whose .d files name one of its headers.
PROTO_TREE_SRCS := $(patsubst ./%,%,$(shell find . -path ./build -prune \
	-path ./.git -prune -o -name '*.c' -print))
$(PROTO_TREE_SRCS:%.c=$(BUILD)/obj/%.o): | $(PROTO_GEN_H)

all: $(LIBHVPROTO)
