.macro a
.macro b
.rept 2
.irp x,
\x
