/* header_test.c - include/stagewise.h must compile on its own, pedantic. */
#include "stagewise.h"

int sw_header_test_anchor(void);
int sw_header_test_anchor(void) { return SW_OK; }
