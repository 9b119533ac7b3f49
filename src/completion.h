/*
 * Shell completion scripts (imgbatch --completion SHELL), written from the
 * tables that also make getopt's options and --help: the commands, their
 * option groups and each option's values().
 */
#ifndef IMGBATCH_COMPLETION_H
#define IMGBATCH_COMPLETION_H

#include <stdio.h>

/* The shells there is a script for: "bash zsh fish". */
const char *completion_shells(void);

/* Prints the script for shell to out: 0, or -1 after an error on err. */
int completion_print(const char *shell, FILE *out, FILE *err);

#endif
