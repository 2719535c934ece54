#include "seed.h"

ap_status seed_new_store(sqlite3 *db)
{
    (void)db;
    return AP_OK;
}
