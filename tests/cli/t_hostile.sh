#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_hostile.sh — what a root process must not be tricked into, and a full
# disk: symlinks planted at the config or its lock, unsafe folders, ENOSPC
# on a real (size-limited tmpfs) file system. The old config always stays.
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
printf '{"clusters": [{"type": "hsm1", "cluster": {"servers": []}}]}\n' > "$CFG"
cp "$CFG" "$T/before"
printf 'precious\n' > "$T/victim"

# a symlink planted where the lock goes: refused, the target untouched
ln -s "$T/victim" "$CFG.lock"
expect_code 253 --log-level info
expect_stderr "cannot create lock file ($CFG.lock)"
[ "$(cat "$T/victim")" = precious ] && ok || bad "the lock symlink's target was written"
expect_file_same "$CFG" "$T/before"
rm "$CFG.lock"

# the config itself a link to a file that is not a config: its target is
# read as the config (the way is safe), refused as not JSON, never written
mv "$CFG" "$T/real.cfg"; ln -s "$T/victim" "$CFG"
expect_code 253 --log-level info
expect_stderr "config file is not valid JSON ($CFG)"
[ "$(cat "$T/victim")" = precious ] && ok || bad "the config symlink's target was written"
[ -L "$CFG" ] && ok || bad "the symlink was replaced"
rm "$CFG"; mv "$T/real.cfg" "$CFG"

# a link into a folder anyone can write into (sticky, as /tmp): refused,
# naming the folder; the file there is never written
mkdir "$T/pub"; cp "$CFG" "$T/pub/p.cfg"; chmod 1777 "$T/pub"
ln -s "$T/pub/p.cfg" "$T/linked.cfg"
expect_code 253 --config "$T/linked.cfg" --log-level info
expect_stderr "unsafe path behind a link ($T/pub): group or others may write it"
expect_file_same "$T/pub/p.cfg" "$CFG"
[ "$(ls -A "$T/pub")" = p.cfg ] && ok || bad "something was written beside the link target: $(ls -A "$T/pub")"
# a link kept in a folder others may write into could be re-pointed: refused
mkdir "$T/pub2"; chmod 1777 "$T/pub2"; ln -s "$CFG" "$T/pub2/p.cfg"
expect_code 253 --config "$T/pub2/p.cfg" --log-level info
expect_stderr "unsafe path behind a link ($T/pub2)"
expect_file_same "$CFG" "$T/before"
if [ "$(id -u)" = 0 ]; then
  # as root, a link target owned by another user is refused too
  mkdir "$T/nobody"; cp "$CFG" "$T/nobody/p.cfg"; chown -R 65534:65534 "$T/nobody"
  ln -s "$T/nobody/p.cfg" "$T/linked2.cfg"
  expect_code 253 --config "$T/linked2.cfg" --log-level info
  expect_stderr "unsafe path behind a link ($T/nobody): it is owned by another user"
fi

# a FIFO or a device as the config or an input file: refused at once,
# nothing blocks (a blocking open of a FIFO would hang here)
mkfifo "$T/fifo"
start=$(date +%s%N)
expect_code 253 --config "$T/fifo" --log-level info
expect_stderr "not a regular file ($T/fifo)"
expect_code 252 --hsm-ca-cert "$T/fifo"
expect_stderr "not a regular file ($T/fifo)"
expect_code 252 --hsm-ca-cert /dev/zero
expect_stderr "not a regular file (/dev/zero)"
expect_code 253 list-clusters --config "$T/fifo"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed" -lt $((5000 * CP_TIME_FACTOR)) ] && ok || bad "FIFO inputs took $elapsed ms: something blocked"
expect_file_same "$CFG" "$T/before"

# a folder anyone can write into (even with the sticky bit, like /tmp)
mkdir "$T/shared"; chmod 1777 "$T/shared"
expect_code 253 --config "$T/shared/p.cfg" --log-level info
expect_stderr "unsafe folder ($T/shared)"
[ -z "$(ls -A "$T/shared")" ] && ok || bad "something was written in a world-writable folder"
if [ "$(id -u)" = 0 ]; then
  # as root: a folder another user owns, or a group can write, is refused too
  mkdir "$T/theirs"; chown 65534:65534 "$T/theirs"
  expect_code 253 --config "$T/theirs/p.cfg" --log-level info
  expect_stderr "unsafe folder ($T/theirs)"
  mkdir "$T/group"; chmod 775 "$T/group"
  expect_code 253 --config "$T/group/p.cfg" --log-level info
  expect_stderr "unsafe folder ($T/group)"
fi
# the temporary file is made with O_EXCL under a random name: a planted
# file with the old fixed-name pattern is neither followed nor used
ln -s "$T/victim" "$CFG.tmp"
expect_code 0 --log-level warn
[ "$(cat "$T/victim")" = precious ] && ok || bad "a planted temp symlink was followed"
rm "$CFG.tmp"

# the file keeps what the admin set on it: extended attributes (user.*,
# a POSIX ACL) are copied to the new file before the rename
X="$T/xattr.cfg"
printf '{"clusters": [{"type": "hsm1", "cluster": {"servers": []}}]}\n' > "$X"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.cloudhsm.owner", b"team-hsm")' "$X"
xattrs=1
if command -v setfacl >/dev/null && setfacl -m u:65534:r "$X" 2>/dev/null; then acl=1; else acl=0; fi
expect_code 0 --config "$X" --log-level warn
python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.cloudhsm.owner").decode())' "$X" > "$T/xattr.out" 2>&1
[ "$(cat "$T/xattr.out")" = team-hsm ] && ok || bad "user.* attribute lost: $(cat "$T/xattr.out")"
if [ "$acl" = 1 ]; then
  getfacl -cpn "$X" 2>/dev/null | grep -qx 'user:65534:r--' && ok || bad "the POSIX ACL was lost: $(getfacl -cp "$X" 2>&1)"
  xattrs=2
else
  echo "skipped: POSIX ACL (no setfacl, or the file system has no ACLs)"
fi
# an attribute that cannot be copied stops the write before the rename
if faults_available; then
  cp "$X" "$T/xattr.before"
  CONFIGURE_PKCS11_FAULT=xattr expect_code 253 --config "$X" --log-level error
  expect_stderr "cannot keep an extended attribute of the config ($X)"
  expect_file_same "$X" "$T/xattr.before"
  expect_no_temp "$X"
else
  echo "skipped: an injected xattr failure (the binary has no CP_TESTING fault hooks)"
fi
echo "extended attributes: $xattrs kinds kept across a rewrite"

# --dry-run reads a snapshot: it needs no write access and leaves no lock
python3 "$CP_TESTS/peers/make_describe.py" --dir "$T" --clusters 2 > "$T/ids"
D="$T/ro/p.cfg"; mkdir -p "$T/ro"; cp "$CFG" "$D"; chmod 755 "$T"
id1=$(head -1 "$T/ids")
expect_code 0 add-cluster --config "$D" --cluster-id "$id1" --from-describe "$T/describe.json" --hsm-ca-cert "$T/ca.crt" --dry-run
expect_stdout "+        \"cluster_id\": \"$id1\","
[ ! -e "$D.lock" ] && ok || bad "a dry run left $D.lock"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  setpriv --reuid=65534 --regid=65534 --clear-groups "$CP_BIN" add-cluster --config "$D" --cluster-id "$id1" \
    --from-describe "$T/describe.json" --hsm-ca-cert "$T/ca.crt" --dry-run >"$OUT" 2>"$ERR"; RC=$?
  [ "$RC" = 0 ] && ok || bad "a dry run as a user who cannot write: exit $RC: $(cat "$ERR")"
  expect_stdout "+        \"cluster_id\": \"$id1\","
  [ ! -e "$D.lock" ] && ok || bad "a dry run as another user left a lock"
fi
chmod 700 "$T"
# a bad path is said before any lock is made
mkdir "$T/adir"
expect_code 253 --config "$T/adir/" --log-level info
expect_stderr "not a regular file ($T/adir/)"
expect_code 253 --config "$T/adir" --log-level info
[ -z "$(ls -A "$T/adir")" ] && [ ! -e "$T/adir.lock" ] && ok || bad "a bad path left a lock: $(ls -A "$T/adir") $(ls "$T" | grep lock)"

# Ctrl-C or SIGTERM while reading standard input: 130, nothing written
mkfifo "$T/slow"
for sig in INT TERM; do
  "$CP_BIN" add-cluster --config "$D" --cluster-id "$id1" --from-describe - --hsm-ca-cert "$T/ca.crt" \
    < "$T/slow" >"$OUT" 2>"$ERR" &
  pid=$!
  exec 7>"$T/slow"; printf '{"Clusters": [' >&7; settle
  kill -$sig $pid
  # never wait forever: if the signal was lost, end of input ends the run
  for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  exec 7>&-; wait $pid; RC=$?
  [ "$RC" = 130 ] && ok || bad "SIG$sig while reading stdin: exit $RC, wanted 130: $(cat "$ERR")"
  check_error_format
done
# Ctrl-C while a credential_process runs: a terminal sends it to the whole
# process group, helper included; the result is 130, not the helper's failure
if command -v setsid >/dev/null; then
  printf '[profile slow]\ncredential_process = sleep 30\n' > "$AWS_CONFIG_FILE"
  setsid "$CP_BIN" add-cluster --config "$D" --cluster-id "$id1" --profile slow --region us-east-1 \
    --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/ca.crt" >"$OUT" 2>"$ERR" &
  pid=$!; settle
  start=$(date +%s)
  kill -INT -- -$pid; wait $pid; RC=$?
  [ "$RC" = 130 ] && ok || bad "Ctrl-C during credential_process: exit $RC, wanted 130: $(cat "$ERR")"
  [ $(( $(date +%s) - start )) -lt $((10 * CP_TIME_FACTOR)) ] && ok || bad "Ctrl-C during credential_process took $(( $(date +%s) - start )) s"
  check_error_format
  rm -f "$AWS_CONFIG_FILE"
fi
# a helper that never stops talking, one that never answers, and SIGTERM
# (systemd, timeout(1)) while one runs: each bounded, and the helper (with
# what it started) never outlives the tool
alive() { pgrep -f "$1" >/dev/null; }
run_helper() { # run_helper COMMAND [ENV=V...]: add-cluster with it as credential_process
  printf '[profile h]\ncredential_process = %s\n' "$1" > "$AWS_CONFIG_FILE"; shift
  start=$(date +%s)
  env "$@" "$CP_BIN" add-cluster --config "$D" --cluster-id "$id1" --profile h --region us-east-1 \
    --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/ca.crt" >"$OUT" 2>"$ERR"; RC=$?
}
run_helper yes
[ "$RC" = 253 ] && ok || bad "an endless credential_process: exit $RC, wanted 253: $(cat "$ERR")"
expect_stderr "credential_process printed too much (yes): over 1048576 bytes, so it was stopped"
[ $(( $(date +%s) - start )) -lt $((20 * CP_TIME_FACTOR)) ] && ok || bad "an endless helper took $(( $(date +%s) - start )) s"
alive '^yes$' && bad "the endless helper is still running" || ok
run_helper "sh -c 'sleep 3601; echo late'" CONFIGURE_PKCS11_PROCESS_TIMEOUT=2
[ "$RC" = 253 ] && ok || bad "a silent credential_process: exit $RC, wanted 253: $(cat "$ERR")"
expect_stderr "credential_process did not finish"
expect_stderr "it ran past 2 s and was stopped"
[ $(( $(date +%s) - start )) -lt $((8 * CP_TIME_FACTOR)) ] && ok || bad "the 2 s limit took $(( $(date +%s) - start )) s"
settle; alive 'sleep 3601' && bad "the silent helper's sleep outlived the tool" || ok
run_helper yes CONFIGURE_PKCS11_PROCESS_TIMEOUT=0
[ "$RC" = 253 ] && grep -q "invalid process timeout" "$ERR" && ok || bad "timeout 0: exit $RC: $(cat "$ERR")"
printf '[profile h]\ncredential_process = sleep 3602\n' > "$AWS_CONFIG_FILE"
"$CP_BIN" add-cluster --config "$D" --cluster-id "$id1" --profile h --region us-east-1 \
  --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/ca.crt" >"$OUT" 2>"$ERR" &
pid=$!; settle
start=$(date +%s)
kill -TERM $pid; wait $pid; RC=$?
[ "$RC" = 130 ] && ok || bad "SIGTERM during credential_process: exit $RC, wanted 130: $(cat "$ERR")"
[ $(( $(date +%s) - start )) -lt $((10 * CP_TIME_FACTOR)) ] && ok || bad "SIGTERM took $(( $(date +%s) - start )) s"
settle; alive 'sleep 3602' && { bad "the helper outlived the tool after SIGTERM"; pkill -f 'sleep 3602'; } || ok
rm -f "$AWS_CONFIG_FILE"

# a full disk: a tmpfs of 256 KiB, a 100 KiB config, the rest filled; the
# bigger new version cannot be written: 253, the old file intact, no temp
if unshare -m true 2>/dev/null; then
  mkdir "$T/small"
  python3 -c 'import json; print(json.dumps({"clusters": [], "pad": "x" * 100000}, indent=2))' > "$T/big.cfg"
  unshare -m bash -c '
    d=$1; mount -t tmpfs -o size=256k,mode=755 none "$d" || exit 99
    cp "$2" "$d/p.cfg"
    head -c $((256 * 1024 - 100 * 1024 - 40 * 1024)) /dev/zero > "$d/filler"
    "$3" --config "$d/p.cfg" --log-level info --log-file "/var/log/$(printf "%0200d" 0)" >"$4/full.out" 2>"$4/full.err"
    echo $? > "$4/full.rc"
    "$3" --config "$d/p.cfg" --log-level info --log-file /x >/dev/null 2>&1 || true   # still full
    cmp -s "$d/p.cfg" "$2" && echo same > "$4/full.cmp"
    ls -A "$d" > "$4/full.ls"' _ "$T/small" "$T/big.cfg" "$CP_BIN" "$T"
  [ "$(cat "$T/full.rc" 2>/dev/null)" = 253 ] && ok || bad "disk full: exit $(cat "$T/full.rc" 2>/dev/null), wanted 253: $(cat "$T/full.err" 2>/dev/null)"
  grep -q "No space left on device" "$T/full.err" && ok || bad "disk full: no ENOSPC message: $(cat "$T/full.err")"
  [ "$(cat "$T/full.cmp" 2>/dev/null)" = same ] && ok || bad "disk full: the old config changed"
  [ "$(tr '\n' ' ' < "$T/full.ls")" = "filler p.cfg " ] && ok || bad "disk full: left behind: $(cat "$T/full.ls")"
  ERR=$T/full.err RC=253 check_error_format
else
  echo "skipped: disk-full test (no mount namespace here)"
fi
# a file that is not a config (an /etc/passwd given as --config) is refused
# with nothing left beside it: no lock, no temporary file
mkdir -p "$T/etc"; printf 'root:x:0:0:root:/root:/bin/bash\n' > "$T/etc/passwd"
cp "$T/etc/passwd" "$T/passwd.before"
expect_code 253 --config "$T/etc/passwd" -a 10.0.0.1
expect_file_same "$T/etc/passwd" "$T/passwd.before"
[ "$(ls -A "$T/etc")" = passwd ] && ok || bad "left beside a refused file: $(ls -A "$T/etc")"
# remove-cluster --ignore-missing on a config that is not there makes none
expect_code 0 remove-cluster --cluster-id cluster-2ab3cd4ef5g --ignore-missing --config "$T/etc/none.cfg" --output json
expect_json 'd["action"], d["changed"]' '["absent", false]'
[ "$(ls -A "$T/etc")" = passwd ] && ok || bad "--ignore-missing made: $(ls -A "$T/etc")"
# a refused edit of a new config leaves no lock either
expect_code 252 --config "$T/etc/new.cfg" -a 10.0.0.256
[ "$(ls -A "$T/etc")" = passwd ] && ok || bad "a refused new config left: $(ls -A "$T/etc")"
done_
