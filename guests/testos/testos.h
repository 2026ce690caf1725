/* The test OS's one prototype header, grouped by defining file. */
#ifndef TESTOS_H
#define TESTOS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "layout.h"

/* Register frame built by vectors.S (pushal + data segments + vector,
 * error code, then what the CPU pushed). */
struct trapframe {
	uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;
	uint32_t gs, fs, es, ds;
	uint32_t vec, err;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;        /* only when coming from ring 3 */
};
_Static_assert(sizeof(struct trapframe) == 19 * 4, "vectors.S builds this frame");

/* console.c */
void console_init(void);
void putc_(char c);
void puts_(const char *s);
void printf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_drain(void);
void testos_exit(bool success) __attribute__((noreturn));
bool echo_run(void);

/* tap.c */
void tap_check(bool ok, const char *area, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define CHECK(cond, area, what) tap_check((cond), area, what, "%s", #cond)
#define CHECKF(cond, area, what, ...) tap_check((cond), area, what, __VA_ARGS__)
unsigned tap_failed(void);
void tap_summary(void);

/* desc.c */
extern uint64_t gdt[GDT_ENTRIES];
extern uint64_t ldt[LDT_ENTRIES];
extern uint64_t idt[256];
extern uint8_t ldt_buf[PAGE_SIZE];
uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
void desc_init(void);
void tss_set_esp0(uint32_t esp0);
uint32_t tss_esp0(void);
void idt_set(int vec, void (*handler)(void), int dpl, bool trap);

/* trap.c: exception catching for probes and kernel tests */
struct catch_state {
	volatile uint32_t armed, resume;          /* set by the probe */
	volatile uint32_t hit, vec, err, cr2, eip; /* filled by the handler */
	volatile uint32_t detail;                 /* set by the probe: fill in the line below too */
	volatile uint32_t kif, pif, frame, fs;    /* the handler's IF, the frame's IF, the frame, fs */
};
extern struct catch_state catch_;
extern volatile uint32_t ticks;
extern volatile uint32_t irq0_eip, irq0_vec, irq0_isr, irq0_max_depth;
extern volatile uint32_t irq0_no_eoi;
extern volatile uint32_t shadow_marker;
extern volatile uint32_t irq_count[16];
extern volatile uint32_t uart_thre_irqs, rtc_irqs, rtc_regc;
extern volatile uint32_t nest_mode, nest_depth_seen, gate_if_seen;
extern volatile uint32_t kdz_count, kdz_cr2, kdz_err;
void trap(struct trapframe *tf);
void catch_reset(void);

/* vm.c */
typedef uint32_t pte_t;
#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
extern pte_t kernel_pd[1024];
void vm_init(void);
void *page_alloc(void);
void page_free(void *p);
unsigned pages_free(void);
pte_t *pd_new(void);
void pd_free(pte_t *pd);
pte_t *pte_get(pte_t *pd, uint32_t va, bool create, uint32_t pde_flags);
bool vm_map(pte_t *pd, uint32_t va, uint32_t pa, uint32_t flags);
bool kdz_fault(uint32_t cr2, uint32_t err);

/* proc.c */
enum pstate { P_FREE, P_RUNNABLE, P_ZOMBIE };
struct proc {
	enum pstate state;
	int pid;
	pte_t *pd;
	uint8_t *kstack;
	uint32_t ctx;            /* saved kernel esp for swtch */
	struct trapframe *tf;
	bool spinner;            /* killed once it is alone and was preempted */
	bool dzstorm;            /* SYS_YIELD unmaps its demand-zero region */
	uint32_t *data;          /* kernel view of its USER_DATA page */
	uint32_t esp0;           /* TSS esp0 while it runs, if not its kernel stack's top */
	uint32_t preempts, syscalls, switches_in;
	int exit_code;           /* -1 when killed by a fault */
	uint32_t fault_vec, fault_err, fault_cr2, fault_eip;
	uint32_t report[3];
	uint32_t report_cs, report_ss, report_frame;
};
#define NPROC 4
extern struct proc procs[NPROC];
extern struct proc *curproc;
struct proc *proc_new(const uint8_t *code, const uint8_t *end);
bool proc_run_all(uint32_t max_ticks);
void proc_reap(void);
void proc_syscall(struct trapframe *tf);
void proc_user_fault(struct trapframe *tf);
void proc_tick(struct trapframe *tf);
void swtch(uint32_t *save, uint32_t load);

/* pic.c, pit.c */
void pic_init(void);
void pic_mask(int irq, bool masked);
void pic_eoi(int irq);
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);
uint16_t pic_read_imr(void);
void pit_set_rate(uint16_t count);
uint16_t pit_latch(int channel);
bool pit_wait_pending_irq0(void);

/* probes.S */
uint32_t probe_read(uint32_t addr);
void probe_write(uint32_t addr, uint32_t val);
void probe_load_fs(uint32_t sel);
void probe_de(void);
void probe_ud(void);
void probe_bp(void);
extern char probe_read_insn[], probe_write_insn[], probe_load_fs_insn[];
extern char probe_de_insn[], probe_ud_insn[], probe_bp_after[];
void probe_lidt(uint32_t addr);
void probe_lgdt(uint32_t addr);
void probe_sidt(uint32_t addr);
extern char probe_lidt_insn[], probe_lgdt_insn[], probe_sidt_insn[];
void probe_low_stack(void);
void __attribute__((noreturn)) probe_bad_stack(void);
void __attribute__((noreturn)) probe_empty_idt(void);
uint32_t farjmp_cs(void);
uint32_t lret_cs(void);
uint32_t lcall_cs(void);
uint32_t iret_same_level(void);
void shadow_sti_probe(void);
void shadow_nop_probe(void);
void popf_irq_probe(void);
void iret_irq_probe(void);
void iret_fault_probe(uint32_t frame);
extern char iret_fault_insn[];
extern char shadow_sti[], shadow_after[], shadow_nop_after[], popf_insn[], popf_after[], iret_target[];
void int81(void);
void int82(void);

/* user.S: ring-3 programs, copied into user pages (not executable here) */
/* SYS_PROBE's hook: what a test does inside a process's system call. */
extern void (*syscall_probe)(struct proc *p, struct trapframe *tf);
/* The timer's hook: called for each tick that interrupts ring 3. */
extern void (*tick_probe)(struct trapframe *tf);
/* A #PF from ring 3's hook, called before the fault is handled. */
extern void (*fault_probe)(struct proc *p, struct trapframe *tf);
extern const uint8_t uprog_irqret_after[], uprog_dzprobe_fault[];

#define USER_PROGS(X) X(spin) X(worker) X(separate) X(rd_kernel) X(wr_kernel) \
	X(rd_super) X(wr_ro) X(rd_hole) X(wr_dz) X(cli) X(inport) X(intdpl0) \
	X(ring3) X(rdtsc) X(pingpong) X(bsyscall) X(dzstorm) X(intstack) X(probe6) \
	X(irqret) X(tlsread) X(dzprobe)
#define DECLARE_UPROG(n) extern const uint8_t uprog_##n[], uprog_##n##_end[];
USER_PROGS(DECLARE_UPROG)
#define UPROG(n) uprog_##n, uprog_##n##_end

/* test suites */
void test_boot(uint32_t magic, uint32_t mbi);
void test_desc(void);
void test_intr(void);
void test_paging(void);
void test_proc(void);
void test_iret(void);
void test_pic(void);
void test_pit(void);
void test_rtc(void);
void test_uart(void);
void test_misc_dev(void);
void test_cpu(void);

/* faults.c: the fault modes (command-line words, docs/testos.md) */
enum fault_mode { FM_NONE, FM_TRIPLE_STACK, FM_TRIPLE_TSS, FM_TRIPLE_IDT, FM_LOW_STACK };
void __attribute__((noreturn)) fault_run(enum fault_mode m);

/* bench.c */
void bench_run(void);

/* util */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif
