#!/usr/bin/env bash
# Builds the example and test WASM modules from source into the folder given as $1.
# Needs wat2wasm (Debian: wabt) and clang with wasm-ld and wasi-libc (Debian: clang lld wasi-libc
# libclang-rt-14-dev-wasm32); .ci/run installs them.
set -euo pipefail
out="${1:?usage: build.sh OUTPUT_DIR [EXTRA_WAT_DIR]}"
extra="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$out"
for tool in wat2wasm clang; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install wabt clang lld wasi-libc libclang-rt-14-dev-wasm32)" >&2; exit 1; }
done
wat2wasm "$here/wat-plugin/plugin.wat" -o "$out/wat-plugin.wasm"
sysroot=/usr
[ -d /usr/share/wasi-sysroot ] && sysroot=/usr/share/wasi-sysroot
clang --target=wasm32-wasi --sysroot="$sysroot" -mexec-model=reactor -O2 -Wall -Werror \
  -o "$out/c-plugin.wasm" "$here/c-plugin/plugin.c"
if [ -n "$extra" ] && [ -d "$extra" ]; then
  for f in "$extra"/*.wat; do
    wat2wasm "$f" -o "$out/$(basename "${f%.wat}").wasm"
  done
fi
