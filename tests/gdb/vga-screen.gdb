# Batch GDB test (tests/kernel.mk): once the hypervisor idles, read the VGA
# text screen through the direct map and print its rows, "VGA|" first, so
# the test can check the log was mirrored there.
break idle
continue
python
import gdb
base = 0xFD000000 + 0xB8000          # HV_BASE + the VGA text buffer
mem = gdb.selected_inferior().read_memory(base, 80 * 25 * 2).tobytes()
for row in range(25):
    line = mem[row * 160:(row + 1) * 160:2].decode("ascii", "replace").rstrip()
    print("VGA|" + line)
end
kill
