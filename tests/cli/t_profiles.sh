#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_profiles.sh — the AWS profile reader against botocore, the AWS CLI's
# own (a differential peer): over the files in tests/data/aws-profiles, read
# as a config file and as a credentials file, every value botocore finds
# is the value this tool finds, and a file botocore refuses is refused too
# (except a UTF-8 byte order mark, which this tool reads past: SOURCES.md).
. "$(dirname "$0")/lib.sh"
DUMP=${CP_PROFILE_DUMP:-$CP_TESTS/../build/tests/profile_dump}
[ -x "$DUMP" ] || { echo "skipped: no profile_dump at $DUMP"; exit 77; }
python3 -c 'import botocore' 2>/dev/null || { echo "skipped: botocore is not installed"; exit 77; }
for f in "$CP_DATA"/aws-profiles/*.ini; do
  for as in config credentials; do
    if python3 - "$DUMP" "$f" "$as" >"$T/diff.log" 2>&1 <<'PY'
import json, subprocess, sys
import botocore.configloader as cl
dump, path, kind = sys.argv[1:]
name = path.rsplit("/", 1)[-1]
empty = path + ".empty-" + kind
empty = "/tmp/" + empty.replace("/", "_")
open(empty, "w").close()
args = [dump, path, empty] if kind == "config" else [dump, empty, path]
try:
    raw = cl.raw_config_parse(path)
except Exception as e:  # botocore refuses the file
    raw = None
queries, wanted = [], []
for section, values in (raw or {}).items():
    if kind == "credentials":
        prof = section
    elif section == "default" or section.startswith(("services ", "sso-session ")):
        prof = section
    elif section.startswith("profile "):
        prof = section[len("profile "):].strip()
    else:
        continue
    for key, value in values.items():
        if isinstance(value, dict):  # nested keys: "s3 =" and indented lines
            for sub, v in value.items():
                queries.append(f"{prof}\t{key}.{sub}"); wanted.append(v)
        else:
            queries.append(f"{prof}\t{key}"); wanted.append(value or None)
p = subprocess.run(args, input="".join(q + "\n" for q in queries), capture_output=True, text=True)
import os; os.unlink(empty)
if raw is None:
    if name == "bom.ini":  # the deliberate difference: read past the mark
        ok = p.returncode == 0
    else:
        ok = p.returncode == 3 and p.stdout.startswith("refused: ")
    print(f"{name} as {kind}: botocore refuses it; ours: exit {p.returncode} {p.stdout.strip()[:200]}")
    sys.exit(0 if ok else 1)
if p.returncode != 0:
    print(f"{name} as {kind}: ours refused what botocore reads: {p.stdout.strip()}")
    sys.exit(1)
got = [json.loads(l) for l in p.stdout.splitlines()]
bad = [(q, w, g) for q, w, g in zip(queries, wanted, got) if w != g]
for q, w, g in bad:
    print(f"{name} as {kind}: {q!r}: botocore {w!r:.80}, ours {g!r:.80}")
print(f"{name} as {kind}: {len(queries)} values compared")
sys.exit(1 if bad or len(got) != len(queries) else 0)
PY
    then ok; else bad "$(cat "$T/diff.log")"; fi
  done
done
# the findings themselves, through the tool: a 5,000-byte credential_process
# runs whole (not cut at 199 bytes with the rest made a key), and " ;"
# inside it is no comment
make_ca customerCA
printf '{"Version": 1, "AccessKeyId": "AKIAWHOLEEXAMPLE", "SecretAccessKey": "s", "SessionToken": "%s"}' \
  "$(head -c 1200 /dev/zero | tr '\0' 'T')" > "$T/creds.json"
pad=$(head -c 5000 /dev/zero | tr '\0' ' ')
printf '[profile long]\nregion = us-east-1\ncredential_process = sh -c "true ; cat %s" #%s\n' "$T/creds.json" "$pad" > "$AWS_CONFIG_FILE"
expect_code 255 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile long --endpoint http://127.0.0.1:9 \
  --region us-east-1 --hsm-ca-cert "$T/customerCA.crt" --debug
grep -q "credentials: from credential_process (access key AKIA\*\*\*\*)" "$ERR" && ok ||
  bad "the long credential_process did not give its credentials: $(grep -v '^configure-pkcs11: debug: \(region\|endpoint\)' "$ERR" | head -5)"
done_
