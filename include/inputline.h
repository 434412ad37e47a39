/* inputline.h -- what one line of the domain list is: nothing, a domain, or invalid. */
#ifndef GLUESCAN_INPUTLINE_H
#define GLUESCAN_INPUTLINE_H

#include <stddef.h>

#include "dname.h"

enum line_kind { LINE_SKIP, LINE_DOMAIN, LINE_INVALID };

/* Blank lines and '#' comments are skipped; CR LF endings are accepted.
 * LINE_INVALID sets *why (a static string). */
enum line_kind input_line(const char *line, size_t len, struct dname *out, const char **why);

#endif
