#!/bin/sh
# make test-hypercall-table: the hypercall table, docs/hypercalls.md, the
# kernel and the IPVMM agree (scripts/check-hypercalls.py), and the check
# really fails when a call is defined in one place only: each negative
# control mutates a copy and must be refused with the reason it names.
# The compile controls build kernel/hypercall.c and ipvmm/backend_hv.c
# against a mutated copy of include/, as the hypervisor's build would.
#   test-check-hypercalls.sh WORKDIR CC "CFLAGS"  (CFLAGS without -Iinclude)
set -eu
W=$1 CC=$2 CFLAGS=$3
CHECK="python3 scripts/check-hypercalls.py"
fails=0

python3 scripts/check-hypercalls.py || { echo "FAIL: the tree itself disagrees"; exit 1; }

# $1 what, $2 the expected message (grep -E), then the checker's arguments
refused() {
	what=$1 want=$2
	shift 2
	if out=$($CHECK "$@" 2>&1); then
		echo "FAIL: $what: the checker accepted it"
		fails=$((fails + 1))
	elif ! printf '%s\n' "$out" | grep -Eq -- "$want"; then
		printf 'FAIL: %s: refused, but not with /%s/:\n%s\n' "$what" "$want" "$out"
		fails=$((fails + 1))
	else
		echo "ok: $what: $(printf '%s\n' "$out" | grep -E -- "$want" | head -1)"
	fi
}

# $1 what, $2 the expected compiler message (grep -E), $3 the source
no_compile() {
	if out=$($CC $CFLAGS -I"$W/include" -fsyntax-only "$3" 2>&1); then
		echo "FAIL: $1: $3 compiled"
		fails=$((fails + 1))
	elif ! printf '%s\n' "$out" | grep -Eq -- "$2"; then
		printf 'FAIL: %s: did not compile, but not with /%s/:\n%s\n' "$1" "$2" "$out"
		fails=$((fails + 1))
	else
		echo "ok: $1: $(printf '%s\n' "$out" | grep -E -- "$2" | head -1)"
	fi
}

fresh() {
	rm -rf "$W" && mkdir -p "$W"
	cp -r include docs ipvmm "$W/"
	cp kernel/hypercall.c "$W/hypercall.c"
}

# The compile controls' baseline: the unmutated copy builds.
fresh
for src in kernel/hypercall.c ipvmm/backend_hv.c; do
	$CC $CFLAGS -I"$W/include" -fsyntax-only $src || { echo "FAIL: $src does not build from the copy"; exit 1; }
done

# A call added to the table only: docs lack it, the kernel lacks its steps,
# and the hypervisor does not build.
fresh
sed -i 's/^\(\tX(14, *UNMAP.*\)$/\tX(15, PROBE, probe, HC_CALL, HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \\\n\1/' \
	"$W/include/hypercall_table.h"
grep -q 'PROBE' "$W/include/hypercall_table.h"
refused "table only: docs" 'HC_PROBE \(15\) is in the table, not in docs' --table "$W/include/hypercall_table.h"
refused "table only: kernel" 'no decode_probe' --table "$W/include/hypercall_table.h"
no_compile "table only: the hypervisor" "decode_probe|invoke_probe" kernel/hypercall.c

# A call added to docs only.
fresh
sed -i 's/^| 14 | `HC_UNMAP`.*$/&\n| 15 | `HC_PROBE` | – | probes |/' "$W/docs/hypercalls.md"
refused "docs only" 'HC_PROBE \(15\) is in docs, not in the table' --doc "$W/docs/hypercalls.md"

# A documented argument register the table does not have.
fresh
sed -i 's/^\(| 9 | `HC_SET_TIMER` | `EBX`:\)`ECX`/\1`EDX`/' "$W/docs/hypercalls.md"
refused "docs register" "HC_SET_TIMER takes \['EBX', 'ECX'\] in the table, docs name \['EBX', 'EDX'\]" \
	--doc "$W/docs/hypercalls.md"

# A reserved call documented as implemented.
fresh
sed -i 's/^\(| 12 | `HC_IRET_DONE` | – | \)reserved (`HC_ENOSYS`)/\1returns 0/' "$W/docs/hypercalls.md"
refused "reserved in docs" 'HC_IRET_DONE is HC_RESERVED' --doc "$W/docs/hypercalls.md"

# An error code in the table only.
fresh
sed -i 's/^\(\tX(-5, ENOMEM.*\)$/\1 \\\n\tX(-6, EBUSY, "busy")/' "$W/include/hypercall_table.h"
refused "error in the table only" 'error HC_EBUSY -6 \(busy\) is in the table' --table "$W/include/hypercall_table.h"

# Rows out of order: numbers index the tables.
fresh
sed -i 's/^\tX(14, *UNMAP, *unmap,/\tX(16, UNMAP, unmap,/' "$W/include/hypercall_table.h"
refused "numbering" 'HC_UNMAP has number 16 in row 14' --table "$W/include/hypercall_table.h"
no_compile "numbering: the hypervisor" 'HC_UNMAP out of order' kernel/hypercall.c

# decode and invoke for a call the table does not have.
fresh
printf 'static int decode_probe(void)\n{\n\treturn 0;\n}\n' >> "$W/hypercall.c"
refused "kernel only" 'decode_probe has no HC_CALL row' --kernel "$W/hypercall.c"

# The IPVMM making a call of its own, past the wrappers.
fresh
printf 'static inline int raw_probe(void)\n{\n\tint r;\n\t__asm__ volatile("int $0x82" : "=a"(r) : "a"(15));\n\treturn r;\n}\n' \
	>> "$W/ipvmm/backend_hv.c"
refused "IPVMM raw int" 'backend_hv.c: raw int \$0x82' --ipvmm "$W/ipvmm"
fresh
sed -i 's/hcall_wait()/hcall_probe()/' "$W/ipvmm/backend_hv.c"
refused "IPVMM unknown wrapper" 'hcall_probe is not an HC_CALL row' --ipvmm "$W/ipvmm"
fresh
sed -i 's/HC_ABI_MAJOR/HC_ABI_MAJ/' "$W/ipvmm/main.c"
refused "IPVMM unknown HC_ name" 'main.c: HC_ABI_MAJ is not defined' --ipvmm "$W/ipvmm"

# An IPVMM wrapper for a call the table has no more.
fresh
sed -i '/^\tX(10, *WAIT,/,+1d' "$W/include/hypercall_table.h"
no_compile "IPVMM call not in the table" "hcall_wait|HC_WAIT" ipvmm/backend_hv.c

rm -rf "$W"
if [ $fails -ne 0 ]; then
	echo "test-hypercall-table: $fails negative controls not refused"
	exit 1
fi
echo "test-hypercall-table: the tree agrees; every negative control refused"
