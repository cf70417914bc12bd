#!/usr/bin/env bash
# Draws umat-bench results as a PNG chart (gnuplot): one panel per machine,
# one group of bars per conversion, frames per second on a log scale.
#
#   tests/bench/chart.sh OUT.png SIZE "TITLE" RESULTS.tsv ["TITLE" RESULTS.tsv ...]
#
# RESULTS.tsv is what `umat-bench --tsv` writes; SIZE picks its rows
# (e.g. 1920x1080). Needs gnuplot (Debian: gnuplot-nox).
set -euo pipefail
[ $# -ge 4 ] || { sed -n '/^#   /p' "$0" | sed 's/^#   //'; exit 2; }
command -v gnuplot >/dev/null || { echo "chart.sh: install gnuplot (gnuplot-nox)" >&2; exit 1; }
out=$1 size=$2; shift 2
panels=$(( $# / 2 ))
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

script="set terminal pngcairo size 1200,$(( 420 * panels )) font 'DejaVu Sans,10'
set output '$out'
set multiplot layout $panels,1
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set logscale y
set yrange [10:*]
set ylabel 'frames per second ($size)'
set grid ytics
set key outside right top vertical
set datafile missing 'NaN'
set datafile separator '\t'
"
i=0
while [ $# -ge 2 ]; do
  title=$1 tsv=$2; shift 2
  i=$(( i + 1 ))
  # the header, then this size's rows without the size column
  { head -1 "$tsv" | cut -f2-; awk -F'\t' -v s="$size" '$1 == s' "$tsv" | cut -f2-; } > "$tmp/$i.tsv"
  cols=$(head -1 "$tmp/$i.tsv" | awk -F'\t' '{print NF}')
  script+="set title '$title'
plot for [c=2:$cols] '$tmp/$i.tsv' using c:xtic(1) title columnheader(c)
"
done
script+="unset multiplot
"
gnuplot <<<"$script"
echo "wrote $out"
