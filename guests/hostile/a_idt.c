#include "hostile.h"
void attack_idt(void) {}
