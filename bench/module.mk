# Benchmarks are run by hand or by `make bench`, never by `make check`.
bench: all
	$(Q)bash bench/cpu.sh $(BUILD)
.PHONY: bench
