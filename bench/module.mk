# Benchmarks are run by hand or by `make bench`, never by `make check`.
bench: all
	$(Q)bash bench/cpu.sh $(BUILD)
	$(Q)python3 bench/save.py $(BUILD)
.PHONY: bench
