/* ndjson.h -- one JSON object per line: a domain's verdict and evidence, or an invalid input line. */
#ifndef GLUESCAN_NDJSON_H
#define GLUESCAN_NDJSON_H

#include <stdio.h>

#include "evidence.h"
#include "verdict.h"

/* input: the line as written when it was not the domain's ASCII form (an IDN), else NULL. */
void ndjson_domain(FILE *out, const struct evidence *ev, const struct verdict *v, const char *input);
/* A domain the --exclude list names: one line, no question asked. */
void ndjson_excluded(FILE *out, const struct dname *domain, const char *input);
/* Free the line buffer the writers share (at exit). */
void ndjson_release(void);
/* raw is the input line as read (any bytes); why says what is wrong with it. */
void ndjson_invalid(FILE *out, const char *raw, size_t len, const char *why);

#endif
