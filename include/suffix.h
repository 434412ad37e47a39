/* suffix.h -- the public suffix list: where the domain someone could register begins in a name. */
#ifndef GLUESCAN_SUFFIX_H
#define GLUESCAN_SUFFIX_H

#include "dname.h"

/*
 * The labels of name's registrable domain (its public suffix plus one
 * label, by libpsl: the newer of its built-in list and the distribution's
 * /usr/share/publicsuffix), counted from the root: 2 for ns1.example.com,
 * 3 for ns1.shop.co.uk. 0 when name is itself a public suffix, or has a
 * label no registry would accept (only letters, digits, '-' and '_').
 * A TLD the list does not know is a public suffix (its default rule "*").
 */
int suffix_registrable_labels(const struct dname *name);
/* Free the list, if it was loaded; the next call loads it again. */
void suffix_release(void);

#endif
