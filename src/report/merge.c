#include "config.h"
#include "report/merge.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/text.h"
#include "engine/shard.h"

enum { ST_DONE, ST_SKIPPED, ST_FAILED, ST_NOT_STARTED, ST_COUNT };

/* One run: a "run" line, and the "summary" line that ends it. */
struct run {
	uint32_t shard, shards;     /* shards 0: the run was not sharded */
	double started, ended;      /* epoch seconds; ended from the summary */
	bool finished;              /* summary seen, not interrupted, scan complete */
};

/* The latest record of one input, found by the hash of its name. */
struct entry {
	uint64_t hash;              /* 0: free slot */
	uint32_t failure;           /* index + 1 into failures, 0 none */
	uint8_t status;
};

struct failure {
	char *input, *reason;
};

struct merge {
	struct entry *table;
	size_t cap, used;
	struct failure *failures;
	size_t nfailures, failures_cap;
	struct run *runs;
	size_t nruns, runs_cap;
	uint64_t counts[ST_COUNT];
	uint64_t bad_lines;
};

/* The members of one line that the account needs. */
struct line {
	const char *type, *status, *input, *reason;
	bool hex, allowed, interrupted, scan_complete, has_shard;
	uint32_t shard, shards;
	double started, seconds;
};

static int line_member(const struct json_member *m, void *ctx)
{
	struct line *l = ctx;
	const char *k = m->key, *v = m->value;
	if (!strcmp(k, "type")) l->type = v;
	else if (!strcmp(k, "status")) l->status = v;
	else if ((!strcmp(k, "input") || !strcmp(k, "name")) && !l->hex) l->input = v;
	else if (!strcmp(k, "input_hex") || !strcmp(k, "name_hex")) l->input = v, l->hex = true;
	else if (!strcmp(k, "reason")) l->reason = v;
	else if (!strcmp(k, "allowed")) l->allowed = !strcmp(v, "true");
	else if (!strcmp(k, "interrupted")) l->interrupted = !strcmp(v, "true");
	else if (!strcmp(k, "scan_complete")) l->scan_complete = !strcmp(v, "true");
	else if (!strcmp(k, "shard")) l->shard = (uint32_t)strtoul(v, NULL, 10), l->has_shard = true;
	else if (!strcmp(k, "shards")) l->shards = (uint32_t)strtoul(v, NULL, 10);
	else if (!strcmp(k, "started")) l->started = strtod(v, NULL);
	else if (!strcmp(k, "seconds")) l->seconds = strtod(v, NULL);
	return 0;
}

/* A "file" or "pair" line's status as done, skipped, failed or not started. */
static int status_of(const struct line *l)
{
	const char *s = l->status ? l->status : "";
	if (!strcmp(s, "done") || !strcmp(s, "pass") || !strcmp(s, "updated"))
		return ST_DONE;
	if (!strcmp(s, "not_started"))
		return ST_NOT_STARTED;
	if (!strcmp(s, "skipped") || l->allowed)
		return ST_SKIPPED;
	return ST_FAILED;
}

static void *grow(void *items, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 64;
	void *p = realloc(items, n * size);
	if (p)
		*cap = n;
	return p;
}

static int table_grow(struct merge *mg)
{
	size_t cap = mg->cap ? mg->cap * 2 : 1024;
	struct entry *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < mg->cap; i++) {
		if (!mg->table[i].hash)
			continue;
		size_t j = mg->table[i].hash & (cap - 1);
		while (t[j].hash)
			j = (j + 1) & (cap - 1);
		t[j] = mg->table[i];
	}
	free(mg->table);
	mg->table = t;
	mg->cap = cap;
	return 0;
}

/* The entry of input (new entries have status ST_COUNT). */
static struct entry *lookup(struct merge *mg, const char *input)
{
	if (mg->used * 2 >= mg->cap && table_grow(mg) < 0)
		return NULL;
	uint64_t h = shard_hash(input) | 1;    /* never 0, the free mark */
	size_t i = h & (mg->cap - 1);
	while (mg->table[i].hash && mg->table[i].hash != h)
		i = (i + 1) & (mg->cap - 1);
	if (!mg->table[i].hash) {
		mg->table[i] = (struct entry){ .hash = h, .status = ST_COUNT };
		mg->used++;
	}
	return &mg->table[i];
}

static int add_failure(struct merge *mg, struct entry *e, const char *input, const char *reason)
{
	if (mg->nfailures == mg->failures_cap) {
		void *p = grow(mg->failures, &mg->failures_cap, sizeof *mg->failures);
		if (!p)
			return -1;
		mg->failures = p;
	}
	struct failure *f = &mg->failures[mg->nfailures];
	f->input = strdup(input);
	f->reason = strdup(reason ? reason : "");
	if (!f->input || !f->reason) {
		free(f->input);
		free(f->reason);
		return -1;
	}
	e->failure = (uint32_t)++mg->nfailures;
	return 0;
}

/* An input's record: it replaces any earlier one (a rerun's). */
static int take_record(struct merge *mg, const struct line *l)
{
	struct entry *e = lookup(mg, l->input);
	if (!e)
		return -1;
	if (e->status < ST_COUNT)
		mg->counts[e->status]--;
	if (e->failure) {
		struct failure *f = &mg->failures[e->failure - 1];
		free(f->input);
		free(f->reason);
		f->input = f->reason = NULL;
		e->failure = 0;
	}
	e->status = (uint8_t)status_of(l);
	mg->counts[e->status]++;
	return e->status == ST_FAILED ? add_failure(mg, e, l->input, l->reason) : 0;
}

static int take_line(struct merge *mg, char *text)
{
	struct line l = { 0 };
	if (json_read_flat_object(text, line_member, &l) < 0 || !l.type ||
	    (l.hex && json_unhex((char *)l.input) < 0)) {
		mg->bad_lines++;
		return 0;
	}
	if (!strcmp(l.type, "run")) {
		if (mg->nruns == mg->runs_cap) {
			void *p = grow(mg->runs, &mg->runs_cap, sizeof *mg->runs);
			if (!p)
				return -1;
			mg->runs = p;
		}
		mg->runs[mg->nruns++] = (struct run){
			.shard = l.shard, .shards = l.has_shard ? l.shards : 0, .started = l.started,
		};
	} else if (!strcmp(l.type, "summary") && mg->nruns) {
		struct run *r = &mg->runs[mg->nruns - 1];
		r->finished = !l.interrupted && l.scan_complete;
		r->ended = r->started + l.seconds;
	} else if ((!strcmp(l.type, "file") || !strcmp(l.type, "pair")) && l.input) {
		return take_record(mg, &l);
	}
	return 0;
}

static int read_manifest(struct merge *mg, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "imgbatch report: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;
	uint64_t lines = 0, bad_before = mg->bad_lines;
	while (ret == 0 && getline(&line, &cap, f) >= 0 && ++lines)
		ret = take_line(mg, line);
	if (ret < 0)
		fprintf(stderr, "imgbatch report: out of memory reading %s\n", path);
	else if (ferror(f))
		ret = -1, fprintf(stderr, "imgbatch report: cannot read %s: %s\n", path, strerror(errno));
	else if (lines && mg->bad_lines - bad_before == lines)
		ret = -1, fputs("imgbatch report: not a manifest (no line of it is imgbatch's): ",
				stderr), text_put(stderr, path), fputc('\n', stderr);
	free(line);
	fclose(f);
	return ret;
}

/* Shards (of every shard count seen) without a finished run, printed as
 * "K/N" into out (comma-separated, cut at cap); returns how many. */
static unsigned long uncovered_shards(const struct merge *mg, char *out, size_t cap)
{
	unsigned long missing = 0;
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < mg->nruns; i++) {
		uint32_t n = mg->runs[i].shards;
		bool first_of_count = true;
		for (size_t j = 0; j < i; j++)
			first_of_count &= mg->runs[j].shards != n;
		if (!first_of_count)
			continue;
		for (uint32_t k = 0; k < (n ? n : 1); k++) {
			bool done = false;
			for (size_t j = 0; j < mg->nruns && !done; j++)
				done = mg->runs[j].shards == n && mg->runs[j].shard == k &&
				       mg->runs[j].finished;
			if (done)
				continue;
			missing++;
			const char *sep = len ? ", " : "";
			if (len + 24 < cap)
				len += (size_t)(n ? snprintf(out + len, cap - len, "%s%u/%u", sep, k, n)
						  : snprintf(out + len, cap - len, "%sthe unsharded run", sep));
		}
	}
	return missing;
}

static double span_seconds(const struct merge *mg)
{
	double first = 0, last = 0;
	for (size_t i = 0; i < mg->nruns; i++) {
		const struct run *r = &mg->runs[i];
		if (r->started && (!first || r->started < first))
			first = r->started;
		if (r->ended > last)
			last = r->ended;
	}
	return last > first ? last - first : 0;
}

/* A failure line, its name and reason escaped: they come from files. */
static void print_failure(const char *input, const char *reason)
{
	fputs("  failed: ", stdout);
	text_put(stdout, input);
	fputs(": ", stdout);
	text_put(stdout, reason);
	putchar('\n');
}

static uint64_t merged_total(const struct merge *mg)
{
	uint64_t total = 0;
	for (int i = 0; i < ST_COUNT; i++)
		total += mg->counts[i];
	return total;
}

static void print_text(const struct merge *mg, int nmanifests, unsigned long missing,
		       const char *uncovered)
{
	uint64_t total = merged_total(mg);
	double span = span_seconds(mg);
	printf("imgbatch report: %d %s, %zu %s; %llu %s: %llu done, %llu skipped, "
	       "%llu failed, %llu not started; %.2f s from the first start to the last end "
	       "(%.1f files/s)\n",
	       nmanifests, text_plural((uint64_t)nmanifests, "manifest", "manifests"), mg->nruns,
	       text_plural(mg->nruns, "run", "runs"), (unsigned long long)total,
	       text_plural(total, "file", "files"),
	       (unsigned long long)mg->counts[ST_DONE], (unsigned long long)mg->counts[ST_SKIPPED],
	       (unsigned long long)mg->counts[ST_FAILED],
	       (unsigned long long)mg->counts[ST_NOT_STARTED], span,
	       span > 0 ? (double)(total - mg->counts[ST_NOT_STARTED]) / span : 0);
	for (size_t i = 0; i < mg->nfailures; i++)
		if (mg->failures[i].input)
			print_failure(mg->failures[i].input, mg->failures[i].reason);
	if (mg->nruns == 0)
		printf("imgbatch report: no run in these manifests\n");
	else if (missing)
		printf("imgbatch report: %lu %s without a finished run, so not every input is "
		       "covered: %s\n", missing, text_plural(missing, "shard", "shards"), uncovered);
	if (mg->bad_lines)
		printf("imgbatch report: %llu unreadable %s (cut short by a crash?) ignored\n",
		       (unsigned long long)mg->bad_lines,
		       text_plural(mg->bad_lines, "line", "lines"));
}

static void print_json(const struct merge *mg, int nmanifests, unsigned long missing)
{
	uint64_t total = merged_total(mg);
	double span = span_seconds(mg);
	printf("{\"type\":\"report\",\"manifests\":%d,\"runs\":%zu,\"total\":%llu,\"done\":%llu,"
	       "\"skipped\":%llu,\"failed\":%llu,\"not_started\":%llu,\"seconds\":%.3f,"
	       "\"files_per_second\":%.1f,"
	       "\"covered\":%s,\"uncovered_shards\":%lu,\"bad_lines\":%llu,\"failures\":[",
	       nmanifests, mg->nruns, (unsigned long long)total,
	       (unsigned long long)mg->counts[ST_DONE], (unsigned long long)mg->counts[ST_SKIPPED],
	       (unsigned long long)mg->counts[ST_FAILED],
	       (unsigned long long)mg->counts[ST_NOT_STARTED], span,
	       span > 0 ? (double)(total - mg->counts[ST_NOT_STARTED]) / span : 0,
	       mg->nruns && !missing ? "true" : "false", missing, (unsigned long long)mg->bad_lines);
	bool first = true;
	for (size_t i = 0; i < mg->nfailures; i++) {
		if (!mg->failures[i].input)
			continue;
		printf("%s{\"input\":", first ? "" : ",");
		json_put_string(stdout, mg->failures[i].input);
		fputs(",\"reason\":", stdout);
		json_put_string(stdout, mg->failures[i].reason);
		putchar('}');
		first = false;
	}
	puts("]}");
}

static void merge_free(struct merge *mg)
{
	for (size_t i = 0; i < mg->nfailures; i++) {
		free(mg->failures[i].input);
		free(mg->failures[i].reason);
	}
	free(mg->failures);
	free(mg->table);
	free(mg->runs);
}

static const char usage_text[] =
"Usage: imgbatch report [--json] MANIFEST...\n"
"Merge the manifests that runs wrote with --manifest (one per shard, from any\n"
"number of machines; reruns may append to them) into one account: the last\n"
"record of each input counts.  Prints the totals, every failure with its\n"
"reason, the throughput, and the shards that have no finished run.\n"
"\n"
"      --json             one JSON object instead of text\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 every shard covered and nothing failed, 1 a file failed or a\n"
"shard has no finished run, 2 usage error or an unreadable manifest.\n";

int merge_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		if (opt != 'J') {
			fprintf(stderr, "imgbatch report: unknown option %s\nTry 'imgbatch report --help'.\n",
				argv[optind - 1]);
			return 2;
		}
		json = true;
	}
	if (optind == argc) {
		fputs("imgbatch report: name the manifests to merge\nTry 'imgbatch report --help'.\n",
		      stderr);
		return 2;
	}
	struct merge mg = { 0 };
	int code = 0;
	for (int i = optind; i < argc && code == 0; i++)
		if (read_manifest(&mg, argv[i]) < 0)
			code = 2;
	if (code == 0) {
		char uncovered[1024];
		unsigned long missing = uncovered_shards(&mg, uncovered, sizeof uncovered);
		if (json)
			print_json(&mg, argc - optind, missing);
		else
			print_text(&mg, argc - optind, missing, uncovered);
		code = mg.counts[ST_FAILED] || mg.counts[ST_NOT_STARTED] || missing || mg.nruns == 0 ? 1 : 0;
	}
	merge_free(&mg);
	return code;
}

const struct command report_command = {
	.name = "report",
	.invocation = "imgbatch report",
	.summary = "merge the manifests of sharded runs into one account",
	.main = merge_main,
};
