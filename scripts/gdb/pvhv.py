"""GDB helpers for the hypervisor (make gdb loads this through build/gdbinit;
docs/debugging.md, "Helper commands").

    pvhv-guest            the running thread and the guest it runs
    pvhv-vcpu [NAME]      a guest's virtual CPU: virtual IF, CR0/CR3/CR4,
                          pending interrupts (its shared page), upcalls, timer
    pvhv-threads          the thread table
    pvhv-shadow [NAME]    a guest's shadow page tables (physical-mode and
                          the virtual TLB's, keyed by guest CR3)

They read the hypervisor's own data, so they need the CPU stopped in the
hypervisor (CR3 = hv_page_dir): stopped in a guest, its address space
maps none of it and they say so. NAME defaults to the running thread's
guest.
"""
import gdb

HV_BASE = 0xFD000000          # the direct map: machine address + HV_BASE
DIRECT_MAP_END = 0x2C00000    # of machine memory (kernel/mm.c's direct map)
THREAD_STATES = ["free", "runnable", "blocked", "dead"]
GUEST_STATES = ["free", "loaded", "running", "exited", "killed"]


def value(expr):
    return gdb.parse_and_eval(expr)


def owner_guest(t):
    """The guest a non-VM thread works for: its payer's (an IRQ thread's
    time is its guest's VM thread's budget, kernel/sched.c), or 0."""
    payer = t["payer"]
    return payer.dereference()["guest"] if int(payer) else 0


def readable():
    """Can we see the hypervisor's data from where the CPU stopped?"""
    try:
        int(value("current->id"))
        return True
    except gdb.MemoryError:
        print("pvhv: stopped in a guest's address space; the hypervisor's data is "
              "not mapped here: break in the hypervisor (e.g. trap_dispatch) first")
        return False


def cstr(v):
    try:
        return v.string()
    except gdb.error:
        return "?"


def guests():
    arr = value("guest_table")   # kernel/guest_table.c
    n = arr.type.range()[1] + 1
    return [arr[i] for i in range(n)]


def find_guest(name):
    if name:
        for g in guests():
            if int(g["state"]) != 0 and cstr(g["name"]) == name:
                return g
        raise gdb.GdbError("pvhv: no guest named %r" % name)
    g = value("current->guest")
    if int(g) == 0:
        raise gdb.GdbError("pvhv: the running thread runs no guest; name one")
    return g.dereference()


def read_table(addr):
    """The 1024 entries of the page directory or table at addr, in one read."""
    mem = gdb.selected_inferior().read_memory(addr, 4096).tobytes()
    return [int.from_bytes(mem[4 * i:4 * i + 4], "little") for i in range(1024)]


class Guest(gdb.Command):
    """pvhv-guest: the running thread and the guest it runs (or runs for)."""

    def __init__(self):
        super().__init__("pvhv-guest", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not readable():
            return
        t = value("current").dereference()
        g = t["guest"]
        owner = owner_guest(t)
        print("thread %d (%s), %s%s" % (int(t["id"]), cstr(t["name"]),
                                        THREAD_STATES[int(t["state"])],
                                        ", urgent" if int(t["urgent"]) else ""))
        if int(g):
            g = g.dereference()
            print("guest %s (index %d, %s), partition %08x+%x, VM thread" %
                  (cstr(g["name"]), int(g["index"]), GUEST_STATES[int(g["state"])],
                   int(g["mem"]["base"]), int(g["mem"]["size"])))
        elif int(owner):
            print("guest %s: this thread runs for it (not its VM thread)" %
                  cstr(owner.dereference()["name"]))
        else:
            print("guest none: a hypervisor thread")


class Vcpu(gdb.Command):
    """pvhv-vcpu [NAME]: a guest's virtual CPU as the hypervisor and its
    shared page hold it (the IPVMM keeps the rest in its data window)."""

    def __init__(self):
        super().__init__("pvhv-vcpu", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not readable():
            return
        g = find_guest(arg.strip())
        v = g["v"]
        sh = g["shared"]
        name = cstr(g["name"])
        if int(sh):
            s = sh.dereference()
            vif = int(s["vif"])
            pend = int(s["pending"])
            hook = "sti_deliver (armed)" if int(s["sti_hook"]) == int(s["sti_deliver"]) \
                and int(s["sti_deliver"]) else "sti_ret"
            src = "shared page"
        else:
            vif, pend, hook, src = 0, 0, "-", "stopped: its shared page is released"
        print("guest %s: virtual IF %d (%s), pending %08x, sti_hook %s" %
              (name, vif, src, pend, hook))
        print("guest %s: cr0 %08x cr3 %08x cr4 %08x, paging %s, shadow slot %d" %
              (name, int(v["cr0"]), int(v["cr3"]), int(v["cr4"]),
               "on" if int(v["cr0"]) & 0x80000000 else "off", int(g["vtlb"]["cur"])))
        print("guest %s: upcalls irq %08x exc %08x stack %08x; redirect due %d, waiting %d, "
              "timer %s" % (name, int(v["upcall_irq"]), int(v["upcall_exc"]),
                            int(v["upcall_stack"]), int(v["redirect_due"]), int(v["waiting"]),
                            "at %d ns" % int(v["timer_deadline"]) if int(v["timer_deadline"])
                            else "not armed"))
        print("guest %s: %d interrupt and %d exception upcalls, %d roll-backs, "
              "%d timer expiries" % (name, int(v["upcalls_irq"]), int(v["upcalls_exc"]),
                                     int(v["rollbacks"]), int(v["timer_fires"])))


class Threads(gdb.Command):
    """pvhv-threads: the thread table (live and dead entries)."""

    def __init__(self):
        super().__init__("pvhv-threads", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not readable():
            return
        arr = value("threads")
        cur = int(value("current"))
        for i in range(arr.type.range()[1] + 1):
            t = arr[i]
            st = int(t["state"])
            if st == 0:
                continue
            g = t["guest"]
            owner = owner_guest(t)
            who = ""
            if int(g):
                who = "VM thread of %s" % cstr(g.dereference()["name"])
            elif int(owner):
                who = "for %s" % cstr(owner.dereference()["name"])
            print("%s%2d %-12s %-9s%s switches %d %s" %
                  ("*" if int(t.address) == cur else " ", int(t["id"]), cstr(t["name"]),
                   THREAD_STATES[st], " urgent" if int(t["urgent"]) else "",
                   int(t["switches"]), who))


def show_pd(label, pd_addr, limit):
    """A page directory at hypervisor-virtual pd_addr: its present entries,
    and per page table the first mapping and the count."""
    tables, pages, shown = 0, 0, 0
    pd = read_table(pd_addr)
    for i in range(1024):
        pde = pd[i]
        if not pde & 1 or i >= 0x3F0:          # the hole's entries are the hypervisor's
            continue
        tables += 1
        if pde & 0x80:
            pages += 1024
            continue
        pt_ma = pde & ~0xFFF
        if pt_ma >= DIRECT_MAP_END:
            continue
        n, first = 0, None
        pt = read_table(HV_BASE + pt_ma)
        for j in range(1024):
            pte = pt[j]
            if pte & 1:
                n += 1
                if first is None:
                    first = (i << 22 | j << 12, pte)
        pages += n
        if first and shown < limit:
            print("  %s pde %3d: %4d pages, first %08x -> machine %08x %s" %
                  (label, i, n, first[0], first[1] & ~0xFFF,
                   "rw" if first[1] & 2 else "ro"))
            shown += 1
    print("  %s: %d page tables, %d pages mapped below the hole" % (label, tables, pages))


class Shadow(gdb.Command):
    """pvhv-shadow [NAME]: the guest's shadow page tables: the physical-mode
    one and every virtual-TLB slot (its guest CR3, the real CR3)."""

    def __init__(self):
        super().__init__("pvhv-shadow", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not readable():
            return
        g = find_guest(arg.strip())
        name = cstr(g["name"])
        phys = g["mem"]["phys"]
        print("guest %s: physical-mode shadow cr3 %08x, linear 0..%08x" %
              (name, int(phys["cr3"]), int(phys["limit"])))
        if int(phys["pd"]):
            show_pd("phys", int(phys["pd"]), 4)
        vt = g["vtlb"]
        pds = vt["pd"]   # its page directories, pages of the guest object
        slots = pds.type.range()[1] + 1
        print("guest %s: virtual TLB, %d slots, current %d, %d page tables in use, "
              "%d fills" % (name, slots, int(vt["cur"]), int(vt["pt_used"]), int(vt["fills"])))
        for s in range(slots):
            if not int(vt["valid"][s]):
                continue
            pd = int(pds[s].address)
            print("slot %d: guest cr3 %08x, shadow cr3 %08x%s" %
                  (s, int(vt["key"][s]), pd - HV_BASE, " (current)" if s == int(vt["cur"]) else ""))
            show_pd("slot %d" % s, pd, 3)


Guest()
Vcpu()
Threads()
Shadow()
