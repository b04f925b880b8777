# The Debian guest: Debian 13's riscv64 kernel and an initramfs of Debian's
# busybox-static, /init, the workload and the kernel's modules for the
# power button (virtio_mmio, virtio_input, evdev: extract-modules.sh). The packages are fetched once per
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

# The modules come from the kernel package fetch-debian.sh kept in debs/.
$(DEBIAN_GUEST)/modules/MODULES: guests/debian/extract-modules.sh \
		$(DEBIAN_STAMP)
	$(call msg,EXTRACT,$(@D))
	$(Q)bash guests/debian/extract-modules.sh $(@D) \
		$$(ls $(DEBIAN_CACHE)/debs/linux-image-*.deb | head -1)

$(DEBIAN_GUEST)/initrd.cpio.gz: guests/debian/mkinitramfs.sh \
		$(DEBIAN_CACHE)/busybox guests/debian/init \
		guests/debian/workload.sh $(DEBIAN_GUEST)/modules/MODULES
	$(call msg,CPIO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)bash guests/debian/mkinitramfs.sh $@ $(DEBIAN_CACHE)/busybox \
		guests/debian/init guests/debian/workload.sh \
		$(DEBIAN_GUEST)/modules

GUEST_IMAGES += $(DEBIAN_GUEST)/vmlinux
GUEST_IMAGES += $(DEBIAN_GUEST)/initrd.cpio.gz
