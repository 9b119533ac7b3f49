#include "config.h"
#include "filters/filter.h"

#include <string.h>

/* roff: a backslash must be doubled; a leading dot or quote escaped. */
static void put_roff(FILE *out, const char *text)
{
	if (*text == '.' || *text == '\'')
		fputs("\\&", out);
	for (; *text; text++) {
		if (*text == '\\')
			fputs("\\e", out);
		else if (*text == '-')
			fputs("\\-", out);
		else
			fputc(*text, out);
	}
}

static void list_plain(FILE *out, const struct filter *f)
{
	fprintf(out, "%s%s%s\n    %s\n", f->name, *f->usage ? "=" : "", f->usage, f->summary);
	if (*f->defaults)
		fprintf(out, "    default: %s\n", f->defaults);
}

static void list_man(FILE *out, const struct filter *f)
{
	fputs(".TP\n.B ", out);
	put_roff(out, f->name);
	if (*f->usage) {
		fputs("=", out);
		put_roff(out, f->usage);
	}
	fputs("\n", out);
	put_roff(out, f->summary);
	if (*f->defaults) {
		fputs("\n.br\nDefault: ", out);
		put_roff(out, f->defaults);
		fputs(".", out);
	}
	fputs("\n.br\n", out);
	put_roff(out, f->formula);
	fputs("\n", out);
}

static void list_markdown(FILE *out, const struct filter *f)
{
	fprintf(out, "- **`%s%s%s`**: %s", f->name, *f->usage ? "=" : "", f->usage, f->summary);
	if (*f->defaults)
		fprintf(out, " Default: %s.", f->defaults);
	fprintf(out, "  \n  %s\n", f->formula);
}

int filter_list(FILE *out, const char *format)
{
	void (*print)(FILE *, const struct filter *);

	if (!format || strcmp(format, "plain") == 0)
		print = list_plain;
	else if (strcmp(format, "man") == 0)
		print = list_man;
	else if (strcmp(format, "markdown") == 0)
		print = list_markdown;
	else
		return -1;
	for (const struct filter *const *f = filter_registry; *f; f++)
		print(out, *f);
	return 0;
}

const char *filter_names(void)
{
	static char names[512];
	if (!names[0]) {
		size_t n = 0;
		for (const struct filter *const *f = filter_registry; *f && n < sizeof names; f++)
			n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", n ? " " : "",
					      (*f)->name);
	}
	return names;
}
