/* randpool.h -- random numbers for every packet: arc4random's, fetched a pool at a time.
 * libbsd's arc4random looks for a fork on every call (a system call); per packet
 * that is most of its cost. The pool changes nothing of the quality. */
#ifndef GLUESCAN_RANDPOOL_H
#define GLUESCAN_RANDPOOL_H

#include <stdint.h>

uint64_t randpool_u64(void);
/* Uniform in [0, n), n > 0. */
uint32_t randpool_below(uint32_t n);

#endif
