/* dname.h -- domain names: validation of user input, wire form, ancestry. */
#ifndef GLUESCAN_DNAME_H
#define GLUESCAN_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNAME_WIRE_MAX 255	/* RFC 1035: a name on the wire, root label included */
#define DNAME_TEXT_MAX 254	/* 253 octets of text plus NUL */
#define DNAME_LABEL_MAX 63

/* A name in uncompressed wire form, always lower case. The root is {1, {0}}. */
struct dname {
	uint8_t len;
	uint8_t wire[DNAME_WIRE_MAX];
};

/*
 * Normalise one line of user input into a name: surrounding white space and
 * one trailing dot removed, lower-cased. Only letters, digits, '-' and '_'
 * are accepted in labels. On failure returns false and sets *why to a short
 * human-readable reason (a static string).
 */
bool dname_from_input(const char *text, size_t len, struct dname *out, const char **why);
/* Parse an absolute master-file name ("com.", "."); lower-cases it. */
bool dname_from_text(const char *text, struct dname *out);
/* Text form without trailing dot; the root prints as ".". */
void dname_text(const struct dname *n, char buf[DNAME_TEXT_MAX + 2]);

void dname_root(struct dname *out);
bool dname_equal(const struct dname *a, const struct dname *b);
int dname_label_count(const struct dname *n);
/* True when name is zone or below it. */
bool dname_is_under(const struct dname *name, const struct dname *zone);
/* Strip the first `count` labels; false if the name has fewer labels. */
bool dname_strip(const struct dname *n, int count, struct dname *out);
/* Copy of the wire name with letters' case flipped by successive bits of *bits
 * (DNS 0x20); out must hold n->len bytes. */
void dname_mix_case(const struct dname *n, uint8_t *out, uint64_t bits);
/* The same in place, on wire bytes whose letters may be of either case: each
 * letter gets the case of the next bit (set: upper), whatever it had. */
void dname_recase(uint8_t *wire, size_t len, uint64_t bits);
/* Lower-case copy of wire bytes into a dname; false if the bytes are not a valid name. */
bool dname_from_wire(const uint8_t *wire, size_t len, struct dname *out);
/* Ordering for trees: by wire bytes. */
int dname_compare(const struct dname *a, const struct dname *b);

#endif
