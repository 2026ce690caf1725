# Every hypercall refusal has its reason in the debug log (kernel/
# hypercall.c, hc_refused; docs/hypercalls.md, "Calling convention"). The
# hostile guest's checks, which get every error code, run twice: at
# loglevel=4 each refusal shows its call, code and reason (desc_check's
# for descriptors); at the default level none shows, so no transcript
# changes. The calls it makes that succeed are never logged.
HC_LOG_RUN := $(GT_RUN) --initrd "$(GT)/hostile.elf name=h-log mem=4M"
HC_LOG := ^hypercall: guest h-log:
.PHONY: test-guests-hc-log
test-guests-hc-log: $(HV_ELF) $(GT)/hostile.elf
	$(PYTHON) scripts/systest.py --name guests-hc-log --timeout 60 --exit 0 \
		--expect '$(HC_LOG) HC_CONSOLE_WRITE \(1\) refused, HC_EINVAL: length above HC_CONSOLE_MAX \(4096\)$$' \
		--expect '$(HC_LOG) HC_CONSOLE_WRITE \(1\) refused, HC_EFAULT: buffer not the guest.s ' \
		--expect '$(HC_LOG) unknown call \(99\) refused, HC_ENOSYS: no such call$$' \
		--expect '$(HC_LOG) unknown call \(4294967295\) refused, HC_ENOSYS: no such call$$' \
		--expect '$(HC_LOG) HC_SET_CR3 \(3\) refused, HC_EFAULT: page directory outside the partition$$' \
		--expect '$(HC_LOG) HC_SET_CR3 \(3\) refused, HC_EINVAL: low bits other than PWT/PCD set$$' \
		--expect '$(HC_LOG) HC_FLUSH_TLB \(5\) refused, HC_EINVAL: ' \
		--expect '$(HC_LOG) HC_SET_CR0_CR4 \(6\) refused, HC_EINVAL: CR0.PG without CR0.PE$$' \
		--expect '$(HC_LOG) HC_SET_CR0_CR4 \(6\) refused, HC_EINVAL: CR4.PAE \(hidden by cpuid\)$$' \
		--expect '$(HC_LOG) HC_LOAD_DESC \(7\) refused, HC_EPERM: call gate refused$$' \
		--expect '$(HC_LOG) HC_LOAD_DESC \(7\) refused, HC_EPERM: TSS/LDT descriptors go through the checked TSS/LDT path' \
		--expect '$(HC_LOG) HC_LOAD_DESC \(7\) refused, HC_EINVAL: GDT index 0 or past the guest.s entries$$' \
		--expect '$(HC_LOG) HC_LOAD_DESC \(7\) refused, HC_EINVAL: LDT index past CONFIG_GUEST_LDT_ENTRIES$$' \
		--expect '$(HC_LOG) HC_LOAD_DESC \(7\) refused, HC_EINVAL: table not 0 \(GDT\) or 1 \(LDT\)$$' \
		--expect '$(HC_LOG) HC_SET_STACK \(8\) refused, HC_EPERM: ' \
		--expect '$(HC_LOG) HC_SET_UPCALL \(11\) refused, HC_EFAULT: an entry outside the IPVMM text$$' \
		--expect '$(HC_LOG) HC_UNMAP \(14\) refused, HC_EINVAL: page count not 1..1024$$' \
		--expect '$(HC_LOG) HC_UNMAP \(14\) refused, HC_EINVAL: range wraps past 4 GiB$$' \
		--expect '$(HC_LOG) HC_MAP \(13\) refused, HC_ENOSYS: reserved, not implemented$$' \
		--expect '^\[h-log\] hostile: all checks passed$$' \
		--expect '^guest h-log exited with status 0$$' \
		--reject '$(HC_LOG) HC_VERSION' --reject '$(HC_LOG) .*refused, HC_ENOMEM' \
		--reject PANIC --reject 'hostile: FAIL' \
		-- $(HC_LOG_RUN) --append "shutdown loglevel=4"
	$(PYTHON) scripts/systest.py --name guests-hc-log-default --timeout 60 --exit 0 \
		--expect '^\[h-log\] hostile: all checks passed$$' \
		--expect '^guest h-log exited with status 0$$' \
		--reject '^hypercall: ' --reject PANIC --reject 'hostile: FAIL' \
		-- $(HC_LOG_RUN) --append "shutdown"

TEST_TARGETS += test-guests-hc-log
