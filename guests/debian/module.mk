# The Debian guest: Debian 13's riscv64 kernel and an initramfs of Debian's
# busybox-static, /init and the workload. The packages are fetched once per
# checkout into build/debian (kept by `make clean`, see
# scripts/fetch-debian.sh); the images go to $(GUESTDIR)/debian.
DEBIAN_CACHE := build/debian
DEBIAN_STAMP := $(DEBIAN_CACHE)/.stamp
DEBIAN_GUEST := $(GUESTDIR)/debian

$(DEBIAN_STAMP): | $(DEPS_STAMP)
	$(call msg,FETCH,debian trixie riscv64 packages)
	$(Q)bash scripts/fetch-debian.sh $(DEBIAN_CACHE)

$(DEBIAN_CACHE)/vmlinux $(DEBIAN_CACHE)/busybox: $(DEBIAN_STAMP)

$(DEBIAN_GUEST)/vmlinux: $(DEBIAN_CACHE)/vmlinux
	$(call msg,CP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

$(DEBIAN_GUEST)/initrd.cpio.gz: guests/debian/mkinitramfs.sh \
		$(DEBIAN_CACHE)/busybox guests/debian/init \
		guests/debian/workload.sh
	$(call msg,CPIO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)bash guests/debian/mkinitramfs.sh $@ $(DEBIAN_CACHE)/busybox \
		guests/debian/init guests/debian/workload.sh

GUEST_IMAGES += $(DEBIAN_GUEST)/vmlinux
GUEST_IMAGES += $(DEBIAN_GUEST)/initrd.cpio.gz
