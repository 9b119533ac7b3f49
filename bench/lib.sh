# Shared by the benchmarks in bench/: source it.

# median_of: the median of the numbers on stdin, one a line (the mean of
# the middle two for an even count); prints nothing when there are none.
median_of() {
	sort -g | awk '{ a[NR] = $1 }
		END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# cpu_model: the processor's name, for the results' headings.
cpu_model() {
	grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'
}
