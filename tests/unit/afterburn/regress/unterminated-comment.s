	nop /* never closed
cli
