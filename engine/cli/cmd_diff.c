/* cmd_diff.c - placeholder while it is written. */
#include "cmd_audit.h"
const char cli_diff_help[] = "";
int cli_cmd_diff(int argc, char **argv) { (void)argc; (void)argv; return 2; }
