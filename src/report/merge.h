/*
 * imgbatch report MANIFEST...: merges the manifests that runs wrote with
 * --manifest (one per shard, perhaps on many machines, perhaps with reruns
 * appended) into one account: the last record of each input wins, totals,
 * failures with reasons, throughput, and whether every shard has a run that
 * finished.  Returns the exit code: 0 all covered and nothing failed, 1 a
 * failure or a shard not covered, 2 a usage error or unreadable manifest.
 */
#ifndef IMGBATCH_REPORT_MERGE_H
#define IMGBATCH_REPORT_MERGE_H

#include "command.h"

/* argv[0] is "report"; returns the exit status. */
int merge_main(int argc, char **argv);

extern const struct command report_command;

#endif
