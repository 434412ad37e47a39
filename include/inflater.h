/* inflater.h -- a gzip file inflated ahead of its reader, on a thread of its own. */
#ifndef GLUESCAN_INFLATER_H
#define GLUESCAN_INFLATER_H

#include <stddef.h>
#include <sys/types.h>

struct inflater;

/* Inflate fd from its start (every gzip member of it) on a new thread. NULL on failure. */
struct inflater *inflater_start(int fd, const char *path);
/* Up to cap bytes of text, waiting for them: the count, 0 at the end, -1 with
 * err set when the file is truncated, corrupt or unreadable. */
ssize_t inflater_read(struct inflater *in, char *buf, size_t cap, char *err, size_t errlen);
/* Stop the thread and free everything, at any point of the file. */
void inflater_stop(struct inflater *in);

#endif
