.macro A x
\x
.endm
A "\"cli\""
A "
