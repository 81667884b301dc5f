{
  "targets": [
    {
      "target_name": "runts",
      "sources": ["src/addon.c", "src/child.c", "src/fdpass.c", "src/plan.c", "src/bpf.c", "src/seccomp.c", "src/rootread.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "libraries": ["-lseccomp"]
    }
  ]
}
