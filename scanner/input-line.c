/* input-line.c -- classify one line of the domain list. */
#include "inputline.h"

enum line_kind
input_line(const char *line, size_t len, struct dname *out, const char **why)
{
	size_t i = 0;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || line[i] == '#')
		return LINE_SKIP;
	return dname_from_input(line + i, len - i, out, why) ? LINE_DOMAIN : LINE_INVALID;
}
