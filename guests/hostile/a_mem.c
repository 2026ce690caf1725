#include "hostile.h"
void attack_memory(void) {}
