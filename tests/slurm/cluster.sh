#!/bin/sh
# A throwaway single-node Slurm cluster on localhost, for end-to-end tests.
#
#   cluster.sh start STATE_DIR   install Slurm if missing, start a private
#                                munged, slurmctld and slurmd, wait for idle;
#                                exit 77 with a one-line reason if impossible
#   cluster.sh env STATE_DIR     print `export` lines pointing clients here
#   cluster.sh stop STATE_DIR    cancel jobs, stop what start started
#
# Everything (config, munge key and socket, state, spool, logs, pid files)
# lives under STATE_DIR; /etc is not touched and no system munged is used.
# Daemons run as root, without cgroups (proctrack/linuxproc, task/none).
set -eu

CTLD_PORT=${SLURM_TEST_CTLD_PORT:-16817}
SLURMD_PORT=${SLURM_TEST_SLURMD_PORT:-16818}
PKGS="munge slurmctld slurmd slurm-client"

die() { echo "$0: $*" >&2; exit 2; }
skip() { echo "slurm cluster unavailable: $*" >&2; exit 77; }

[ $# -eq 2 ] || die "usage: start|env|stop STATE_DIR"
cmd=$1
[ "$cmd" != start ] || mkdir -p "$2"
S=$(cd "$2" 2>/dev/null && pwd) || S=$2
export SLURM_CONF="$S/slurm.conf"
SOCK=$S/munge/munge.socket.2
# Paths go unquoted into slurm.conf, and sockets (munge's, slurmd's step
# sockets in the spool) are limited to 108 bytes: a caller error, not a skip.
case $S in *[[:space:]]*) die "STATE_DIR must not contain whitespace" ;; esac
[ ${#S} -le 80 ] || die "STATE_DIR longer than 80 bytes (socket paths): $S"

# pidof_ NAME: the live (non-zombie) pid recorded in $S/run/NAME.pid whose
# command is NAME; fails otherwise (stale file, reused pid, zombie).
pidof_() {
	p=$(cat "$S/run/$1.pid" 2>/dev/null) || return 1
	set -- "$1" "$(ps -o stat= -o comm= -p "$p" 2>/dev/null)"
	case $2 in Z*|"") return 1 ;; *" $1"*) echo "$p" ;; *) return 1 ;; esac
}

# stop_all: cancel jobs, TERM each daemon (KILL after 10 s), then any
# slurmstepd that slurmd left behind (they carry our marker in environ).
stop_all() {
	if pidof_ slurmctld >/dev/null; then
		jobs=$(timeout 10 squeue -h -o %i 2>/dev/null) || jobs=
		[ -z "$jobs" ] || timeout 10 scancel $jobs 2>/dev/null || :
		i=0; while [ $i -lt 10 ] && [ -n "$(timeout 5 squeue -h 2>/dev/null)" ]; do
			sleep 1; i=$((i + 1)); done
	fi
	for d in slurmd slurmctld munged; do
		p=$(pidof_ $d) || continue
		kill "$p" 2>/dev/null || :
		i=0; while pidof_ $d >/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
		! pidof_ $d >/dev/null || { kill -9 "$p" 2>/dev/null || :; sleep 1; }
		rm -f "$S/run/$d.pid"
	done
	for e in /proc/[0-9]*/environ; do
		grep -qsxF "IMGBATCH_SLURM_STATE=$S" -z "$e" 2>/dev/null || continue
		p=${e#/proc/}; kill -9 "${p%/environ}" 2>/dev/null || :
	done
}

# fail_start WHAT: stop what is half-started; skip, quoting the logs' last
# fatal line, else last error (pmix and fresh-state-file errors are noise).
fail_start() {
	why=$(cat "$S"/log/*.log 2>/dev/null | grep -i fatal | tail -n 1) || why=
	[ -n "$why" ] || why=$(cat "$S"/log/*.log 2>/dev/null | grep -i error |
		grep -vE 'pmix|MPI:|state file|NOTE:' | tail -n 1) || why=
	stop_all
	skip "$1${why:+: $why}"
}

case $cmd in
env)
	echo "export SLURM_CONF='$SLURM_CONF'" ;;
stop)
	stop_all ;;
start)
	stop_all  # a leftover cluster in the same STATE_DIR is restarted clean
	# Install the Debian packages if a command is missing (retry after an
	# apt-get update, for a fresh machine's stale or empty package lists).
	missing=
	for b in munged munge unmunge slurmctld slurmd sbatch sinfo squeue; do
		command -v $b >/dev/null 2>&1 || missing=$b
	done
	if [ -n "$missing" ]; then
		[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 ||
			skip "$missing not installed, and no apt-get as root to install it"
		echo "installing $PKGS" >&2
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get install -y --no-install-recommends $PKGS ||
			{ apt-get update && apt-get install -y --no-install-recommends $PKGS; }
		} >"$S/apt.log" 2>&1 || skip "apt-get install failed, see $S/apt.log"
	fi
	rm -rf "$S/state" "$S/spool" "$S/log" "$S/run" "$S/munge"
	mkdir -p "$S/state" "$S/spool" "$S/log" "$S/run" "$S/munge"

	# munge: private key, socket, seed and log, so no system munged is needed.
	dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 2>/dev/null
	chmod 400 "$S/munge/munge.key"
	munged --force --socket="$SOCK" --key-file="$S/munge/munge.key" \
		--pid-file="$S/run/munged.pid" --seed-file="$S/munge/munged.seed" \
		--log-file="$S/log/munged.log" 2>>"$S/log/munged.log" ||
		fail_start "munged did not start"
	munge -n -S "$SOCK" | unmunge -S "$SOCK" >/dev/null 2>&1 ||
		fail_start "munge credential check failed"

	# slurm.conf: the node line is slurmd -C's, less RealMemory (a later
	# smaller reading would drain the node).
	node=$(slurmd -C | sed -n '1s/ RealMemory=[0-9]*//p')
	name=$(echo "$node" | sed 's/^NodeName=\([^ ]*\).*/\1/')
	[ -n "$name" ] || fail_start "slurmd -C printed no node line"
	cat >"$SLURM_CONF" <<EOF
ClusterName=imgbatch-test
SlurmctldHost=$name(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# No accounting, so no sacct; finished jobs stay in "squeue -t all" and
# "scontrol show job" for MinJobAge (300 s), and get a line in jobcomp.txt.
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.txt
MailProg=/bin/true
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

	# Both daemonize (setsid, stdio closed) and write their own pid files;
	# the marker in slurmd's environment is inherited by its slurmstepds.
	slurmctld -f "$SLURM_CONF" >>"$S/log/slurmctld.log" 2>&1 ||
		fail_start "slurmctld did not start"
	IMGBATCH_SLURM_STATE=$S slurmd -f "$SLURM_CONF" -N "$name" \
		>>"$S/log/slurmd.log" 2>&1 || fail_start "slurmd did not start"

	# Wait (30 s at most) for the node to be idle; give up at once if a
	# daemon that has written its pid file is gone (e.g. port in use).
	end=$(($(date +%s) + 30))
	until [ "$(timeout 5 sinfo -h -o %t 2>/dev/null)" = idle ]; do
		for d in slurmctld slurmd; do
			[ ! -e "$S/run/$d.pid" ] || pidof_ $d >/dev/null || fail_start "$d exited"
		done
		[ "$(date +%s)" -lt $end ] || fail_start "node not idle after 30 s"
		sleep 1
	done ;;
*)
	die "usage: start|env|stop STATE_DIR" ;;
esac
