# Batch GDB test (tests/kernel.mk): stop at hypervisor functions by their
# symbols and read variables; tests/kernel.mk checks the printed values.
break selftest_run
continue
echo AT selftest_run\n
printf "PIT_HZ %u\n", pit_hz
printf "LOGLEVEL %d\n", log_level
break thread_run_current
continue
echo AT thread_run_current\n
printf "THREAD_ID %u\n", current->id
printf "TICKS %u\n", timer_ticks
bt 3
# the helpers (scripts/gdb/pvhv.py) with no guest
pvhv-guest
pvhv-threads
kill
