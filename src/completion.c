/*
 * imgbatch --completion SHELL: a completion script written at run time from
 * the commands table and each command's option groups, so that it offers
 * exactly what this binary's getopt accepts.  An option's value completes by
 * its placeholder: DIR directories, FILE files, a values() list its words
 * (CHAIN and LIST: comma-separated words), anything else nothing.
 */
#include "config.h"
#include "completion.h"

#include <stdbool.h>
#include <string.h>

#include "command.h"

enum value_kind {
	VALUE_NONE,    /* a flag, or "[=F]" (only ever --opt=F): no next word */
	VALUE_ANY,     /* a number, a geometry...: nothing to offer */
	VALUE_DIR,
	VALUE_FILE,
	VALUE_WORDS,   /* one of values() */
	VALUE_LIST,    /* values() words, comma-separated */
};

static enum value_kind value_kind(const struct cli_option *o)
{
	if (!o->value || o->value[0] == '[')
		return VALUE_NONE;
	if (o->values)
		return strcmp(o->value, "CHAIN") == 0 || strcmp(o->value, "LIST") == 0 ? VALUE_LIST
										      : VALUE_WORDS;
	if (strcmp(o->value, "DIR") == 0)
		return VALUE_DIR;
	if (strcmp(o->value, "FILE") == 0)
		return VALUE_FILE;
	return VALUE_ANY;
}

/* The commands that parse their own command line (main) have no option
 * tables: help takes a command's name, version nothing, the rest files. */
enum operands { OPERANDS_FILES, OPERANDS_COMMAND, OPERANDS_NONE };

static enum operands main_operands(const struct command *cmd)
{
	if (strcmp(cmd->name, "help") == 0)
		return OPERANDS_COMMAND;
	return strcmp(cmd->name, "version") == 0 ? OPERANDS_NONE : OPERANDS_FILES;
}

typedef void option_writer(const struct command *cmd, const struct cli_option *o, FILE *out);

/* Calls write for each option of cmd's groups. */
static void each_option(const struct command *cmd, option_writer *write, FILE *out)
{
	for (const struct cli_group *const *g = cmd->groups; *g; g++)
		for (const struct cli_option *o = (*g)->options; o->name; o++)
			write(cmd, o, out);
}

/* Writes text with a backslash before each byte of specials and each single
 * quote as quote (the text goes inside single quotes). */
static void put_escaped(FILE *out, const char *text, size_t len, const char *specials,
			const char *quote)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\'') {
			fputs(quote, out);
			continue;
		}
		if (strchr(specials, text[i]))
			putc('\\', out);
		putc(text[i], out);
	}
}

/* A menu's description of an option: at least this many bytes of its help
 * before a cut, at most DESCRIPTION_MAX. */
#define DESCRIPTION_MIN 24
#define DESCRIPTION_MAX 72

/* Where an option's description ends: before its defaults and examples,
 * once it has said a few words. */
static size_t description_end(const char *text, size_t len)
{
	static const char *const tails[] = { " (", "; ", ", e.g." };
	size_t end = len;
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		const char *at = len > DESCRIPTION_MIN ? strstr(text + DESCRIPTION_MIN, tails[i]) : NULL;
		if (at && (size_t)(at - text) < end)
			end = (size_t)(at - text);
	}
	if (end > DESCRIPTION_MAX) {   /* still long: at the last word's end that fits */
		end = DESCRIPTION_MAX;
		while (end > DESCRIPTION_MIN && text[end] != ' ')
			end--;
	}
	while (end > 0 && strchr(",;: ", text[end - 1]))
		end--;
	return end;
}

/* An option's description for a menu: its help on one line with "%s"
 * filled in, up to description_end(). */
static void put_description(const struct cli_option *o, const char *specials, const char *quote,
			    FILE *out)
{
	char text[512];
	size_t n = 0;
	const char *values = o->values ? o->values() : "";
	for (const char *p = o->help; *p && n + 1 < sizeof text; p++) {
		if (p[0] == '%' && p[1] == 's') {
			n += (size_t)snprintf(text + n, sizeof text - n, "%s", values);
			n = n < sizeof text ? n : sizeof text - 1;
			p++;
		} else {
			text[n++] = *p == '\n' ? ' ' : *p;
		}
	}
	text[n] = '\0';
	put_escaped(out, text, description_end(text, n), specials, quote);
}

/* The commands a first word names (commands[0] runs when none does). */
static const struct command *const *named_commands(void)
{
	return commands + 1;
}

/* The commands' names, space-separated. */
static void put_command_names(FILE *out)
{
	for (const struct command *const *c = named_commands(); *c; c++)
		fprintf(out, "%s%s", (*c)->name, c[1] ? " " : "");
}

/* ---- bash ---- */

static const char bash_head[] =
	"# bash completion for imgbatch, written by 'imgbatch --completion bash' from\n"
	"# the program's option tables.\n"
	"\n"
	"# Adds what compgen ARGS... finds (one a line: names may hold spaces).\n"
	"_imgbatch_add() { mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen \"$@\"); }\n"
	"_imgbatch_words() { _imgbatch_add -W \"$1\" -- \"$cur\"; }\n"
	"_imgbatch_files() { compopt -o filenames 2>/dev/null; _imgbatch_add -f -- \"$cur\"; }\n"
	"_imgbatch_dirs() { compopt -o filenames 2>/dev/null; _imgbatch_add -d -- \"$cur\"; }\n"
	"\n"
	"# A comma-separated list: the words complete what follows the last comma.\n"
	"_imgbatch_list()\n"
	"{\n"
	"\tlocal head=\n"
	"\t[[ $cur == *,* ]] && head=${cur%,*},\n"
	"\t_imgbatch_add -P \"$head\" -W \"$1\" -- \"${cur##*,}\"\n"
	"\tcompopt -o nospace 2>/dev/null\n"
	"}\n";

static void bash_option_names(const struct command *cmd, const struct cli_option *o, FILE *out)
{
	(void)cmd;
	fprintf(out, " --%s", o->name);
	if (o->short_name)
		fprintf(out, " -%c", o->short_name);
}

/* A case arm for an option whose value is the word being completed. */
static void bash_value_arm(const struct command *cmd, const struct cli_option *o, FILE *out)
{
	(void)cmd;
	enum value_kind kind = value_kind(o);
	if (kind == VALUE_NONE)
		return;
	fprintf(out, "\t--%s", o->name);
	if (o->short_name)
		fprintf(out, "|-%c", o->short_name);
	fputs(")", out);
	if (kind == VALUE_DIR)
		fputs(" _imgbatch_dirs", out);
	else if (kind == VALUE_FILE)
		fputs(" _imgbatch_files", out);
	else if (kind == VALUE_WORDS || kind == VALUE_LIST)
		fprintf(out, " _imgbatch_%s '%s'", kind == VALUE_LIST ? "list" : "words", o->values());
	fputs(" ;;\n", out);
}

static void bash_command(const struct command *cmd, FILE *out)
{
	fprintf(out, "\n_imgbatch_%s()\n{\n", cmd->name);
	if (cmd->main) {
		enum operands what = main_operands(cmd);
		if (what == OPERANDS_FILES)
			fputs("\t_imgbatch_files\n", out);
		else if (what == OPERANDS_COMMAND)
			fputs("\t((COMP_CWORD == 2)) && _imgbatch_words \"$_imgbatch_commands\"\n", out);
		else
			fputs("\t:\n", out);
		fputs("}\n", out);
		return;
	}
	fputs("\tcase $prev in\n", out);
	each_option(cmd, bash_value_arm, out);
	fputs("\t*)\n\t\tif [[ $cur == -* ]]; then\n\t\t\t_imgbatch_words '", out);
	each_option(cmd, bash_option_names, out);
	fputs("'\n\t\telse\n\t\t\t_imgbatch_files\n\t\tfi ;;\n\tesac\n}\n", out);
}

static const char bash_main[] =
	"\n"
	"_imgbatch()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=%s\n"
	"\tCOMPREPLY=()\n"
	"\t# bash splits --option=value at the '=' (COMP_WORDBREAKS)\n"
	"\tif [[ $cur == = ]]; then\n"
	"\t\tcur=\n"
	"\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
	"\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n"
	"\tfi\n"
	"\tif ((COMP_CWORD == 1)) && [[ $cur != -* ]]; then\n"
	"\t\t_imgbatch_words \"$_imgbatch_commands\"\n"
	"\t\t_imgbatch_files\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t[[ \" $_imgbatch_commands \" == *\" ${COMP_WORDS[1]} \"* ]] && cmd=${COMP_WORDS[1]}\n"
	"\t\"_imgbatch_$cmd\"\n"
	"}\n"
	"complete -F _imgbatch imgbatch\n";

static void print_bash(FILE *out)
{
	fputs(bash_head, out);
	fputs("\n_imgbatch_commands='", out);
	put_command_names(out);
	fputs("'\n", out);
	for (const struct command *const *c = commands; *c; c++)
		bash_command(*c, out);
	fprintf(out, bash_main, commands[0]->name);
}

/* ---- zsh ---- */

#define ZSH_DESC_SPECIALS "[]\\"
#define ZSH_QUOTE "'\\''"

/* The _arguments spec of an option's value: ":MESSAGE:ACTION". */
static void zsh_value_spec(const struct cli_option *o, FILE *out)
{
	switch (value_kind(o)) {
	case VALUE_NONE: break;
	case VALUE_ANY: fprintf(out, ":%s: ", o->value); break;
	case VALUE_DIR: fprintf(out, ":%s:_files -/", o->value); break;
	case VALUE_FILE: fprintf(out, ":%s:_files", o->value); break;
	case VALUE_WORDS: fprintf(out, ":%s:(%s)", o->value, o->values()); break;
	case VALUE_LIST: fprintf(out, ":%s:_sequence compadd - %s", o->value, o->values()); break;
	}
}

/* One spelling of an option for _arguments; every option may be repeated
 * (getopt takes the last, and -r and -f add steps). */
static void zsh_spec(const struct cli_option *o, bool is_short, FILE *out)
{
	const char *takes = !o->value ? "" : o->value[0] == '[' ? "=-" : is_short ? "+" : "=";
	if (is_short)
		fprintf(out, " \\\n\t\t'*-%c%s[", o->short_name, takes);
	else
		fprintf(out, " \\\n\t\t'*--%s%s[", o->name, takes);
	put_description(o, ZSH_DESC_SPECIALS, ZSH_QUOTE, out);
	fputs("]", out);
	if (o->value && o->value[0] == '[')
		fputs("::F: ", out);   /* an optional value: --list-filters=F */
	else
		zsh_value_spec(o, out);
	fputs("'", out);
}

static void zsh_option(const struct command *cmd, const struct cli_option *o, FILE *out)
{
	(void)cmd;
	zsh_spec(o, false, out);
	if (o->short_name)
		zsh_spec(o, true, out);
}

/* "name:summary" of every command, for _describe. */
static void zsh_command_list(FILE *out)
{
	fputs("\t\tlocal -a cmds=(", out);
	for (const struct command *const *c = named_commands(); *c; c++) {
		fprintf(out, "\n\t\t\t'%s:", (*c)->name);
		put_escaped(out, (*c)->summary, strlen((*c)->summary), ":", ZSH_QUOTE);
		fputs("'", out);
	}
	fputs("\n\t\t)\n\t\t_describe -t commands 'imgbatch command' cmds\n", out);
}

static void zsh_command(const struct command *cmd, FILE *out)
{
	fprintf(out, "\n_imgbatch_%s()\n{\n", cmd->name);
	if (cmd->main) {
		enum operands what = main_operands(cmd);
		if (what == OPERANDS_FILES) {
			fputs("\t_files\n", out);
		} else if (what == OPERANDS_COMMAND) {
			fputs("\tif ((CURRENT == 2)); then\n", out);
			zsh_command_list(out);
			fputs("\tfi\n", out);
		} else {
			fputs("\t_message 'no arguments'\n", out);
		}
		fputs("}\n", out);
		return;
	}
	fputs("\t_arguments -s -S", out);
	each_option(cmd, zsh_option, out);
	fputs(" \\\n\t\t'*:input:_files'\n}\n", out);
}

static void print_zsh(FILE *out)
{
	fputs("#compdef imgbatch\n"
	      "# zsh completion for imgbatch, written by 'imgbatch --completion zsh' from\n"
	      "# the program's option tables.\n", out);
	for (const struct command *const *c = commands; *c; c++)
		zsh_command(*c, out);
	fputs("\n_imgbatch()\n{\n"
	      "\tif ((CURRENT == 2)) && [[ $PREFIX != -* ]]; then\n", out);
	zsh_command_list(out);
	fputs("\t\t_files\n\t\treturn\n\tfi\n\tcase $words[2] in\n\t", out);
	for (const struct command *const *c = named_commands(); *c; c++)
		fprintf(out, "%s%s", (*c)->name, c[1] ? "|" : ")\n");
	fputs("\t\tlocal cmd=$words[2]\n"
	      "\t\tshift words\n"
	      "\t\t((CURRENT--))\n"
	      "\t\t_imgbatch_$cmd ;;\n", out);
	fprintf(out, "\t*) _imgbatch_%s ;;\n\tesac\n}\n\n_imgbatch \"$@\"\n", commands[0]->name);
}

/* ---- fish ---- */

#define FISH_SPECIALS "\\"
#define FISH_QUOTE "\\'"

static const char fish_head[] =
	"# fish completion for imgbatch, written by 'imgbatch --completion fish' from\n"
	"# the program's option tables.\n"
	"\n"
	"# The command the line runs: its first word when that names one, else %s.\n"
	"function __imgbatch_command\n"
	"    set -l words (commandline -opc)\n"
	"    if set -q words[2]; and contains -- $words[2] $__imgbatch_commands\n"
	"        echo $words[2]\n"
	"    else\n"
	"        echo %s\n"
	"    end\n"
	"end\n"
	"\n"
	"function __imgbatch_is\n"
	"    test (__imgbatch_command) = $argv[1]\n"
	"end\n"
	"\n"
	"function __imgbatch_first\n"
	"    test (count (commandline -opc)) -eq 1\n"
	"end\n"
	"\n"
	"# A comma-separated list: the words follow what is before the last comma.\n"
	"function __imgbatch_list\n"
	"    set -l head (string replace -r '[^,]*$' '' -- (commandline -ct))\n"
	"    printf '%%s\\n' $head$argv\n"
	"end\n";

static void fish_option(const struct command *cmd, const struct cli_option *o, FILE *out)
{
	fprintf(out, "complete -c imgbatch -n '__imgbatch_is %s' -l %s", cmd->name, o->name);
	if (o->short_name)
		fprintf(out, " -s %c", o->short_name);
	switch (value_kind(o)) {
	case VALUE_NONE: break;
	case VALUE_ANY: fputs(" -x", out); break;
	case VALUE_DIR: fputs(" -x -a '(__fish_complete_directories (commandline -ct))'", out); break;
	case VALUE_FILE: fputs(" -r", out); break;
	case VALUE_WORDS: fprintf(out, " -x -a '%s'", o->values()); break;
	case VALUE_LIST: fprintf(out, " -x -a '(__imgbatch_list %s)'", o->values()); break;
	}
	fputs(" -d '", out);
	put_description(o, FISH_SPECIALS, FISH_QUOTE, out);
	fputs("'\n", out);
}

static void fish_command(const struct command *cmd, FILE *out)
{
	fputs("\n", out);
	if (!cmd->main) {
		each_option(cmd, fish_option, out);
		return;
	}
	enum operands what = main_operands(cmd);
	if (what == OPERANDS_COMMAND) {
		fprintf(out, "complete -c imgbatch -n '__imgbatch_is %s' -f -a '", cmd->name);
		put_command_names(out);
		fputs("'\n", out);
	} else if (what == OPERANDS_NONE) {
		fprintf(out, "complete -c imgbatch -n '__imgbatch_is %s' -f\n", cmd->name);
	}
}

static void print_fish(FILE *out)
{
	fprintf(out, fish_head, commands[0]->name, commands[0]->name);
	fputs("\nset -g __imgbatch_commands ", out);
	put_command_names(out);
	fputs("\n\n", out);
	for (const struct command *const *c = named_commands(); *c; c++) {
		fprintf(out, "complete -c imgbatch -n __imgbatch_first -a %s -d '", (*c)->name);
		put_escaped(out, (*c)->summary, strlen((*c)->summary), FISH_SPECIALS, FISH_QUOTE);
		fputs("'\n", out);
	}
	for (const struct command *const *c = commands; *c; c++)
		fish_command(*c, out);
}

/* ---- the option ---- */

static const struct {
	const char *name;
	void (*print)(FILE *out);
} shells[] = {
	{ "bash", print_bash },
	{ "zsh", print_zsh },
	{ "fish", print_fish },
};

const char *completion_shells(void)
{
	return "bash zsh fish";
}

int completion_print(const char *shell, FILE *out, FILE *err)
{
	for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) {
		if (strcmp(shell, shells[i].name) == 0) {
			shells[i].print(out);
			return 0;
		}
	}
	char allowed[64];
	snprintf(allowed, sizeof allowed, "the shells are %s", completion_shells());
	return cli_bad_value(err, "--completion", shell, allowed);
}
