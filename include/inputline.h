/* inputline.h -- what one line of the domain list is: nothing, a domain, or invalid. */
#ifndef GLUESCAN_INPUTLINE_H
#define GLUESCAN_INPUTLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "dname.h"

enum line_kind {
	LINE_SKIP,
	LINE_DOMAIN,
	LINE_IDN,	/* a domain written in Unicode: out holds its A-label */
	LINE_INVALID,
};

/* Blank lines and '#' comments are skipped; CR LF endings are accepted.
 * A line with non-ASCII bytes is read as UTF-8 and converted with libidn2.
 * LINE_INVALID sets *why (a static string). */
enum line_kind input_line(const char *line, size_t len, struct dname *out, const char **why);

#endif
