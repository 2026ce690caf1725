/* Descriptor tables, segment loads and far transfers. */
#include "testos.h"
#include "x86.h"

#define DESC_ACCESSED (1ull << 40)
#define DESC_TYPE(d)  ((uint32_t)((d) >> 40) & 0xf)

static uint64_t gdt_copy[GDT_ENTRIES] __attribute__((aligned(8)));

/* pushl %sreg, as a program sees it: the selector in the low 16 bits of
 * a 4-byte slot (the upper half is the CPU's choice, SDM Vol. 2 PUSH),
 * %esp down by 4, every general register and the flags unchanged. */
#define PUSH_SREG_OK(sreg, want)                                               \
	({                                                                     \
		uint32_t e0, e1, slot, a = 0x5a5a5a5a, f0, f1;                 \
		__asm__ volatile("stc; pushfl; popl %[f0]\n\t"                 \
				 "movl %%esp, %[e0]\n\t"                        \
				 "pushl %%" #sreg "\n\t"                         \
				 "movl %%esp, %[e1]\n\t"                        \
				 "popl %[slot]\n\t"                              \
				 "pushfl; popl %[f1]"                             \
				 : [e0] "=&r"(e0), [e1] "=&r"(e1), [slot] "=&r"(slot), \
				   [f0] "=&r"(f0), [f1] "=&r"(f1), "+a"(a)        \
				 : : "memory", "cc");                              \
		(uint16_t)slot == (want) && e0 - e1 == 4 && f0 == f1 && a == 0x5a5a5a5a; \
	})

static void test_push_sreg(void)
{
	bool ok = PUSH_SREG_OK(ds, read_ds()) && PUSH_SREG_OK(es, read_es()) &&
		  PUSH_SREG_OK(fs, read_fs()) && PUSH_SREG_OK(gs, read_gs()) &&
		  PUSH_SREG_OK(ss, read_ss()) && PUSH_SREG_OK(cs, read_cs());
	CHECKF(ok, "desc", "push of every segment register stores its selector, registers and flags kept",
	       "ds=%x cs=%x", read_ds(), read_cs());
	/* mov %sreg to a 32-bit register zero-extends (P6 and later, SDM
	 * Vol. 2 MOV); to a 16-bit one it keeps the upper half. */
	uint32_t wide = 0xffffffffu, narrow = 0xffffffffu;
	__asm__ volatile("movl %%ds, %0" : "+r"(wide));
	__asm__ volatile("movw %%ds, %w0" : "+r"(narrow));
	CHECKF(wide == read_ds() && narrow == (0xffff0000u | read_ds()), "desc",
	       "mov of a segment register into 32 and 16-bit registers", "wide=%x narrow=%x", wide, narrow);
}

void test_desc(void)
{
	struct dtr d;
	sgdt(&d);
	CHECKF(d.base == (uint32_t)gdt && d.limit == sizeof(gdt) - 1, "desc", "sgdt returns the loaded GDT",
	       "base=%x limit=%x", d.base, d.limit);
	sidt(&d);
	CHECKF(d.base == (uint32_t)idt && d.limit == sizeof(idt) - 1, "desc", "sidt returns the loaded IDT",
	       "base=%x limit=%x", d.base, d.limit);
	CHECKF(str() == SEL_TSS, "desc", "str returns the loaded TSS selector", "tr=%x", str());
	CHECKF(sldt() == SEL_LDT, "desc", "sldt returns the loaded LDT selector", "ldtr=%x", sldt());
	CHECKF(DESC_TYPE(gdt[SEL_TSS >> 3]) == 0xb, "desc", "ltr marks the TSS descriptor busy",
	       "type=%x", DESC_TYPE(gdt[SEL_TSS >> 3]));
	CHECKF(read_cs() == SEL_KCODE, "desc", "cs holds the kernel code selector", "cs=%x", read_cs());
	CHECKF(read_ds() == SEL_KDATA && read_es() == SEL_KDATA && read_ss() == SEL_KDATA, "desc",
	       "ds, es and ss hold the kernel data selector", "ds=%x es=%x ss=%x", read_ds(), read_es(), read_ss());
	test_push_sreg();

	/* A segment with a non-zero base from the LDT: fs:0 is ldt_buf[0]. */
	ldt_buf[0x10] = 0;
	write_fs(SEL_LDT_DATA);
	uint16_t fs = read_fs();
	__asm__ volatile("movb $0x5a, %%fs:0x10" ::: "memory");
	uint32_t v;
	__asm__ volatile("movzbl %%fs:0x10, %0" : "=r"(v));
	write_fs(0);
	CHECKF(fs == SEL_LDT_DATA && ldt_buf[0x10] == 0x5a && v == 0x5a, "desc",
	       "ldt data segment applies its base", "fs=%x buf=%x read=%x", fs, ldt_buf[0x10], v);

	/* The CPU reads the descriptor on each load: one rewritten in memory
	 * (base moved by 0x100, no lldt) applies to the next movw and popl. */
	uint64_t ldt0 = ldt[0];
	ldt_buf[0x10] = 0x11;
	ldt_buf[0x110] = 0x22;
	ldt_buf[0x210] = 0x33;
	uint32_t m1, m2, p1;
	write_fs(SEL_LDT_DATA);
	__asm__ volatile("movzbl %%fs:0x10, %0" : "=r"(m1));
	ldt[0] = seg_desc((uint32_t)ldt_buf + 0x100, 0x0fff - 0x200, 0x80 | 0x10 | 0x02, 0x4);
	write_fs(SEL_LDT_DATA);
	__asm__ volatile("movzbl %%fs:0x10, %0" : "=r"(m2));
	ldt[0] = seg_desc((uint32_t)ldt_buf + 0x200, 0x0fff - 0x200, 0x80 | 0x10 | 0x02, 0x4);
	__asm__ volatile("pushl %1; popl %%fs; movzbl %%fs:0x10, %0" : "=r"(p1) : "i"(SEL_LDT_DATA) : "memory");
	write_fs(0);
	ldt[0] = ldt0;
	CHECKF(m1 == 0x11 && m2 == 0x22 && p1 == 0x33, "desc",
	       "segment loads by movw and popl read the descriptor as it is in memory now",
	       "bytes=%x,%x,%x", m1, m2, p1);

	gdt[SEL_FRESH >> 3] &= ~DESC_ACCESSED;
	write_gs(SEL_FRESH);
	write_gs(0);
	CHECK(gdt[SEL_FRESH >> 3] & DESC_ACCESSED, "desc", "segment load sets the accessed bit");

	/* A GDT data descriptor loaded before (the IPVMM's fast path then
	 * remembers it passed), rewritten in memory as not present: the next
	 * load reads it again and raises #NP(selector). */
	write_gs(SEL_FRESH);
	write_gs(0);
	write_gs(SEL_FRESH);
	write_gs(0);
	uint64_t fresh = gdt[SEL_FRESH >> 3];
	gdt[SEL_FRESH >> 3] &= ~(1ull << 47);
	catch_reset();
	probe_load_fs(SEL_FRESH);
	gdt[SEL_FRESH >> 3] = fresh;
	CHECKF(catch_.vec == 11 && catch_.err == SEL_FRESH, "desc",
	       "a gdt descriptor loaded before and rewritten in memory is read again", "vec=%x err=%x",
	       catch_.vec, catch_.err);

	catch_reset();
	probe_load_fs(0xf8);                      /* index 31: beyond the GDT limit */
	CHECKF(catch_.vec == 13 && catch_.err == 0xf8 && catch_.eip == (uint32_t)probe_load_fs_insn, "desc",
	       "selector beyond gdt limit raises #GP(selector)", "vec=%x err=%x", catch_.vec, catch_.err);
	catch_reset();
	probe_load_fs(SEL_NOTPRES);
	CHECKF(catch_.vec == 11 && catch_.err == SEL_NOTPRES, "desc", "not-present segment raises #NP(selector)",
	       "vec=%x err=%x", catch_.vec, catch_.err);
	catch_reset();
	probe_load_fs(SEL_XONLY);
	CHECKF(catch_.vec == 13 && catch_.err == SEL_XONLY, "desc", "execute-only code into fs raises #GP(selector)",
	       "vec=%x err=%x", catch_.vec, catch_.err);
	catch_reset();
	probe_load_fs(SEL_UDATA);                 /* DPL 3 data at CPL 0 is fine */
	CHECKF(!catch_.hit, "desc", "dpl 3 data segment loads at cpl 0", "vec=%x", catch_.vec);

	CHECKF(farjmp_cs() == SEL_KCODE2 && read_cs() == SEL_KCODE, "desc", "far jump switches cs and back",
	       "cs=%x", read_cs());
	CHECKF(lret_cs() == SEL_KCODE2, "desc", "far return to the same level loads cs", "cs=%x", read_cs());
	CHECKF(lcall_cs() == SEL_KCODE2 && read_cs() == SEL_KCODE, "desc", "far call and lret", "cs=%x", read_cs());
	uint32_t fl = iret_same_level();
	CHECKF((fl & 0x8d5) == 0x40 && !(fl & EFLAGS_IF), "desc", "iret to the same level restores eflags",
	       "eflags=%x", fl);

	/* Switch to a copy of the GDT at another address and back. */
	memcpy(gdt_copy, gdt, sizeof(gdt));
	struct dtr g = { sizeof(gdt_copy) - 1, (uint32_t)gdt_copy }, back = { sizeof(gdt) - 1, (uint32_t)gdt };
	uint32_t flags = irq_save();
	lgdt(&g);
	sgdt(&d);
	write_ds(SEL_KDATA);
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEL_KCODE));
	lgdt(&back);
	irq_restore(flags);
	CHECKF(d.base == (uint32_t)gdt_copy && d.limit == sizeof(gdt_copy) - 1, "desc",
	       "lgdt to a second table, reload segments, return", "base=%x", d.base);

	struct dtr i0, i1 = { 0x7f, (uint32_t)idt };
	sidt(&i0);
	flags = irq_save();
	lidt(&i1);
	sidt(&d);
	lidt(&i0);
	irq_restore(flags);
	CHECKF(d.limit == 0x7f && d.base == (uint32_t)idt, "desc", "lidt loads a new limit", "limit=%x", d.limit);

	/* The table registers' operands fault as any data access: #PF with
	   CR2 at the operand, nothing loaded (the tables are reloaded anyway,
	   in case one was). The base of a limit on the last mapped bytes
	   below 16 MiB lies on the unmapped page above. */
	flags = irq_save();
	catch_reset();
	probe_lidt(UNMAPPED_VA + 0x40);
	lidt(&i0);
	irq_restore(flags);
	CHECKF(catch_.vec == 14 && catch_.err == 0 && catch_.cr2 == UNMAPPED_VA + 0x40 &&
	       catch_.eip == (uint32_t)probe_lidt_insn, "desc", "lidt operand on an unmapped page raises #PF (err 0)",
	       "vec=%x err=%x cr2=%x eip=%x", catch_.vec, catch_.err, catch_.cr2, catch_.eip);
	flags = irq_save();
	catch_reset();
	probe_lgdt(KMAP_END - 2);
	lgdt(&back);
	irq_restore(flags);
	CHECKF(catch_.vec == 14 && catch_.err == 0 && catch_.cr2 == KMAP_END &&
	       catch_.eip == (uint32_t)probe_lgdt_insn, "desc", "lgdt base on the unmapped page after its limit: cr2 there",
	       "vec=%x err=%x cr2=%x eip=%x", catch_.vec, catch_.err, catch_.cr2, catch_.eip);
	catch_reset();
	probe_sidt(UNMAPPED_VA + 0x80);
	CHECKF(catch_.vec == 14 && catch_.err == 2 && catch_.cr2 == UNMAPPED_VA + 0x80 &&
	       catch_.eip == (uint32_t)probe_sidt_insn, "desc", "sidt to an unmapped page raises #PF (err 2)",
	       "vec=%x err=%x cr2=%x eip=%x", catch_.vec, catch_.err, catch_.cr2, catch_.eip);
}
