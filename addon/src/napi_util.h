#ifndef RUNTS_NAPI_UTIL_H
#define RUNTS_NAPI_UTIL_H

#include <node_api.h>
#include <stdio.h>

#include "plan.h"

/* throws a TypeError naming the plan field, for a LaunchPlan built wrongly */
static inline void throw_field(napi_env env, const char *key, const char *what)
{
	char msg[160];
	snprintf(msg, sizeof(msg), "LaunchPlan.%s must be %s", key, what);
	napi_throw_type_error(env, NULL, msg);
}

int plan_from_js(napi_env env, napi_value o, struct plan *p);
void plan_free(struct plan *p);

#endif
