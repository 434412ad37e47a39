/* domain.h -- one domain's way through SPEC section 2: parent, names, probes, glue comparison. */
#ifndef GLUESCAN_DOMAIN_H
#define GLUESCAN_DOMAIN_H

#include "engine.h"
#include "evidence.h"
#include "resolver.h"

struct domain;

/* Called once, when the evidence is complete; the callee owns d from then on. */
typedef void domain_done_fn(void *ctx, struct domain *d);

/* Start checking name (with parent_only, only as far as its parent's
 * answer). parent: that answer when it is known already (a delegation read
 * from the parent's zone file), else NULL: it is asked. done may be called
 * before domain_start returns. */
void domain_start(struct engine *e, struct resolver *r, const struct dname *name,
    bool parent_only, const struct walk_result *parent, domain_done_fn *done, void *ctx);
const struct evidence *domain_evidence(const struct domain *d);
/* Back to the spares, for the next domain_start. */
void domain_free(struct domain *d);
/* Free the spares (when no more domains will start). */
void domain_release_spares(void);

#endif
