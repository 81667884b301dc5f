{
  "targets": [
    {
      "target_name": "runts",
      "sources": [
        "src/module.c",
        "src/spawn.c",
        "src/process.c",
        "src/fdhygiene.c",
        "src/plan.c",
        "src/napi_read.c",
        "src/seccomp.c",
        "src/bpf.c",
        "src/fdpass.c",
        "src/sources.c",
        "src/stage1.c",
        "src/init.c",
        "src/hooks.c",
        "src/lsm.c",
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
        "src/rootread.c",
        "src/sealed_exec.c",
        "src/ptyproxy.c",
        "src/ptycheck.c",
        "src/unixsock.c",
        "src/lock.c",
        "src/fsops.c",
        "src/procguard.c",
        "src/idmap_tool.c"
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
      ],
      "include_dirs": ["<(INTERMEDIATE_DIR)"],
      "actions": [
        {
          "action_name": "sealed_exec_helper",
          "inputs": ["helper/exec-helper.c", "helper/exec-helper.h", "helper/embed.sh"],
          "outputs": ["<(INTERMEDIATE_DIR)/sealed_exec_helper.h"],
          "action": ["sh", "helper/embed.sh", "<(INTERMEDIATE_DIR)/sealed_exec_helper.h"],
          "message": "building the sealed exec helper"
        }
      ]
    }
  ]
}
