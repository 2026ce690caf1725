/* placeholder */
#include "hostile.h"
void attack_descriptors(void) {}
