# Ratios per operation from scripts/bench.py (gnuplot-nox, PNG via libgd).
#   gnuplot -e "datafile='D'; outfile='O'; have_data=0|1" scripts/bench-plot.gp
# D: "operation previrt/native trap/previrt" per line, NaN where a mode is
# not available. With have_data=0 the plot only says that nothing is there
# yet (no made-up bars).
set terminal png noenhanced size 1100,560 font ",10"
set output outfile
set title "Test OS benchmark, QEMU TCG -icount shift=0 (instructions): cost ratios per operation"
set key outside top right vertical
set grid ytics
if (have_data) {
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set boxwidth 0.9
	set logscale y 2
	set yrange [0.5:*]
	set ylabel "ratio (log scale)"
	set xtics rotate by -40 nomirror
	set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 lc rgb "black"
	plot datafile using 2:xtic(1) title "previrt / native", \
	     '' using 3 title "trap / previrt"
} else {
	set xrange [0:1]
	set yrange [0:1]
	unset xtics
	unset ytics
	set label 1 "no virtualized mode available yet: ratios pending (see results.md)" at 0.5,0.5 center
	plot 2 notitle
}
