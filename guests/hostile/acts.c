#include "hostile.h"
bool act_run(const char *c) { (void)c; return false; }
