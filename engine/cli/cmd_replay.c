/* cmd_replay.c - placeholder while it is written. */
#include "cmd_audit.h"
const char cli_replay_help[] = "";
int cli_cmd_replay(int argc, char **argv) { (void)argc; (void)argv; return 2; }
