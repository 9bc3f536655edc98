#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_systemd.sh — the refresh timer's units (packaging/systemd): systemd's own
# systemd-analyze verify takes them (the service run here from the build, as
# the package's path is not installed here; scripts/package verifies the
# installed ones), the timer runs daily with a random delay and catches up a
# missed run, and the service runs refresh-clusters, which then works.
. "$(dirname "$0")/lib.sh"
U="$CP_TESTS/../packaging/systemd"
if ! command -v systemd-analyze >/dev/null; then
  bad "systemd-analyze is needed (systemd)"; done_
fi
mkdir "$T/units"
cp "$U/configure-pkcs11-refresh.timer" "$T/units/"
sed "s|^ExecStart=/usr/bin/configure-pkcs11 |ExecStart=$CP_BIN |" \
  "$U/configure-pkcs11-refresh.service" > "$T/units/configure-pkcs11-refresh.service"
grep -q "^ExecStart=$CP_BIN refresh-clusters " "$T/units/configure-pkcs11-refresh.service" && ok ||
  bad "the service does not run refresh-clusters from /usr/bin: $(grep ExecStart "$U/configure-pkcs11-refresh.service")"
if systemd-analyze verify --man=no "$T/units/configure-pkcs11-refresh.timer" \
     "$T/units/configure-pkcs11-refresh.service" >"$T/verify.out" 2>&1; then ok
else bad "systemd-analyze verify: $(cat "$T/verify.out")"; fi
# a broken copy is refused: the check can fail
sed 's/^OnCalendar=daily/OnCalendar=dailyy/' "$U/configure-pkcs11-refresh.timer" > "$T/units/broken.timer"
if systemd-analyze verify --man=no "$T/units/broken.timer" >/dev/null 2>&1; then
  bad "systemd-analyze took a timer with a bad OnCalendar"; else ok; fi
for want in "OnCalendar=daily" "RandomizedDelaySec=1h" "Persistent=true" "WantedBy=timers.target"; do
  grep -qx "$want" "$U/configure-pkcs11-refresh.timer" && ok || bad "the timer lacks $want"
done
grep -qx "ReadWritePaths=/opt/cloudhsm/etc" "$U/configure-pkcs11-refresh.service" && ok ||
  bad "the service may write more than the SDK's config folder"
# the command the service runs works on a config with nothing to refresh
cmd=$(sed -n "s|^ExecStart=/usr/bin/configure-pkcs11 ||p" "$U/configure-pkcs11-refresh.service")
printf '{"clusters": []}\n' > "$CONFIGURE_PKCS11_CONFIG"
# shellcheck disable=SC2086
AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 expect_code 0 $cmd
done_
