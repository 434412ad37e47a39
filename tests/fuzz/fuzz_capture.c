/* fuzz_capture.c -- libFuzzer target: any captured frame is refused or decapsulated within its bytes. */
#include <assert.h>
#include <pcap/pcap.h>
#include <string.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = { DLT_RAW, DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct udp_packet p;
	size_t wire;

	if (size < 2)
		return 0;
	/* The first byte picks the link type, the second whether the snaplen cut the frame. */
	wire = data[1] & 1 ? size - 2 + 100 : size - 2;
	if (!capture_parse(linktypes[data[0] % 5], data + 2, size - 2, wire, &p))
		return 0;
	assert(p.family == AF_INET || p.family == AF_INET6);
	assert(p.ip >= data + 2 && p.ip + p.ip_len <= data + size);
	assert(p.payload >= p.ip && p.payload + p.len <= p.ip + p.ip_len);
	assert(!p.cut || wire > size - 2);
	return 0;
}
