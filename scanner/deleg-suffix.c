/* deleg-suffix.c -- the registrable domain of a name, by the public suffix list (libpsl). */
#include <err.h>
#include <stdbool.h>

#include <libpsl.h>

#include "suffix.h"

/* Loaded on first use: most scans never meet a name that does not exist. */
static psl_ctx_t *loaded;

/* The newer of libpsl's built-in list and the distribution's file. */
static const psl_ctx_t *
list(void)
{
	if (loaded == NULL && (loaded = psl_latest(NULL)) == NULL)
		errx(1, "cannot load the public suffix list (%s)", psl_dist_filename());
	return loaded;
}

void
suffix_release(void)
{
	psl_free(loaded);
	loaded = NULL;
}

/* Host-name bytes only: the text form of anything else would be ambiguous. */
static bool
ldh(const struct dname *name)
{
	for (size_t pos = 0; name->wire[pos] != 0; pos += name->wire[pos] + 1)
		for (size_t i = 1; i <= name->wire[pos]; i++) {
			uint8_t c = name->wire[pos + i];

			if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_')
				return false;
		}
	return true;
}

int
suffix_registrable_labels(const struct dname *name)
{
	char text[DNAME_TEXT_MAX + 2];
	const char *reg;
	int labels = 1;

	if (name->len <= 1 || !ldh(name))
		return 0;
	dname_text(name, text);
	if ((reg = psl_registrable_domain(list(), text)) == NULL)
		return 0;
	for (const char *p = reg; *p != '\0'; p++)
		labels += *p == '.';
	return labels;
}
