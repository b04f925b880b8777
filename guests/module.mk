# Guest images: bare-metal test guests (guests/bare) and the Debian guest
# (guests/debian), each directory with its own module.mk.
RV_CROSS ?= riscv64-linux-gnu-
include $(sort $(wildcard guests/*/module.mk))
