#include "config.h"
#include "engine/account.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "codec/codec.h"
#include "compare/html.h"
#include "util/json.h"
#include "compare/junit.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void report_init(struct report *rep, const struct job *job, FILE *out, FILE *err)
{
	memset(rep, 0, sizeof *rep);
	rep->job = job;
	rep->out = out;
	rep->err = err;
	rep->tty = isatty(fileno(err)) && job->progress != PROGRESS_QUIET;
	rep->start = now_seconds();
	rep->last_progress = rep->start;
}

/* The wall clock, for manifests that several machines write. */
static double epoch_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *command_name(const struct job *job)
{
	return job->thumbnail ? "thumbnail" : job->compare ? "compare" : "convert";
}

int report_open_manifest(struct report *rep, const char *path, struct ib_error *err)
{
	FILE *f = fopen(path, "ae");
	if (!f)
		return ib_fail_errno(err, errno, "cannot open the manifest %s", path);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	fputs("{\"type\":\"run\",\"version\":\"" PACKAGE_VERSION "\",\"host\":", f);
	json_put_string(f, host);
	fprintf(f, ",\"pid\":%ld,\"command\":\"%s\"", (long)getpid(), command_name(rep->job));
	if (rep->job->shard.count)
		fprintf(f, ",\"shard\":%u,\"shards\":%u", rep->job->shard.index,
			rep->job->shard.count);
	fprintf(f, ",\"started\":%.3f}\n", epoch_seconds());
	if (fflush(f) != 0) {
		ib_fail_errno(err, errno, "cannot write the manifest %s", path);
		fclose(f);
		return -1;
	}
	rep->manifest = f;
	return 0;
}

void report_release(struct report *rep)
{
	if (rep->manifest && fclose(rep->manifest) != 0)
		fprintf(rep->err, "imgbatch: writing the manifest: %s\n", strerror(errno));
	rep->manifest = NULL;
	for (size_t i = 0; i < rep->nfailures; i++)
		free(rep->failures[i]);
	free(rep->failures);
	rep->failures = NULL;
	rep->nfailures = 0;
	pair_log_free(&rep->pairs);
}

void report_seen(struct report *rep)
{
	rep->seen++;
}

static const char *status_name(enum result_status status)
{
	switch (status) {
	case RESULT_DONE: return "done";
	case RESULT_SKIPPED: return "skipped";
	default: return "failed";
	}
}

static const char *format_name(uint8_t format)
{
	const struct codec *c = codec_for_format((enum image_format)format);
	return c ? c->name : NULL;
}

static void put_path_field(FILE *out, const char *key, const char *path)
{
	fprintf(out, ",\"%s\":", key);
	json_put_string(out, path);
	if (!json_is_utf8(path)) {
		fprintf(out, ",\"%s_hex\":", key);
		json_put_hex(out, path);
	}
}

/* size_list: the job makes several outputs per input (-r A,B,...) */
static void write_json_line(FILE *out, const struct outcome *oc, bool size_list)
{
	fprintf(out, "{\"type\":\"file\",\"status\":\"%s\"", status_name(oc->status));
	put_path_field(out, "input", oc->input);
	if (oc->output)
		put_path_field(out, "output", oc->output);
	if (oc->reason && oc->reason[0]) {
		fputs(",\"reason\":", out);
		json_put_string(out, oc->reason);
	}
	const struct wire_result *r = oc->res;
	if (r) {
		const char *in_fmt = format_name(r->in_format), *out_fmt = format_name(r->out_format);
		if (in_fmt)
			fprintf(out, ",\"format\":\"%s\"", in_fmt);
		if (r->in_width)
			fprintf(out, ",\"width\":%u,\"height\":%u", r->in_width, r->in_height);
		fprintf(out, ",\"bytes\":%llu", (unsigned long long)r->in_bytes);
		if (oc->status == RESULT_DONE && out_fmt)
			fprintf(out, ",\"output_format\":\"%s\",\"output_width\":%u,"
				"\"output_height\":%u,\"output_bytes\":%llu",
				out_fmt, r->out_width, r->out_height,
				(unsigned long long)r->out_bytes);
		if (oc->status == RESULT_DONE && size_list)
			fprintf(out, ",\"outputs\":%u", r->outputs);
		if (oc->status == RESULT_DONE && r->embedded)
			fputs(",\"embedded\":true", out);
		fprintf(out, ",\"ms\":%.3f,\"worker\":%d", (double)r->usec / 1000.0, r->worker_pid);
	}
	fputs("}\n", out);
	fflush(out);
}

static const char *pair_status_name(const struct pair_outcome *p)
{
	switch (p->status) {
	case PAIR_PASS: return "pass";
	case PAIR_FAIL: return p->allowed ? "updated" : "fail";
	case PAIR_MISSING: return "missing";
	case PAIR_NEW: return "new";
	default: return p->allowed ? "skipped" : "error";
	}
}

/* PSNR is infinite for identical images; JSON has no infinity. */
static void put_psnr(FILE *out, double psnr)
{
	if (isinf(psnr))
		fputs(",\"psnr\":null", out);
	else
		fprintf(out, ",\"psnr\":%.2f", psnr);
}

static void write_pair_json_line(FILE *out, const struct pair_outcome *p, bool window)
{
	fprintf(out, "{\"type\":\"pair\",\"status\":\"%s\",\"allowed\":%s",
		pair_status_name(p), p->allowed ? "true" : "false");
	put_path_field(out, "name", p->name);
	if (p->expected)
		put_path_field(out, "expected", p->expected);
	if (p->actual)
		put_path_field(out, "actual", p->actual);
	if (p->diff)
		put_path_field(out, "diff", p->diff);
	if (p->reason[0]) {
		fputs(",\"reason\":", out);
		json_put_string(out, p->reason);
	}
	if (p->width) {
		uint64_t pixels = (uint64_t)p->width * p->height;
		fprintf(out, ",\"width\":%u,\"height\":%u,\"diff_pixels\":%llu,"
			"\"diff_ratio\":%.6g,\"aa_pixels\":%llu,\"max_channel_diff\":%u",
			p->width, p->height, (unsigned long long)p->diff_pixels,
			(double)p->diff_pixels / (double)pixels, (unsigned long long)p->aa_pixels,
			p->max_channel_diff);
		put_psnr(out, p->psnr);
		if (window)
			fprintf(out, ",\"window_diff_pixels\":%llu",
				(unsigned long long)p->window_diff_pixels);
	}
	fprintf(out, ",\"ms\":%.3f}\n", p->ms);
	fflush(out);
}

static void clear_bar(struct report *rep)
{
	if (rep->bar_shown) {
		fputs("\r\033[K", rep->err);
		rep->bar_shown = false;
	}
}

static void remember_failure(struct report *rep, const struct outcome *oc)
{
	if (rep->nfailures >= REPORT_MAX_LISTED)
		return;
	if (rep->nfailures % 64 == 0) {
		char **f = realloc(rep->failures, (rep->nfailures + 64) * sizeof *f);
		if (!f)
			return;
		rep->failures = f;
	}
	size_t len = strlen(oc->input) + strlen(oc->reason) + 3;
	char *line = malloc(len);
	if (!line)
		return;
	snprintf(line, len, "%s: %s", oc->input, oc->reason);
	rep->failures[rep->nfailures++] = line;
}

void report_outcome(struct report *rep, const struct outcome *oc)
{
	switch (oc->status) {
	case RESULT_DONE: rep->done++; break;
	case RESULT_SKIPPED: rep->skipped++; break;
	default: rep->failed++; break;
	}
	if (oc->res) {
		rep->in_bytes += oc->res->in_bytes;
		rep->out_bytes += oc->res->out_bytes;
	}
	if (oc->pair && oc->pair->status == PAIR_ERROR && !oc->pair->allowed)
		rep->pair_errors++;
	if (oc->pair && (rep->job->cmp.junit || rep->job->cmp.html) &&
	    pair_log_add(&rep->pairs, oc->pair) < 0)
		fputs("imgbatch: out of memory: a pair is missing from the reports\n", rep->err);
	FILE *lines[2] = { rep->job->json ? rep->out : NULL, rep->manifest };
	for (int i = 0; i < 2; i++) {
		if (lines[i] && oc->pair)
			write_pair_json_line(lines[i], oc->pair, rep->job->cmp.opts.window > 0);
		else if (lines[i])
			write_json_line(lines[i], oc, rep->job->nsizes > 0);
	}
	if (oc->status == RESULT_FAILED) {
		remember_failure(rep, oc);
		if (!rep->job->json) {
			clear_bar(rep);
			fprintf(rep->err, "imgbatch: %s: %s\n", oc->input, oc->reason);
		}
	}
}

static void format_duration(char *buf, size_t cap, double seconds)
{
	long s = (long)(seconds + 0.5);
	if (s >= 3600)
		snprintf(buf, cap, "%ldh%02ldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, cap, "%ldm%02lds", s / 60, s % 60);
}

void report_progress(struct report *rep, bool scan_done, bool force)
{
	if (rep->job->progress == PROGRESS_QUIET)
		return;
	double now = now_seconds();
	double interval = rep->tty ? 0.2 : 5.0;
	if (!force && now - rep->last_progress < interval)
		return;
	rep->last_progress = now;
	uint64_t finished = rep->done + rep->skipped + rep->failed;
	double elapsed = now - rep->start;
	double rate = elapsed > 0 ? (double)finished / elapsed : 0;
	char eta[32] = "?";
	if (scan_done && rate > 0)
		format_duration(eta, sizeof eta, (double)(rep->seen - finished) / rate);
	const char *plus = scan_done ? "" : "+";
	if (rep->tty) {
		int width = 30;
		int filled = rep->seen ? (int)((double)finished / (double)rep->seen * width) : 0;
		fprintf(rep->err, "\r\033[K[%.*s%*s] %llu/%llu%s  %.1f files/s  ETA %s  failed %llu",
			filled, "##############################", width - filled, "",
			(unsigned long long)finished, (unsigned long long)rep->seen, plus, rate, eta,
			(unsigned long long)rep->failed);
		rep->bar_shown = true;
	} else {
		fprintf(rep->err, "imgbatch: %llu/%llu%s files, %.1f files/s, ETA %s, %llu failed\n",
			(unsigned long long)finished, (unsigned long long)rep->seen, plus, rate, eta,
			(unsigned long long)rep->failed);
	}
	fflush(rep->err);
}

/* User plus system CPU time of RUSAGE_SELF or of the reaped children. */
static double cpu_seconds(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * extra: more members for the manifest ("" or ",\"key\":value...").  The
 * workers have all been reaped by now, so RUSAGE_CHILDREN holds their CPU.
 */
static void write_json_summary(FILE *out, struct report *rep, double elapsed, bool interrupted,
			       const char *extra)
{
	fprintf(out, "{\"type\":\"summary\",\"total\":%llu,\"done\":%llu,\"skipped\":%llu,"
		"\"failed\":%llu,\"interrupted\":%s,\"seconds\":%.3f,\"input_bytes\":%llu,"
		"\"output_bytes\":%llu,\"master_cpu_seconds\":%.3f,\"worker_cpu_seconds\":%.3f%s}\n",
		(unsigned long long)(rep->done + rep->skipped + rep->failed),
		(unsigned long long)rep->done, (unsigned long long)rep->skipped,
		(unsigned long long)rep->failed, interrupted ? "true" : "false", elapsed,
		(unsigned long long)rep->in_bytes, (unsigned long long)rep->out_bytes,
		cpu_seconds(RUSAGE_SELF), cpu_seconds(RUSAGE_CHILDREN), extra);
	fflush(out);
}

/* The manifest's last line says whether the run saw all its inputs; the
 * file is synced, since other machines will read it. */
static void finish_manifest(struct report *rep, double elapsed, bool interrupted, bool scan_done)
{
	write_json_summary(rep->manifest, rep, elapsed, interrupted,
			   scan_done ? ",\"scan_complete\":true" : ",\"scan_complete\":false");
	if (ferror(rep->manifest) || fsync(fileno(rep->manifest)) != 0)
		fprintf(rep->err, "imgbatch: writing the manifest: %s\n", strerror(errno));
}

static int by_pair_name(const void *a, const void *b)
{
	return strcmp(((const struct pair_outcome *)a)->name,
		      ((const struct pair_outcome *)b)->name);
}

/* imgbatch compare --junit/--html, pairs by name whatever order workers
 * finished them in; -1 when one could not be written. */
static int write_compare_reports(struct report *rep, double elapsed)
{
	const struct compare_job *c = &rep->job->cmp;
	struct ib_error err;
	int ret = 0;
	if (rep->pairs.n)
		qsort(rep->pairs.items, rep->pairs.n, sizeof rep->pairs.items[0], by_pair_name);
	if (c->junit && junit_write(c->junit, rep->pairs.items, rep->pairs.n, elapsed, &err) < 0) {
		fprintf(rep->err, "imgbatch: cannot write the JUnit report: %s\n", err.msg);
		ret = -1;
	}
	if (c->html && html_report_write(c->html, rep->pairs.items, rep->pairs.n, &err) < 0) {
		fprintf(rep->err, "imgbatch: cannot write the HTML report: %s\n", err.msg);
		ret = -1;
	}
	return ret;
}

int report_finish(struct report *rep, bool interrupted, bool scan_done)
{
	double elapsed = now_seconds() - rep->start;
	clear_bar(rep);
	uint64_t total = rep->done + rep->skipped + rep->failed;
	bool compare = rep->job->compare;
	int reports = compare ? write_compare_reports(rep, elapsed) : 0;
	if (rep->job->json)
		write_json_summary(rep->out, rep, elapsed, interrupted, "");
	if (rep->manifest)
		finish_manifest(rep, elapsed, interrupted, scan_done);
	if (rep->job->progress != PROGRESS_QUIET || rep->failed) {
		fprintf(rep->err, "imgbatch: %llu %s: %llu %s, %llu skipped, %llu failed "
			"in %.2f s (%.1f %s/s)%s\n",
			(unsigned long long)total, compare ? "pairs" : "files",
			(unsigned long long)rep->done, compare ? "passed" : "done",
			(unsigned long long)rep->skipped, (unsigned long long)rep->failed, elapsed,
			elapsed > 0 ? (double)total / elapsed : 0.0, compare ? "pairs" : "files",
			interrupted ? "; interrupted" : "");
		if (interrupted && !scan_done)
			fputs("imgbatch: the scan was interrupted: inputs not yet found are not "
			      "in this account\n", rep->err);
		for (size_t i = 0; i < rep->nfailures; i++)
			fprintf(rep->err, "  failed: %s\n", rep->failures[i]);
		if (rep->failed > rep->nfailures)
			fprintf(rep->err, "  ... and %llu more failures (use --json for all)\n",
				(unsigned long long)(rep->failed - rep->nfailures));
	}
	fflush(rep->err);
	if (interrupted)
		return 130;
	if (rep->pair_errors || reports < 0)
		return 2;
	return rep->failed ? 1 : 0;
}
