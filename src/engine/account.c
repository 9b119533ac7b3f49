#include "config.h"
#include "engine/account.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/text.h"

void account_init(struct account *acc, const struct job *job, FILE *out, FILE *err)
{
	memset(acc, 0, sizeof *acc);
	acc->job = job;
	acc->out = out;
	acc->err = err;
	acc->tty = isatty(fileno(err)) && job->progress != PROGRESS_QUIET;
	acc->start = clock_monotonic_seconds();
	acc->last_progress = acc->start;
	acc->last_flush = acc->start;
}

/* Whether f (open for appending and reading) is empty or holds JSON lines:
 * anything else (an input image named by mistake) is never appended to. */
static bool holds_json_lines(FILE *f)
{
	int first = fgetc(f);
	return first == EOF || first == '{';
}

int account_open_manifest(struct account *acc, const char *path, struct ib_error *err)
{
	FILE *f = fopen(path, "a+e");
	if (!f)
		return ib_fail_errno(err, errno, "cannot open the manifest %s", path);
	if (!holds_json_lines(f)) {
		fclose(f);
		return ib_fail(err, "--manifest %s is not a manifest (it does not start with "
			       "a JSON line): refusing to append to it", path);
	}
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	fputs("{\"type\":\"run\",\"version\":\"" PACKAGE_VERSION "\",\"host\":", f);
	json_put_string(f, host);
	fprintf(f, ",\"pid\":%ld,\"command\":\"%s\"", (long)getpid(), acc->job->command->name);
	if (acc->job->shard.count)
		fprintf(f, ",\"shard\":%u,\"shards\":%u", acc->job->shard.index,
			acc->job->shard.count);
	fprintf(f, ",\"started\":%.3f}\n", clock_wall_seconds());
	if (fflush(f) != 0) {
		ib_fail_errno(err, errno, "cannot write the manifest %s", path);
		fclose(f);
		return -1;
	}
	acc->manifest = f;
	return 0;
}

void account_release(struct account *acc)
{
	if (acc->manifest && fclose(acc->manifest) != 0)
		fprintf(acc->err, "imgbatch: writing the manifest: %s\n", strerror(errno));
	acc->manifest = NULL;
	for (size_t i = 0; i < acc->nfailures; i++)
		free(acc->failures[i]);
	free(acc->failures);
	acc->failures = NULL;
	acc->nfailures = 0;
}

void account_seen(struct account *acc)
{
	acc->seen++;
}

const char *account_status_name(enum result_status status)
{
	switch (status) {
	case RESULT_DONE: return "done";
	case RESULT_SKIPPED: return "skipped";
	case RESULT_NOT_STARTED: return "not_started";
	default: return "failed";
	}
}

void account_put_path(FILE *out, const char *key, const char *path)
{
	fprintf(out, ",\"%s\":", key);
	json_put_string(out, path);
	if (!json_is_utf8(path)) {
		fprintf(out, ",\"%s_hex\":", key);
		json_put_hex(out, path);
	}
}

/* Notes the first error of a stream of JSON lines (and clears it, so the
 * next line is tried again). */
static void note_write_error(FILE *f, int *first_errno)
{
	if (!ferror(f))
		return;
	if (!*first_errno)
		*first_errno = errno ? errno : EIO;
	clearerr(f);
}

/* Calls write(out, ctx) on each stream of JSON lines (stdout with --json,
 * the manifest), noting its first error. */
static void each_line_stream(struct account *acc, void (*write)(FILE *out, const void *ctx),
			     const void *ctx)
{
	FILE *lines[2] = { acc->job->json ? acc->out : NULL, acc->manifest };
	int *errnos[2] = { &acc->out_errno, &acc->manifest_errno };
	for (int i = 0; i < 2; i++) {
		if (lines[i]) {
			errno = 0;
			write(lines[i], ctx);
			note_write_error(lines[i], errnos[i]);
		}
	}
}

void account_emit(struct account *acc, void (*write)(FILE *out, const void *ctx),
		  const void *ctx)
{
	each_line_stream(acc, write, ctx);
}

static void flush_stream(FILE *out, const void *ctx)
{
	(void)ctx;
	fflush(out);
}

#define FLUSH_INTERVAL_S 0.1

void account_flush_lines(struct account *acc, bool due)
{
	double now = clock_monotonic_seconds();

	if (due && now - acc->last_flush < FLUSH_INTERVAL_S)
		return;
	acc->last_flush = now;
	each_line_stream(acc, flush_stream, NULL);
}

static void clear_bar(struct account *acc)
{
	if (acc->bar_shown) {
		fputs("\r\033[K", acc->err);
		acc->bar_shown = false;
	}
}

static void remember_failure(struct account *acc, const struct outcome *oc)
{
	if (acc->nfailures >= ACCOUNT_MAX_LISTED)
		return;
	if (acc->nfailures % 64 == 0) {
		char **f = realloc(acc->failures, (acc->nfailures + 64) * sizeof *f);
		if (!f)
			return;
		acc->failures = f;
	}
	size_t len = strlen(oc->input) + strlen(oc->reason) + 3;
	char *line = malloc(len);
	if (!line)
		return;
	snprintf(line, len, "%s: %s", oc->input, oc->reason);
	acc->failures[acc->nfailures++] = line;
}

/* "PREFIX NAME: REASON" with the name and reason escaped (text_put). */
static void print_failure(FILE *out, const char *prefix, const char *name, const char *reason)
{
	fputs(prefix, out);
	text_put(out, name);
	if (reason) {
		fputs(": ", out);
		text_put(out, reason);
	}
	putc('\n', out);
}

/* Counts a skip under its reason; past ACCOUNT_SKIP_REASONS - 1 distinct
 * reasons, the last entry counts the rest. */
static void count_skip_reason(struct account *acc, const char *reason)
{
	size_t cap = sizeof acc->skip_reasons[0].text;
	size_t n = acc->nskip_reasons;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(acc->skip_reasons[i].text, reason, cap - 1) == 0) {
			acc->skip_reasons[i].count++;
			return;
		}
	}
	struct skip_reason *last = &acc->skip_reasons[ACCOUNT_SKIP_REASONS - 1];
	if (n == ACCOUNT_SKIP_REASONS) {
		last->count++;
		return;
	}
	struct skip_reason *r = &acc->skip_reasons[acc->nskip_reasons++];
	snprintf(r->text, cap, "%s", n == ACCOUNT_SKIP_REASONS - 1 ? "other reasons" : reason);
	r->count = 1;
}

void account_count(struct account *acc, const struct outcome *oc)
{
	switch (oc->status) {
	case RESULT_DONE: acc->done++; break;
	case RESULT_SKIPPED: acc->skipped++; count_skip_reason(acc, oc->reason); break;
	case RESULT_NOT_STARTED: acc->not_started++; break;
	default: acc->failed++; break;
	}
	if (oc->res) {
		acc->in_bytes += oc->res->in_bytes;
		acc->out_bytes += oc->res->out_bytes;
	}
	/* A done input's reason is a warning about damage it was made past. */
	if (oc->status == RESULT_DONE && oc->reason[0]) {
		acc->warned++;
		if (!acc->job->json) {
			clear_bar(acc);
			print_failure(acc->err, "imgbatch: warning: ", oc->input, oc->reason);
		}
	}
	if (oc->status == RESULT_FAILED) {
		remember_failure(acc, oc);
		if (!acc->job->json) {
			clear_bar(acc);
			print_failure(acc->err, "imgbatch: ", oc->input, oc->reason);
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

void account_progress(struct account *acc, bool scan_done, bool force)
{
	if (acc->job->progress == PROGRESS_QUIET)
		return;
	double now = clock_monotonic_seconds();
	double interval = acc->tty ? 0.2 : 5.0;
	if (!force && now - acc->last_progress < interval)
		return;
	acc->last_progress = now;
	uint64_t finished = acc->done + acc->skipped + acc->failed + acc->not_started;
	double elapsed = now - acc->start;
	double rate = elapsed > 0 ? (double)finished / elapsed : 0;
	char eta[32] = "?";
	if (scan_done && rate > 0)
		format_duration(eta, sizeof eta, (double)(acc->seen - finished) / rate);
	const char *plus = scan_done ? "" : "+";
	if (acc->tty) {
		int width = 30;
		int filled = acc->seen ? (int)((double)finished / (double)acc->seen * width) : 0;
		fprintf(acc->err, "\r\033[K[%.*s%*s] %llu/%llu%s  %.1f files/s  ETA %s  failed %llu",
			filled, "##############################", width - filled, "",
			(unsigned long long)finished, (unsigned long long)acc->seen, plus, rate, eta,
			(unsigned long long)acc->failed);
		acc->bar_shown = true;
	} else {
		fprintf(acc->err, "imgbatch: %llu/%llu%s files, %.1f files/s, ETA %s, %llu failed\n",
			(unsigned long long)finished, (unsigned long long)acc->seen, plus, rate, eta,
			(unsigned long long)acc->failed);
	}
	fflush(acc->err);
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
 * The skip reasons' lines, then the summary line.
 * extra: more members for the manifest ("" or ",\"key\":value...").  The
 * workers have all been reaped by now, so RUSAGE_CHILDREN holds their CPU.
 */
/* One line per skip reason, {"type":"skips","reason":...,"count":N}: the
 * lines stay flat objects, as imgbatch report reads them. */
static void put_skip_reasons(FILE *out, const struct account *acc)
{
	for (size_t i = 0; i < acc->nskip_reasons; i++) {
		fputs("{\"type\":\"skips\",\"reason\":", out);
		json_put_string(out, acc->skip_reasons[i].text);
		fprintf(out, ",\"count\":%llu}\n", (unsigned long long)acc->skip_reasons[i].count);
	}
}

/* Inputs a worker looked at (or the scan refused): all but those not started. */
static uint64_t processed(const struct account *acc)
{
	return acc->done + acc->skipped + acc->failed;
}

static double per_second(uint64_t n, double elapsed)
{
	return elapsed > 0 ? (double)n / elapsed : 0.0;
}

/*
 * The skip reasons' lines, then the summary line.
 * extra: more members for the manifest ("" or ",\"key\":value...").  The
 * workers have all been reaped by now, so RUSAGE_CHILDREN holds their CPU.
 */
static void write_json_summary(FILE *out, struct account *acc, double elapsed, bool interrupted,
			       const char *extra)
{
	put_skip_reasons(out, acc);
	fprintf(out, "{\"type\":\"summary\",\"total\":%llu,\"done\":%llu,\"skipped\":%llu,"
		"\"failed\":%llu,\"not_started\":%llu,\"warnings\":%llu,\"interrupted\":%s,\"seconds\":%.3f,"
		"\"files_per_second\":%.1f,\"input_bytes\":%llu,\"output_bytes\":%llu,"
		"\"master_cpu_seconds\":%.3f,\"worker_cpu_seconds\":%.3f",
		(unsigned long long)(processed(acc) + acc->not_started),
		(unsigned long long)acc->done, (unsigned long long)acc->skipped,
		(unsigned long long)acc->failed, (unsigned long long)acc->not_started,
		(unsigned long long)acc->warned, interrupted ? "true" : "false", elapsed, per_second(processed(acc), elapsed),
		(unsigned long long)acc->in_bytes, (unsigned long long)acc->out_bytes,
		cpu_seconds(RUSAGE_SELF), cpu_seconds(RUSAGE_CHILDREN));
	fprintf(out, "%s%s}\n", acc->job->dry_run ? ",\"dry_run\":true" : "", extra);
	fflush(out);
}

/* The manifest's last line says whether the run saw all its inputs; the
 * file is synced, since other machines will read it. */
static void finish_manifest(struct account *acc, double elapsed, bool interrupted, bool scan_done)
{
	errno = 0;
	write_json_summary(acc->manifest, acc, elapsed, interrupted,
			   scan_done ? ",\"scan_complete\":true" : ",\"scan_complete\":false");
	note_write_error(acc->manifest, &acc->manifest_errno);
	if (fsync(fileno(acc->manifest)) != 0 && !acc->manifest_errno)
		acc->manifest_errno = errno;
}

/* Lines that could not be written make the run fail: a CI system that
 * reads them must not take a cut manifest or lost JSON for success. */
static int report_write_errors(struct account *acc)
{
	if (acc->manifest_errno)
		fprintf(acc->err, "imgbatch: writing the manifest %s: %s\n", acc->job->manifest,
			strerror(acc->manifest_errno));
	if (acc->out_errno && !account_reader_gone(acc))
		fprintf(acc->err, "imgbatch: writing JSON lines to stdout: %s\n",
			strerror(acc->out_errno));
	return acc->manifest_errno || acc->out_errno;
}

void account_format_bytes(char *buf, size_t cap, uint64_t bytes)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB" };
	if (bytes < 1000) {
		snprintf(buf, cap, "%llu %s", (unsigned long long)bytes,
			 text_plural(bytes, "byte", "bytes"));
		return;
	}
	double v = (double)bytes / 1000;
	size_t u = 0;
	while (v >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		u++;
	}
	snprintf(buf, cap, "%.1f %s", v, units[u]);
}

/* "imgbatch: 12 files: 10 converted, 1 skipped, 1 failed in 1.20 s (10.0
 * files/s); read 4.1 MB, wrote 310.2 kB", then the skips by reason. */
static void print_summary(struct account *acc, double elapsed, bool interrupted)
{
	const struct command *cmd = acc->job->command;
	uint64_t total = processed(acc) + acc->not_started;
	char not_started[48] = "", warned[48] = "", read[32], wrote[32];
	if (acc->warned)
		snprintf(warned, sizeof warned, " (%llu with %s)", (unsigned long long)acc->warned,
			 text_plural(acc->warned, "a warning", "warnings"));
	if (acc->not_started)
		snprintf(not_started, sizeof not_started, ", %llu not started",
			 (unsigned long long)acc->not_started);
	account_format_bytes(read, sizeof read, acc->in_bytes);
	account_format_bytes(wrote, sizeof wrote, acc->out_bytes);
	fprintf(acc->err, "imgbatch: %llu %s: %llu %s%s, %llu skipped, %llu failed%s "
		"in %.2f s (%.1f %s/s); read %s, wrote %s%s\n",
		(unsigned long long)total, text_plural(total, cmd->item_one, cmd->item_noun),
		(unsigned long long)acc->done, cmd->done_word, warned,
		(unsigned long long)acc->skipped, (unsigned long long)acc->failed, not_started,
		elapsed, per_second(processed(acc), elapsed), cmd->item_noun, read, wrote,
		interrupted ? "; interrupted" : "");
	if (acc->nskip_reasons) {
		fputs("  skipped:", acc->err);
		for (size_t i = 0; i < acc->nskip_reasons; i++) {
			fprintf(acc->err, "%s %llu ", i ? "," : "",
				(unsigned long long)acc->skip_reasons[i].count);
			text_put(acc->err, acc->skip_reasons[i].text);
		}
		fputs(acc->job->json ? "\n" : " (--json lists each)\n", acc->err);
	}
}

static void print_failure_list(struct account *acc)
{
	for (size_t i = 0; i < acc->nfailures; i++)
		print_failure(acc->err, "  failed: ", acc->failures[i], NULL);
	if (acc->failed > acc->nfailures)
		fprintf(acc->err, "  ... and %llu more failures (use --json for all)\n",
			(unsigned long long)(acc->failed - acc->nfailures));
}

/* --quiet prints nothing here: its failures were printed as they came. */
int account_finish(struct account *acc, bool interrupted, bool scan_done)
{
	double elapsed = clock_monotonic_seconds() - acc->start;
	clear_bar(acc);
	if (acc->job->json) {
		errno = 0;
		write_json_summary(acc->out, acc, elapsed, interrupted, "");
		note_write_error(acc->out, &acc->out_errno);
	}
	if (acc->manifest)
		finish_manifest(acc, elapsed, interrupted, scan_done);
	if (acc->job->progress != PROGRESS_QUIET) {
		print_summary(acc, elapsed, interrupted);
		if (interrupted && !scan_done)
			fputs("imgbatch: the scan was interrupted: inputs not yet found are not "
			      "in this account\n", acc->err);
		print_failure_list(acc);
	}
	bool lost_lines = report_write_errors(acc);
	fflush(acc->err);
	if (account_reader_gone(acc))
		return ACCOUNT_EXIT_READER_GONE;
	if (interrupted)
		return 130;
	return acc->failed || lost_lines ? 1 : 0;
}
