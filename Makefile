# SPDX-License-Identifier: GPL-2.0
#
# User-facing targets. The module itself is described in Kbuild; kbuild
# reads that file, not this one, so this Makefile only drives it.
#
#   make                 build against KDIR (default: the running kernel)
#   make KDIR=<tree> [ARCH=um]
#                        build against any configured kernel tree
#   make install         modules_install + depmod (honours INSTALL_MOD_PATH)
#   make clean           remove build outputs and build/
#   make demo            boot a guest and run the demonstration
#   make check           run every test layer and print the summary
#
# Test and development targets (see README.md, section Testing):
#   kernels, kernels-bench, modules-um, modules-x86_64, check-static,
#   kunit, kunit-um, kunit-x86_64, kunit-intree, guest-tests, torture,
#   bench, check-kernels

KDIR ?= /lib/modules/$(shell uname -r)/build
INSTALL_MOD_PATH ?=
SCRIPTS := $(CURDIR)/scripts

# The kernel release of KDIR, for depmod. UTS_RELEASE is what uname -r
# prints; Debian's header packages put another string in
# include/config/kernel.release.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

.PHONY: all modules install clean check demo kernels kernels-bench \
	modules-um modules-x86_64 check-static kunit kunit-um \
	kunit-x86_64 kunit-intree guest-tests torture bench check-kernels \
	help

all: modules

modules:
	@test -d $(KDIR) || { \
		echo "No kernel build tree at $(KDIR)."; \
		echo "Install the headers for your kernel, pass KDIR=<tree>,"; \
		echo "or run 'make modules-um' to build against the test kernel."; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH))
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	find . -path ./build -prune -o \( -name '*.o' -o -name '*.ko' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
		-o -name '*.order' -o -name Module.symvers \) -print0 | \
		xargs -0 rm -f
	rm -rf build

check:
	$(SCRIPTS)/check.sh

demo:
	$(SCRIPTS)/demo.sh

kernels:
	$(SCRIPTS)/build-kernel.sh um debug
	$(SCRIPTS)/build-kernel.sh x86_64 debug

kernels-bench:
	$(SCRIPTS)/build-kernel.sh um bench
	$(SCRIPTS)/build-kernel.sh x86_64 bench

modules-um:
	$(SCRIPTS)/build-modules.sh um debug

modules-x86_64:
	$(SCRIPTS)/build-modules.sh x86_64 debug

check-static:
	$(SCRIPTS)/check-static.sh

kunit: kunit-um kunit-x86_64

kunit-um:
	$(SCRIPTS)/run-kunit.sh um

kunit-x86_64:
	$(SCRIPTS)/run-kunit.sh x86_64

kunit-intree:
	$(SCRIPTS)/kunit-intree.sh

guest-tests:
	$(SCRIPTS)/run-guest-tests.sh

# The next three run scripts that live with their tests; each prints one
# result line per case like every other layer.
torture:
	$(SCRIPTS)/run-hook.sh torture tests/torture.sh

bench:
	$(SCRIPTS)/run-hook.sh bench tests/bench.sh

check-kernels:
	$(SCRIPTS)/run-hook.sh check-kernels tests/check-kernels.sh

help:
	@sed -n '3,18s/^# \{0,1\}//p' Makefile
