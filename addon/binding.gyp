{
  "targets": [
    {
      "target_name": "runts",
      "sources": [
        "src/module.c",
        "src/spawn.c",
        "src/process.c",
        "src/plan.c",
        "src/napi_read.c",
        "src/seccomp.c",
        "src/bpf.c",
        "src/fdpass.c",
        "src/stage1.c",
        "src/init.c",
        "src/child_sync.c",
        "src/util.c",
        "src/paths.c",
        "src/rootfs.c",
        "src/mounts.c",
        "src/devices.c",
        "src/restrict.c",
        "src/console.c",
        "src/credentials.c",
        "src/exec.c",
        "src/rootread.c"
      ],
      "cflags": [
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-Wunused-parameter",
        "-O2"
      ],
      "defines": [
        "_GNU_SOURCE",
        "NAPI_VERSION=8"
      ],
      "libraries": [
        "-lseccomp"
      ]
    }
  ]
}
