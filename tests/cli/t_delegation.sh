#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_delegation.sh — run as root for another user (a sudoers rule such as
# `ops ALL=(root) NOPASSWD: /usr/bin/configure-pkcs11`, simulated with
# SUDO_UID=65534 as root), the tool grants no more than AWS's own tool: no
# config outside /opt/cloudhsm/etc is created, locked, written or read,
# whichever of --config, --config-dir or CONFIGURE_PKCS11_CONFIG names it;
# and, as root, no credential_process runs from an AWS file that root does
# not own or that others can write.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then
  echo "skipped: needs root (the rules are about runs as root)"
  exit 77
fi
make_ca customerCA
mkdir -p "$T/etc"
unset CONFIGURE_PKCS11_CONFIG
nothing_made() { # nothing_made WHAT: $T/etc is still empty
  [ -z "$(ls -A "$T/etc")" ] && ok || bad "$1 made: $(ls -A "$T/etc")"
}

# the attacks of the finding: /etc/ld.so.preload (the loader splits on ':'
# and whitespace), /etc/nologin, sudoers.d: refused, nothing made, no lock
for target in "$T/etc/ld.so.preload" "$T/etc/nologin" "$T/etc/sudoers.d-ops"; do
  SUDO_UID=65534 expect_code 253 --config "$target" --hsm-ca-cert "$T/customerCA.crt" -a 10.0.0.1
  expect_stderr "refused under SUDO_UID (--config $target): run for another user, this tool edits only /opt/cloudhsm/etc"
  nothing_made "--config $(basename "$target")"
done
SUDO_UID=65534 expect_code 253 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.0.1 --config-dir "$T/etc"
expect_stderr "refused under SUDO_UID (--config-dir $T/etc): run for another user, this tool edits only /opt/cloudhsm/etc, as AWS's tool does. Leave --config-dir out, or run it as root yourself"
SUDO_UID=65534 CONFIGURE_PKCS11_CONFIG=$T/etc/x.cfg expect_code 253 -a 10.0.0.1
expect_stderr "refused under SUDO_UID (CONFIGURE_PKCS11_CONFIG $T/etc/x.cfg)"
nothing_made "--config-dir and CONFIGURE_PKCS11_CONFIG"
# reading another file as root is refused too (its words could reach stderr)
printf 'root:$6$secret:19000::::::\n' > "$T/shadow"
SUDO_UID=65534 expect_code 253 list-clusters --config "$T/shadow"
expect_stderr "refused under SUDO_UID"
grep -q secret "$ERR" "$OUT" && bad "the refused file's words were shown" || ok
# pkexec and doas are delegation too; uid 0 (root's own sudo) is not
PKEXEC_UID=1000 expect_code 253 --config "$T/etc/p.cfg" -a 10.0.0.1
expect_stderr "refused under PKEXEC_UID"
DOAS_USER=ops expect_code 253 --config "$T/etc/p.cfg" -a 10.0.0.1
expect_stderr "refused under DOAS_USER"
nothing_made "pkexec and doas"
SUDO_UID=0 expect_code 0 --config "$T/etc/root.cfg" -a 10.0.0.1
[ -f "$T/etc/root.cfg" ] && ok || bad "root's own run was refused"
rm -f "$T/etc/"*

# the config folder itself is fine under delegation (a private /opt, so the
# host's is never touched): the default file, another component's, --config
# there; a link there to a file elsewhere is refused
if unshare -m true 2>/dev/null; then
  unshare -m bash -c '
    set -e
    mount -t tmpfs -o mode=755 none /opt
    mkdir -p /opt/cloudhsm/etc
    cp "$2/customerCA.crt" /opt/cloudhsm/etc/customerCA.crt
    export SUDO_UID=65534
    "$1" add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.0.1 > "$2/in.out" 2>&1
    "$1" --config /opt/cloudhsm/etc/cloudhsm-jce.cfg -a 10.0.0.2 >> "$2/in.out" 2>&1
    "$1" add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.0.3 --component pkcs11,cli >> "$2/in.out" 2>&1
    ls /opt/cloudhsm/etc > "$2/in.ls"
    ln -s "$2/etc/elsewhere.cfg" /opt/cloudhsm/etc/link.cfg
    rc=0; "$1" --config /opt/cloudhsm/etc/link.cfg -a 10.0.0.4 > "$2/link.err" 2>&1 || rc=$?
    echo "$rc" > "$2/link.rc"' _ "$CP_BIN" "$T" && ok || bad "runs in the config folder failed: $(cat "$T/in.out")"
  [ "$(grep -v "\.lock$" "$T/in.ls" | tr '\n' ' ')" = "cloudhsm-cli.cfg cloudhsm-jce.cfg cloudhsm-pkcs11.cfg customerCA.crt " ] && ok ||
    bad "in the config folder: $(cat "$T/in.ls")"
  [ "$(cat "$T/link.rc")" = 253 ] && grep -q "refused under SUDO_UID" "$T/link.err" && ok ||
    bad "a link out of the config folder: exit $(cat "$T/link.rc"): $(cat "$T/link.err")"
  nothing_made "the link's target"
else
  echo "skipped: the config folder under delegation (no mount namespace here)"
fi

# as root, credential_process runs only from a file root owns and only
# root can write: another user's file (found through HOME or
# AWS_CONFIG_FILE) would otherwise run its command as root
export AWS_EC2_METADATA_DISABLED=true
proc_cfg() { printf '[profile p]\nregion = us-east-1\ncredential_process = touch %s\n' "$T/ran" > "$AWS_CONFIG_FILE"; }
proc_cfg; chown 65534 "$AWS_CONFIG_FILE"
expect_code 253 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile p --endpoint http://127.0.0.1:9 \
  --hsm-ca-cert "$T/customerCA.crt" --config "$T/etc/c.cfg"
expect_stderr "credential_process not run as root (profile p): $AWS_CONFIG_FILE is not owned by root"
[ ! -e "$T/ran" ] && ok || bad "another user's credential_process ran as root"
proc_cfg; chown 0 "$AWS_CONFIG_FILE"; chmod 666 "$AWS_CONFIG_FILE"
expect_code 253 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile p --endpoint http://127.0.0.1:9 \
  --hsm-ca-cert "$T/customerCA.crt" --config "$T/etc/c.cfg"
expect_stderr "is writable by others"
[ ! -e "$T/ran" ] && ok || bad "a world-writable file's credential_process ran as root"
# root's own file: it runs (and fails to give credentials: touch prints none)
chmod 644 "$AWS_CONFIG_FILE"
expect_code 253 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile p --endpoint http://127.0.0.1:9 \
  --hsm-ca-cert "$T/customerCA.crt" --config "$T/etc/c.cfg"
[ -e "$T/ran" ] && ok || bad "root's own credential_process did not run: $(cat "$ERR")"
done_
