/* The addon's N-API module: each part registers its functions. */
#ifndef RUNTS_MODULE_H
#define RUNTS_MODULE_H

#include <node_api.h>
#include <sys/types.h>

#include "plan.h"

void spawn_register(napi_env env, napi_value exports);   /* spawn.c */
void process_register(napi_env env, napi_value exports); /* process.c */
void bpf_register(napi_env env, napi_value exports);     /* bpf.c */
void seccomp_register(napi_env env, napi_value exports); /* seccomp.c */
void rootread_register(napi_env env, napi_value exports); /* rootread.c */
void ptyproxy_register(napi_env env, napi_value exports); /* ptyproxy.c */
void unixsock_register(napi_env env, napi_value exports); /* unixsock.c */
void lock_register(napi_env env, napi_value exports);     /* lock.c */
void fdhygiene_register(napi_env env, napi_value exports); /* fdhygiene.c */
void fsops_register(napi_env env, napi_value exports);    /* fsops.c */

/* plan.c: the LaunchPlan into C memory (0 with an exception pending) */
int plan_from_js(napi_env env, napi_value o, struct plan *p);
void plan_free(struct plan *p);

#endif
