#!/usr/bin/env bash
# compare.sh: gopinn's reference training step next to PyTorch's.
#
# Runs pinn's BenchmarkStepReference (2-D Poisson, MLP 2-64x4-1 tanh, 1024 +
# 256 points, one full Adam step) for float64 and float32 with the fused and
# the graph-op network kernels, in the pure-Go build and (if OpenBLAS links)
# the openblas build, then benchmarks/torch_poisson.py with the same problem,
# and prints ms/step, peak RSS and the ratio to PyTorch.
#
# Each configuration runs in its own process (so peak RSS is that
# configuration's alone), REPS times, interleaved; the table keeps the
# fastest run, the usual estimator on a shared machine where other load only
# ever adds time.
#
# Needs: go, /usr/bin/time, /usr/bin/python3 with torch (Debian:
# apt-get install -y python3-torch), for the openblas rows libopenblas-dev.
# Usage: benchmarks/compare.sh [REPS] [STEPS]   (defaults 3 and 30)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-3}
STEPS=${2:-30}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Builds: "pure" is the default (the fused op multiplies with the assembly
# micro-kernels where the CPU has AVX2+FMA or AVX-512), "purego" the same
# with -tags purego (gonum's pure-Go gemm everywhere: the portable floor),
# "openblas" with -tags openblas (micro-kernels in the fused op, OpenBLAS in
# Gorgonia's own ops) and "openblas-gemm" the same binary with
# GOPINN_GEMM=blas (OpenBLAS in the fused op too).
go test -c -o "$TMP/pure.test" ./pinn/compiler
go test -tags purego -c -o "$TMP/purego.test" ./pinn/compiler
builds=(pure purego)
if go test -tags openblas -c -o "$TMP/openblas.test" ./pinn/compiler 2>"$TMP/openblas.err"; then
	builds+=(openblas openblas-gemm)
else
	echo "openblas build failed (apt-get install -y libopenblas-dev?):" >&2
	cat "$TMP/openblas.err" >&2
fi

# run_go BUILD DTYPE KERNEL: prints "ms rss_MiB" for one run
run_go() {
	local out bin=$1 gemm=
	if [[ $1 == openblas-gemm ]]; then
		bin=openblas gemm=blas
	fi
	out=$(GOPINN_GEMM=$gemm /usr/bin/time -f "RSS %M" "$TMP/$bin.test" -test.run '^$' \
		-test.bench "^BenchmarkStepReference\$/^$2\$/^$3\$" -test.benchtime "${STEPS}x" 2>&1)
	awk '/ns\/op/ {for (i = 1; i <= NF; i++) if ($(i+1) == "ns/op") ms = $i / 1e6}
	     /^RSS/ {rss = $2 / 1024}
	     END {printf "%.2f %.1f\n", ms, rss}' <<<"$out"
}

# run_torch DTYPE: prints "ms rss_MiB"
run_torch() {
	/usr/bin/python3 benchmarks/torch_poisson.py --dtype "$1" --steps "$STEPS" --threads 2 |
		sed -E 's/.* ([0-9.]+) ms\/step peak_rss=([0-9.]+) MiB.*/\1 \2/'
}

declare -A best rss
record() { # key "ms rss"
	local ms=${2% *} r=${2#* }
	if [[ -z ${best[$1]:-} ]] || awk -v a="$ms" -v b="${best[$1]}" 'BEGIN {exit !(a < b)}'; then
		best[$1]=$ms
	fi
	if [[ -z ${rss[$1]:-} ]] || awk -v a="$r" -v b="${rss[$1]}" 'BEGIN {exit !(a > b)}'; then
		rss[$1]=$r
	fi
}

keys=()
for dt in float64 float32; do
	for b in "${builds[@]}"; do
		case $b in
		pure | openblas) for k in fused graph; do keys+=("$dt $b $k"); done ;;
		*) keys+=("$dt $b fused") ;;
		esac
	done
	keys+=("$dt torch -")
done

for rep in $(seq "$REPS"); do
	for key in "${keys[@]}"; do
		read -r dt b k <<<"$key"
		if [[ $b == torch ]]; then
			record "$key" "$(run_torch "$dt")"
		else
			record "$key" "$(run_go "$b" "$dt" "$k")"
		fi
	done
	echo "rep $rep/$REPS done" >&2
done

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# best of $REPS runs of $STEPS steps; peak RSS is the largest seen"
printf "%-8s %-9s %-6s %10s %9s %12s %10s\n" dtype build kernel ms/step RSS_MiB "time/torch" "RSS/torch"
for key in "${keys[@]}"; do
	read -r dt b k <<<"$key"
	t=${best["$dt torch -"]}
	r=${rss["$dt torch -"]}
	printf "%-8s %-9s %-6s %10s %9s %12s %10s\n" "$dt" "$b" "$k" "${best[$key]}" "${rss[$key]}" \
		"$(awk -v a="${best[$key]}" -v b="$t" 'BEGIN {printf "%.2f", a / b}')" \
		"$(awk -v a="${rss[$key]}" -v b="$r" 'BEGIN {printf "%.2f", a / b}')"
done
