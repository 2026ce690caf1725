#!/bin/sh
# The Linux benchmark's macro workload (lxbench's macro_shell): a shell
# loop running busybox tools over files in tmpfs, the mix of fork, exec,
# pipes, page faults and file system calls a script makes.
d=/tmp/macro
mkdir -p $d || exit 1
i=0
while [ $i -lt 20 ]; do
	seq 1 3000 > $d/n.$i
	sort -rn $d/n.$i | head -200 | md5sum > $d/s.$i
	grep -c 7 $d/n.$i > $d/g.$i
	cat $d/n.$i $d/s.$i | wc -l > /dev/null
	cp $d/n.$i $d/c.$i && cmp $d/n.$i $d/c.$i || exit 1
	i=$((i + 1))
done
test "$(cat $d/g.0)" = 813 || exit 1
rm -rf $d
