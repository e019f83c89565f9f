#!/usr/bin/env bash
# run-fuzz.sh TARGET SOURCE_ROOT BUILD_ROOT SECONDS
#
# Build one libFuzzer target (tests/fuzz/fuzz-TARGET.c) with clang against the codec
# sources, seed it with the PROTOCOLS.md vectors and run it for SECONDS. TAP output;
# a crash, a sanitizer report or a failed check makes the test fail and leaves the
# input that caused it in BUILD_ROOT/tests/fuzz-TARGET/ (add it to the unit tests).
# The project builds with gcc; libFuzzer needs clang and libclang-rt (.ci/install-deps).
set -u

target=$1
src=$2
build=$3
seconds=${4:-12}
work="$build/tests/fuzz-$target"
codecs="vp-device-error.c vp-bcd.c vp-dlt645.c vp-dlt645-items.c vp-cjt188.c
        vp-frame-private.c vp-frame-reader.c vp-frame-describe.c"

echo "1..2"
mkdir -p "$work/corpus" "$work/seeds"

if ! command -v clang >/dev/null 2>&1; then
  echo "not ok 1 - build fuzz-$target # clang is not installed (run .ci/install-deps)"
  echo "not ok 2 - run fuzz-$target # SKIP not built"
  exit 1
fi

# The money and link-URI targets need their own units (and GIO/libserialport for the link).
dir=devices
pkgs=glib-2.0
case "$target" in
  money) dir=model; codecs="vp-model-error.c vp-money.c" ;;
  csv-import) dir=model; codecs="vp-model-error.c vp-import-csv.c" ;;
  link-uri)
    codecs="vp-device-error.c vp-link.c vp-link-serialport.c vp-link-termios.c vp-link-tcp.c"
    pkgs="gio-2.0 gio-unix-2.0 libserialport" ;;
esac
sources=()
for f in $codecs; do sources+=("$src/$dir/$f"); done

# -O1 keeps the build quick on shared CI cores; sanitizers catch what -O2 would hide.
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
      -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -I"$build" -I"$src/devices" -I"$src/model" \
      -I"$src/tests/fuzz" $(pkg-config --cflags $pkgs) \
      "${sources[@]}" "$src/tests/fuzz/fuzz-$target.c" \
      $(pkg-config --libs $pkgs) -o "$work/fuzz-$target" 2>"$work/build.log"; then
  echo "not ok 1 - build fuzz-$target"
  sed 's/^/# /' "$work/build.log" | tail -30
  echo "not ok 2 - run fuzz-$target # SKIP not built"
  exit 1
fi
echo "ok 1 - build fuzz-$target"

# Seeds: one file per vector line (hex frames), or per text line in seeds-TARGET.txt.
n=0
if [ -f "$src/tests/fuzz/seeds-$target.txt" ]; then
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    printf '%s' "$line" > "$work/seeds/text-$n"
  done < "$src/tests/fuzz/seeds-$target.txt"
else
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  hex=$(printf '%s' "$line" | tr -d ' ')
  printf "$(printf '%s' "$hex" | sed 's/\(..\)/\\x\1/g')" > "$work/seeds/vector-$n"
done < "$src/tests/fuzz/seeds.txt"
fi

run_fuzzer () {
  "$work/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds" \
    >"$work/run.log" 2>&1
}

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export G_DEBUG=fatal-criticals
run_fuzzer
status=$?
# LeakSanitizer needs ptrace-like access that some containers deny; that is the
# sandbox failing, not the code: run again without leak checks and say so.
if [ $status -ne 0 ] && grep -q "LeakSanitizer has encountered a fatal error" "$work/run.log"; then
  echo "# LeakSanitizer cannot run here; fuzzing without leak detection"
  export ASAN_OPTIONS="abort_on_error=1:detect_leaks=0"
  run_fuzzer
  status=$?
fi

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/run.log" | tail -1)
if [ $status -ne 0 ]; then
  echo "not ok 2 - fuzz-$target crashed (exit $status); reproducer in $work/"
  grep -E "ERROR|SUMMARY|check failed|CRITICAL|WARNING|#[0-9]+ 0x.* in vp_|#[0-9]+ 0x.* in LLVM" \
    "$work/run.log" | head -30 | sed 's/^/# /'
  ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | sed 's/^/# artifact: /'
  exit 1
fi
echo "ok 2 - fuzz-$target ran ${seconds}s without a crash (${execs:-?} inputs)"
exit 0
