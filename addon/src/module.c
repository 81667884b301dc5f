/* The addon's entry point: registers the functions of each part. */
#include "module.h"

static napi_value init_module(napi_env env, napi_value exports)
{
	spawn_register(env, exports);
	process_register(env, exports);
	bpf_register(env, exports);
	rootread_register(env, exports);
	seccomp_register(env, exports);
	ptyproxy_register(env, exports);
	unixsock_register(env, exports);
	lock_register(env, exports);
	fdhygiene_register(env, exports);
	fsops_register(env, exports);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init_module)
