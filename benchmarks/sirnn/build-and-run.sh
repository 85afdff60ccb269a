#!/usr/bin/env bash
# Builds SIRNN's math-function tests from SCI (github.com/mpc-msri/EzPC, folder SCI) and runs each as two
# local processes, so that docs/BENCHMARKS.md can put SIRNN's own measured cost next to ours.
#
# Not part of the build or of CI: run it by hand on a Debian/Ubuntu machine (needs root for apt-get).
# No SCI code is kept in this repository: the script takes an EzPC checkout (or a bare clone) as argument,
# copies its SCI folder to a scratch directory and edits the copies there only:
#   - CMake: system Eigen instead of the eigen submodule; the HE library (SEAL) and the float/HE tests left
#     out, since the ring math tests (exp, sigmoid, tanh, sqrt) only need the OT libraries;
#   - each test copy gets the bit widths and scales of one configuration (they are constants in the tests)
#     and prints the rounds of its main channel (SCI counts them in NetIO::num_rounds, but the tests do not
#     print them), and the CPU time of the function call (std::clock around it; the tests print wall time only).
#
# Usage: build-and-run.sh <EzPC checkout or bare git dir> [work dir, default /tmp/sirnn-sci] [elements, default 65536]
# Output: <work dir>/results/<config>-<function>-p{1,2}.log and a summary table on stdout.
set -euo pipefail

SRC=${1:?usage: build-and-run.sh <EzPC checkout or bare git dir> [work dir] [elements]}
WORK=${2:-/tmp/sirnn-sci}
N=${3:-65536}
JOBS=${JOBS:-2}
PORT=${PORT:-41000}

# Configurations: name bw_x s_x bw_y s_y. "sci" is what SCI's tests ship with; "ours" is SecureTrain's
# fixed point (64-bit ring, 24 fraction bits) on input and output; "live" is a 29-bit input at scale 24
# (|x| < 16, the caller's range guarantee SIRNN's functions rely on) into our output format.
CONFIGS=${CONFIGS:-"sci:16:12:16:12 ours:64:24:64:24 live:29:24:64:24"}
# Functions: exp, sigmoid, tanh (test_ring_<f>.cpp), rsqrt and sqrt (test_ring_sqrt.cpp with inverse = true / false).
FUNCS=${FUNCS:-"exp sigmoid tanh rsqrt sqrt"}

if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  need=""
  for p in cmake g++ make libssl-dev libgmp-dev libeigen3-dev time; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
  done
  if [ -n "$need" ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need
  fi
fi

# 1. Extract SCI into the work dir (a bare clone may lack a few large blobs we do not need: skip them).
#    Kept between runs (FRESH=1 starts over), so that a second run only rebuilds the tests.
S="$WORK/SCI"
[ "${FRESH:-0}" = 1 ] && rm -rf "$S"
mkdir -p "$WORK"
if [ -f "$S/.prepared" ]; then
  echo "reusing $S (FRESH=1 to extract again)"
elif [ -d "$SRC/SCI/src" ]; then
  cp -r "$SRC/SCI" "$WORK/SCI"
else
  git -C "$SRC" ls-tree -r HEAD SCI | while read -r mode type sha path; do
    [ "$type" = blob ] || continue
    mkdir -p "$WORK/$(dirname "$path")"
    git -C "$SRC" cat-file blob "$sha" > "$WORK/$path" 2>/dev/null || echo "skipped (absent): $path" >&2
  done
fi

# 2. CMake edits (copies only).
if [ ! -f "$S/.prepared" ]; then
# System Eigen 3.3+ instead of the submodule build.
sed -i 's|^find_package(Eigen3 3.3 QUIET NO_MODULE PATHS .*|find_package(Eigen3 3.3 REQUIRED NO_MODULE)|' "$S/src/CMakeLists.txt"
# No SEAL: drop the HE library, the float ML libraries and the install rules that name them.
sed -i -e '/^add_subdirectory(LinearHE)/d' \
       -e '/^add_library(SCI-HE /d' -e '/^add_library(SCI-SecfloatML /d' -e '/^add_library(SCI-Beacon /d' \
       -e '/^target_link_libraries(SCI-HE /d' -e '/^target_link_libraries(SCI-SecfloatML /d' \
       -e '/^target_link_libraries(SCI-Beacon /d' -e '/^target_compile_definitions(SCI-HE /d' \
       "$S/src/CMakeLists.txt"
sed -i '/^install(TARGETS/,$d' "$S/src/CMakeLists.txt"
sed -i '/^include(CMakePackageConfigHelpers)/,$d' "$S/CMakeLists.txt"
touch "$S/.prepared"
fi

# 3. One test executable per (configuration, function).
: > "$S/tests/CMakeLists.txt.new"
for cfg in $CONFIGS; do
  IFS=: read -r name bwx sx bwy sy <<< "$cfg"
  for f in $FUNCS; do
    case $f in
      rsqrt) t="$S/tests/test_ring_sqrt.cpp"; inv=true ;;
      sqrt) t="$S/tests/test_ring_sqrt.cpp"; inv=false ;;
      *) t="$S/tests/test_ring_${f}.cpp"; inv=true ;;
    esac
    out="$S/tests/gen_${name}_${f}.cpp"
    sed -e "s/^bool inverse = true;/bool inverse = ${inv};/" -e "s/^int bw_x = .*;/int bw_x = ${bwx};/" -e "s/^int s_x = .*;/int s_x = ${sx};/" \
        -e "s/^int bw_y = .*;/int bw_y = ${bwy};/" -e "s/^int s_y = .*;/int s_y = ${sy};/" \
        -e '1i #include <ctime>' \
        -e 's/^  auto start = clock_start();/  uint64_t rounds0 = iopackArr[0]->get_rounds();\n  std::clock_t cpu0 = std::clock();\n  auto start = clock_start();/' \
        -e 's/^  long long t = time_from(start);/  long long t = time_from(start);\n  std::cout << "CPU of the call (std::clock, whole process)\\t" << double(std::clock() - cpu0) \/ CLOCKS_PER_SEC << " s" << std::endl;\n  std::cout << "Rounds (main channel of thread 0, NetIO::num_rounds)\\t" << (iopackArr[0]->get_rounds() - rounds0) << std::endl;\n  std::cout << "Config bw_x=" << bw_x << " s_x=" << s_x << " bw_y=" << bw_y << " s_y=" << s_y << " N=" << dim << " threads=" << num_threads << std::endl;/' \
        "$t" > "$out.new"
    grep -q rounds0 "$out.new" || { echo "could not instrument $t" >&2; exit 1; }
    cmp -s "$out.new" "$out" && rm "$out.new" || mv "$out.new" "$out"  # unchanged: no rebuild
    echo "add_executable(${name}-${f} gen_${name}_${f}.cpp)" >> "$S/tests/CMakeLists.txt.new"
    echo "target_link_libraries(${name}-${f} SCI-OT)" >> "$S/tests/CMakeLists.txt.new"
  done
done
cmp -s "$S/tests/CMakeLists.txt.new" "$S/tests/CMakeLists.txt" && rm "$S/tests/CMakeLists.txt.new" \
  || mv "$S/tests/CMakeLists.txt.new" "$S/tests/CMakeLists.txt"

# 4. Build (release flags come from SCI's own CMake: -O3 -maes -mavx2 ...).
mkdir -p "$S/build"
(cd "$S/build" && cmake -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTS=ON .. > cmake.log)
targets=""
for cfg in $CONFIGS; do for f in $FUNCS; do targets="$targets ${cfg%%:*}-$f"; done; done
(cd "$S/build" && make -j"$JOBS" $targets > make.log 2>&1) || { tail -40 "$S/build/make.log"; exit 1; }

# 5. Run: party 1 (ALICE) listens, party 2 (BOB) connects, one thread each, on 127.0.0.1.
mkdir -p "$WORK/results"
echo "load before runs: $(uptime)"
# Per element: bytes both directions (sum of the two parties' "Bytes Sent"), NetIO::num_rounds of party 1's main
# channel (it counts each switch between sending and receiving, so a party's sending flights are about half of it),
# wall time of the function call (party 2), CPU time of the call in each process (std::clock; the whole process,
# set-up and base OTs included, is in <log>-p{1,2}.err from /usr/bin/time), and the test's own maximum ULP error.
printf '%-8s %-8s %-22s %12s %8s %12s %14s %14s %8s\n' config function "bw_x/s_x -> bw_y/s_y" "B/elem" rounds \
  "us/elem" "CPU-us/el p1" "CPU-us/el p2" maxULP | tee "$WORK/results/summary.txt"
for cfg in $CONFIGS; do
  IFS=: read -r name bwx sx bwy sy <<< "$cfg"
  for f in $FUNCS; do
    bin="$S/build/bin/${name}-${f}"
    log="$WORK/results/${name}-${f}"
    /usr/bin/time -v "$bin" r=1 p=$PORT N="$N" nt=1 > "$log-p1.log" 2> "$log-p1.err" &
    p1=$!
    sleep 1
    /usr/bin/time -v "$bin" r=2 p=$PORT N="$N" nt=1 ip=127.0.0.1 > "$log-p2.log" 2> "$log-p2.err"
    wait "$p1"
    PORT=$((PORT + 1))
    b1=$(awk '/Bytes Sent/ {print $(NF-1)}' "$log-p1.log"); b2=$(awk '/Bytes Sent/ {print $(NF-1)}' "$log-p2.log")
    r1=$(awk -F'\t' '/^Rounds/ {print $2}' "$log-p1.log")
    t2=$(awk '/ Time\t/ {print $(NF-1)}' "$log-p2.log")
    c1=$(awk -F'\t' '/^CPU of the call/ {print $2 + 0}' "$log-p1.log")
    c2=$(awk -F'\t' '/^CPU of the call/ {print $2 + 0}' "$log-p2.log")
    ulp=$(awk '/Max ULP error/ {print $NF}' "$log-p1.err" "$log-p2.err")
    awk -v c="$name" -v f="$f" -v w="$bwx/$sx -> $bwy/$sy" -v n="$N" -v b1="$b1" -v b2="$b2" -v r="$r1" \
        -v t="$t2" -v c1="$c1" -v c2="$c2" -v u="$ulp" 'BEGIN {
      printf "%-8s %-8s %-22s %12.1f %8d %12.1f %14.1f %14.1f %8s\n", c, f, w, (b1 + b2) / n, r, t * 1000 / n,
        c1 * 1e6 / n, c2 * 1e6 / n, u }' | tee -a "$WORK/results/summary.txt"
  done
done
echo "load after runs: $(uptime)" | tee -a "$WORK/results/summary.txt"
