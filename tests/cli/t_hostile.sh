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

# the config itself a symlink (to a file an attacker wants replaced): refused
mv "$CFG" "$T/real.cfg"; ln -s "$T/victim" "$CFG"
expect_code 253 --log-level info
expect_stderr "symbolic link"
[ "$(cat "$T/victim")" = precious ] && ok || bad "the config symlink's target was written"
[ -L "$CFG" ] && ok || bad "the symlink was replaced"
rm "$CFG"; mv "$T/real.cfg" "$CFG"

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
  [ "$(tr '\n' ' ' < "$T/full.ls")" = "filler p.cfg p.cfg.lock " ] && ok || bad "disk full: left behind: $(cat "$T/full.ls")"
  ERR=$T/full.err RC=253 check_error_format
else
  echo "skipped: disk-full test (no mount namespace here)"
fi
done_
