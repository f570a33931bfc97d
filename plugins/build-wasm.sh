#!/usr/bin/env bash
# Compiles every WASM module of the project from its source and writes the binary beside it:
#   plugins/examples/wat-plugin/plugin.wat  -> plugin.wasm   (wat2wasm)
#   plugins/examples/c-plugin/plugin.c      -> plugin.wasm   (clang, wasm32-wasi reactor)
#   plugins/wasm/src/test/wat/NAME.wat      -> NAME.wasm     (wat2wasm; the runtime's test modules)
# The binaries are committed, so building and testing the project needs no WASM toolchain; this
# script is how they are refreshed after a source changes:
#   plugins/build-wasm.sh            # rebuild and overwrite the committed binaries
#   plugins/build-wasm.sh --check    # rebuild into a temporary folder, fail if any differs (CI)
# Toolchain (Debian 12): apt-get install wabt clang lld wasi-libc libclang-rt-14-dev-wasm32.
# The flags are pinned so the output is byte-reproducible: wat2wasm writes no names by default,
# and wasm-ld --strip-all drops the debug and producers sections, which carry build paths and
# would otherwise differ between folders.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/.." && pwd)"
mode="write"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  *) echo "usage: plugins/build-wasm.sh [--check]" >&2; exit 2 ;;
esac

missing=()
for tool in wat2wasm clang wasm-ld; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-wasm.sh: ${missing[*]} not found; install the toolchain: apt-get install wabt clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2
  exit 1
fi
sysroot=/usr
[ -d /usr/share/wasi-sysroot ] && sysroot=/usr/share/wasi-sysroot

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Every module: source path (relative to the top) and the committed binary beside it.
sources=(plugins/examples/wat-plugin/plugin.wat plugins/examples/c-plugin/plugin.c)
for f in "$top"/plugins/wasm/src/test/wat/*.wat; do
  sources+=("${f#"$top"/}")
done

build() { # build SOURCE OUTPUT
  case "$1" in
    *.wat) wat2wasm "$top/$1" -o "$2" ;;
    *.c) clang --target=wasm32-wasi --sysroot="$sysroot" -mexec-model=reactor -O2 -Wall -Werror \
           -Wl,--strip-all -o "$2" "$top/$1" ;;
  esac
}

differ=()
for src in "${sources[@]}"; do
  committed="${src%.*}.wasm"
  fresh="$out/$(echo "$committed" | tr / _)"
  build "$src" "$fresh"
  if [ "$mode" = write ]; then
    install -m 0644 "$fresh" "$top/$committed"
  elif ! cmp -s "$fresh" "$top/$committed"; then
    differ+=("$committed")
  fi
done

if [ ${#differ[@]} -gt 0 ]; then
  for f in "${differ[@]}"; do
    echo "build-wasm.sh: $f differs from what its source produces (or is missing)" >&2
  done
  echo "build-wasm.sh: refresh with 'plugins/build-wasm.sh' and commit the binaries" \
       "(toolchain: $(wat2wasm --version), $(clang --version | head -1))" >&2
  exit 1
fi
[ "$mode" = check ] && echo "build-wasm.sh: all ${#sources[@]} committed WASM modules rebuild byte for byte"
exit 0
