/*
 * serve_cli.h - the `stagewise serve` command's entry point and help, for the
 * command table in main.c. The service itself is described in serve_http.h.
 */
#ifndef SERVE_CLI_H
#define SERVE_CLI_H

int cli_cmd_serve(int argc, char **argv);
extern const char cli_serve_help[];

#endif
