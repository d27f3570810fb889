#!/usr/bin/env bash
# make bench: the performance goals of the project, measured in one run and
# printed as one table. Ratios compare figures from this same run.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

go test -run '^$' -bench 'Order20Lines1280x800$|Order20LinesGGDrawString$|ToggleLine$' -benchtime=300x ./ui/ >>"$raw"
go test -run '^$' -bench 'LinkRoundTrip$|LinkLoopbackHTTPS$' -benchtime=500x ./firmware/poslink/ >>"$raw"
go test -run '^$' -bench . -benchtime=200x ./firmware/checkout/ >>"$raw"

# metric NAME UNIT: the value reported with UNIT on benchmark NAME's line.
metric() {
  awk -v name="$1" -v unit="$2" '$1 ~ "^Benchmark"name"(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$raw"
}

render=$(metric Order20Lines1280x800 p50-ms)
ggrender=$(metric Order20LinesGGDrawString p50-ms)
speedup=$(metric Order20LinesGGDrawString speedup-x)
toggle=$(metric ToggleLine p50-ms)
damage=$(metric ToggleLine damage-%)
link99=$(metric LinkRoundTrip p99-ms)
link50=$(metric LinkRoundTrip p50-ms)
https50=$(metric LinkLoopbackHTTPS p50-ms)
https99=$(metric LinkLoopbackHTTPS p99-ms)

verdict() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { ok = (dir == "<=") ? (v <= g) : (v >= g); print (ok ? "met" : "MISSED") }'; }

printf '\n%-58s %12s %10s %8s\n' "measure" "value" "goal" "status"
printf '%-58s %12s %10s %8s\n' "-------" "-----" "----" "------"
row() { printf '%-58s %12s %10s %8s\n' "$1" "$2" "$3" "$4"; }
row "order → framebuffer image, 20 lines 1280×800, p50 (ms)" "$render" "≤ 2" "$(verdict "$render" 2 '<=')"
row "same screen with gg DrawString, p50 (ms)" "$ggrender" "" ""
row "speed-up over gg DrawString (×, same run)" "$speedup" "≥ 8" "$(verdict "$speedup" 8 '>=')"
row "flag one line, partial redraw, p50 (ms)" "$toggle" "≤ 0.5" "$(verdict "$toggle" 0.5 '<=')"
row "  share of the screen redrawn (%)" "$damage" "" ""
row "link: decrypt+parse+validate+encrypt reply, p99 (ms)" "$link99" "≤ 1" "$(verdict "$link99" 1 '<=')"
row "link: same, p50 (ms)" "$link50" "" ""
row "whole payment over loopback HTTPS incl. fsyncs, p50 (ms)" "$https50" "" ""
row "whole payment over loopback HTTPS incl. fsyncs, p99 (ms)" "$https99" "" ""
echo
echo "raw benchmark output:"
grep '^Benchmark' "$raw"
