/* cmd_audit.c - placeholder while it is written. */
#include "cmd_audit.h"
const char cli_audit_help[] = "";
int cli_cmd_audit(int argc, char **argv) { (void)argc; (void)argv; return 2; }
int cli_audit_require_production(const sw_ruleset *rules) { (void)rules; return 0; }
