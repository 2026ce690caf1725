# The screen-pty hang: test-guests-bochs stopped mid-run (no output, no
# error) at a different point each run. Not the hypervisor: Bochs itself
# was blocked in write(2). Debian's Bochs has its debugger compiled in, and
# then its term display draws the VGA screen with curses into a pty of its
# own ("Bochs connected to screen /dev/pts/N"); nobody read it, so once the
# kernel's tty buffer (64 KiB) was full Bochs stopped for good. How soon
# depends on how much the screen scrolls: seven guests' lines did it,
# one test OS's did not. scripts/run-bochs.sh now drains that pty and
# stops a Bochs that uses no CPU for 30 s with the reason.
#
# The regression test: one guest scrolls the VGA screen 2000 lines (about
# 130 KiB of text, far past the buffer) through GRUB on Bochs; the run must
# reach its end and shut down. Without the drain it stalls, always, and
# the runner (or systest's silence limit) says so.
$(GT)/hang-flood.iso: $(HV_ELF) $(GT)/hello.elf scripts/mkiso.sh
	scripts/mkiso.sh -o $@ -t 0 -f $(HV_ELF) -f $(GT)/hello.elf \
		-e "Screen flood|hypervisor.elf shutdown|hello.elf name=flood mem=4M flood"

test-hang-bochs-screen: $(GT)/hang-flood.iso
	$(PYTHON) scripts/systest.py --name hang-bochs-screen --timeout 120 --exit 0 \
		--expect '^\[flood\] hello: flood 000007cf the quick brown fox' \
		--expect '^\[flood\] hello: done$$' \
		--expect '^guest flood exited with status 0$$' \
		--expect '^hypervisor: shutdown \(success\)' \
		--reject PANIC --reject 'run-bochs: Bochs stopped' \
		-- scripts/run-bochs.sh --iso $< --timeout 110

.PHONY: test-hang-bochs-screen
TEST_TARGETS += test-hang-bochs-screen
