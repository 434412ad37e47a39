/* fuzz_inputline.c -- libFuzzer target: any input line is skipped, a valid name, or invalid with a reason. */
#include <assert.h>
#include <string.h>

#include "inputline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dname name;
	const char *why = NULL;
	char text[DNAME_TEXT_MAX + 2];
	struct dname again;
	const char *why2;

	switch (input_line((const char *)data, size, &name, &why)) {
	case LINE_SKIP:
		break;
	case LINE_INVALID:
		assert(why != NULL && why[0] != '\0');
		break;
	case LINE_DOMAIN:
	case LINE_IDN:
		/* A valid name (an IDN's A-label too) prints as text that parses back to itself. */
		dname_text(&name, text);
		assert(strlen(text) <= 253);
		assert(dname_from_input(text, strlen(text), &again, &why2));
		assert(dname_equal(&name, &again));
		break;
	}
	return 0;
}
