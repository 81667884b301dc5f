#!/usr/bin/env bash
# Prints the functions of addon/src longer than a limit (default 100 lines,
# signature to closing brace), and exits 1 if there is one. Kernel style: a
# function body opens with "{" alone at column 0 and closes with "}" there;
# data tables ("... = {" ... "};") are not functions and are not counted.
limit=${1:-100}
awk -v limit="$limit" '
  FNR == 1 { sig = ""; start = 0; inside = 0 }
  !inside && /^[A-Za-z].*\(/ { sig = $0; sigline = FNR }
  !inside && /^\{$/ { inside = 1; start = sigline; next }
  inside && /^\}$/ {
    inside = 0; n = FNR - start + 1
    if (n > limit) { printf "%s:%d: %d lines: %s\n", FILENAME, start, n, sig; bad = 1 }
  }
  END { exit bad }
' addon/src/*.c
