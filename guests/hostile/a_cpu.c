#include "hostile.h"
void attack_cpu(void) {}
