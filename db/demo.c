#include "demo.h"

/* Placeholder while the generator is written (replaced shortly). */
void demo_options_default(struct demo_options *o)
{
    o->pupils = 120;
    o->weeks = 12;
    o->seed = 1;
}

ap_status demo_generate(struct store *s, const struct demo_options *o)
{
    (void)o;
    ap_status st = store_demo_mode(s, false);
    if (st != AP_OK)
        return st;
    return ap_fail(AP_ERR_INVALID, "the demo generator is not finished yet");
}
