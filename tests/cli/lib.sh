# SPDX-License-Identifier: Apache-2.0
# lib.sh — helpers for command-line tests: run the tool, check the exit
# status, stdout, stderr and files. Each t_*.sh sources this and calls `done_`.
set -u
: "${CP_BIN:?set CP_BIN to the configure-pkcs11 binary}"
: "${CP_DATA:=$(cd "$(dirname "$0")/../data" && pwd)}"
: "${CP_TESTS:=$(cd "$(dirname "$0")/.." && pwd)}"
T=$(mktemp -d /tmp/cp-cli-XXXXXX)
chmod 700 "$T"
trap 'rm -rf "$T"' EXIT
export CONFIGURE_PKCS11_CONFIG="$T/cloudhsm-pkcs11.cfg"
# Never reach a real AWS host or instance metadata from a test.
export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9
export AWS_CONFIG_FILE="$T/aws-config" AWS_SHARED_CREDENTIALS_FILE="$T/aws-credentials"
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
      AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_CLOUDHSM_V2 SUDO_USER \
      SUDO_UID PKEXEC_UID DOAS_USER || true   # a sudo run is delegated: t_delegation.sh
PASS=0 FAIL=0
# time limits in the tests are multiplied by this (scripts/valgrind sets it)
: "${CP_TIME_FACTOR:=1}"
OUT="$T/.stdout" ERR="$T/.stderr"

ok()   { PASS=$((PASS + 1)); }
bad()  { FAIL=$((FAIL + 1)); printf 'FAIL: %s\n' "$*" >&2; }

# run ARGS...: runs the tool, keeps stdout/stderr in $OUT/$ERR, status in $RC;
# a JSON document it printed must fit its command's published schema
# (docs/schema/, checked by validate_json.py with python3-jsonschema)
run() {
  "$CP_BIN" "$@" >"$OUT" 2>"$ERR"; RC=$?
  case " $* " in
    *" --output json "*|*" --output=json "*) fits_schema "$OUT" "$@" ;;
  esac
}
# fits_schema FILE ARGS...: the JSON document in FILE, printed by the tool
# run with ARGS, fits its command's schema (for runs made without run())
fits_schema() {
  local file=$1; shift
  python3 "$CP_TESTS/cli/validate_json.py" "$CP_TESTS/../docs/schema" "$file" "$@" >"$T/.schema" 2>&1 &&
    ok || bad "$(cat "$T/.schema") (configure-pkcs11 $*)"
}

# expect_code N ARGS...: runs the tool and checks its exit status
expect_code() {
  local want=$1; shift
  run "$@"
  if [ "$RC" = "$want" ]; then ok; else
    bad "exit $RC, wanted $want: configure-pkcs11 $*"; sed 's/^/  stderr: /' "$ERR" >&2; fi
  check_error_format
}

# Every error is one line: "configure-pkcs11: error: <what> (<subject>): <why>. <fix>"
check_error_format() {
  local n
  n=$(grep -c '^configure-pkcs11: error: ' "$ERR")
  if [ "$RC" = 0 ]; then
    [ "$n" = 0 ] && ok || bad "exit 0 but an error was printed: $(cat "$ERR")"
    return
  fi
  if [ "$n" != 1 ]; then bad "wanted exactly one error line, got $n: $(cat "$ERR")"; return; fi
  if grep '^configure-pkcs11: error: ' "$ERR" | grep -qE '^configure-pkcs11: error: [^(]+ \([^)]*\): .+\. .+'; then ok
  else bad "error not in the one-line format: $(cat "$ERR")"; fi
  local line; line=$(grep '^configure-pkcs11: error: ' "$ERR")
  line=${line% \[*\]} # --debug's "[code file:line]"
  [ "${#line}" -le 400 ] && ok || bad "error line too long (${#line}): $line"
  # SSM shows about the first 235 characters: the fix must start within 200
  local head=${line%%). *}; local rest=${line#*): }; local why=${rest%%. *}
  local fix_at=$(( ${#line} - ${#rest} + ${#why} + 2 ))
  [ "$fix_at" -le 200 ] && ok || bad "the fix starts at character $fix_at (over 200): $line"
  : "$head"
}

expect_stderr() { if grep -qF -- "$1" "$ERR"; then ok; else bad "stderr lacks '$1': $(cat "$ERR")"; fi; }
expect_stdout() { if grep -qF -- "$1" "$OUT"; then ok; else bad "stdout lacks '$1': $(cat "$OUT")"; fi; }
expect_stderr_lacks() { if grep -qF -- "$1" "$ERR"; then bad "stderr has '$1': $(cat "$ERR")"; else ok; fi; }
expect_stdout_empty() { if [ ! -s "$OUT" ]; then ok; else bad "stdout not empty: $(cat "$OUT")"; fi; }
# expect_json JQ_FILTER EXPECTED: evaluates a jq-like python expression on stdout
expect_json() {
  local got
  got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$OUT" "$1" 2>&1)
  [ "$got" = "$2" ] && ok || bad "json $1 = $got, wanted $2 (stdout: $(cat "$OUT"))"
}
expect_file_same() { if cmp -s "$1" "$2"; then ok; else bad "$1 differs from $2"; diff "$1" "$2" | head -20 >&2; fi; }
expect_no_temp() {
  local n; n=$(find "$(dirname "$1")" -maxdepth 1 -name "$(basename "$1").tmp-*" | wc -l)
  [ "$n" = 0 ] && ok || bad "$n temporary file(s) left beside $1"
}
# cfg_get PY_EXPR: evaluates an expression on the parsed config (as d)
cfg_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$CONFIGURE_PKCS11_CONFIG" "$1"; }
expect_cfg() { local got; got=$(cfg_get "$1"); [ "$got" = "$2" ] && ok || bad "config $1 = $got, wanted $2"; }

# make_ca NAME [DAYS] [extra openssl args]: a self-signed CA in $T/NAME.crt/.key
make_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "${2:-3650}" \
    -subj "/O=Test/CN=$1" -keyout "$T/$1.key" -out "$T/$1.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
# make_leaf NAME CA: a certificate NAME signed by CA, in $T/NAME.crt/.key
make_leaf() {
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Test/CN=$1" \
    -keyout "$T/$1.key" -out "$T/$1.csr" 2>/dev/null
  openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.crt" -CAkey "$T/$2.key" -CAcreateserial \
    -days 365 -out "$T/$1.crt" 2>/dev/null
}

# make_dated NAME FROM_DAYS TO_DAYS [ca]: a self-signed certificate valid
# from now + FROM_DAYS to now + TO_DAYS (either may be past), in
# $T/NAME.crt/.key; "ca" makes it a CA
make_dated() {
  python3 - "$T/$1" "$2" "$3" "${4:-}" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
out, start, end, ca = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "ca"
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, out.rsplit("/", 1)[-1])])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=start))
        .not_valid_after(now + datetime.timedelta(days=end))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
open(out + ".crt", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(out + ".key", "wb").write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY
}

# settle: give a process started in the background time to set itself up
# (its signal handlers among others): half a second, times the time factor
settle() { sleep "$(awk -v f="$CP_TIME_FACTOR" 'BEGIN { print 0.5 * f }')"; }

# faults_available: true when the binary was built with CP_TESTING, so
# CONFIGURE_PKCS11_FAULT can fail a step (a packager's build cannot)
faults_available() {
  local f="$T/.fault-probe.cfg" rc
  CONFIGURE_PKCS11_FAULT=rename "$CP_BIN" --config "$f" --log-level info >/dev/null 2>&1; rc=$?
  rm -f "$f" "$f.lock"
  [ "$rc" != 0 ]
}

done_() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]
}
