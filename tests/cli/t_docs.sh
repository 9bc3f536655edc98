#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_docs.sh — the help and the man page say the same thing, per command and
# both ways: the man page's OPTIONS BY COMMAND list of each command is
# exactly what its --help lists, every option its COMMANDS paragraph names
# is one the command takes, and every option --help lists is described in
# docs/configure-pkcs11.1. Every command main knows has a section there and
# in the README, every exit status is in both, and groff finds nothing to
# warn about.
. "$(dirname "$0")/lib.sh"
MAN="$CP_TESTS/../docs/configure-pkcs11.1"
README="$CP_TESTS/../README.md"
# the man page with its roff escapes undone
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")
# the commands, as the top-level usage line names them (help has no options)
expect_code 0 --help
commands=$(sed -n 's/.*(commands: \(.*\)).*/\1/p' "$OUT" | tr -d ',')
[ "$(wc -w <<<"$commands")" -ge 6 ] && ok || bad "the usage line names too few commands: $commands"
# the options a man page paragraph names ("--enable/--disable-x" is two
# options, "--clear-" a family, not one; a name is its whole word)
named_options() {
  sed 's/\\-/-/g; s/\\f[BIRP]//g; s#--enable/--disable-\([a-z0-9-]*\)#--enable-\1 --disable-\1#g; s/--[a-z0-9-]*-\([^a-z0-9-]\|$\)/\1/g' | grep -oE -- '(^|[^a-z-])--[a-z0-9]+(-[a-z0-9]+)*' |
    grep -oE -- '--[a-z0-9-]+$' | sort -u
}
# the OPTIONS BY COMMAND entry of a form ("" is the top level)
man_list() {
  awk -v head=".B configure-pkcs11${1:+ $1}" '
    /^\.SH / { in_sec = ($0 == ".SH OPTIONS BY COMMAND") ; take = 0 }
    in_sec && /^\.B configure-pkcs11/ { take = ($0 == head); next }
    in_sec && take && /^\.BR / { print $2 }' "$MAN" | sed 's/\\-/-/g' | sort -u
}
# the paragraph of a command in COMMANDS
man_paragraph() {
  awk -v head=".B $1" '
    /^\.SH / { in_sec = ($0 == ".SH COMMANDS"); take = 0 }
    in_sec && /^\.TP/ { take = 0; next_is_head = 1; next }
    in_sec && next_is_head { take = ($0 == head); next_is_head = 0; next }
    in_sec && take' "$MAN"
}
# 0 when the command takes the option: its parser does not call it unknown,
# as a switch or with a value. Each try ends in --help, so nothing runs
# (no config is read, no API is called).
takes() {
  local out
  out=$( { "$CP_BIN" $1 "$2" --help; "$CP_BIN" $1 "$2" x --help; } 2>&1 >/dev/null </dev/null)
  [ "$(grep -c "unknown option ($2)" <<<"$out")" -lt 2 ]
}
# options of other tools the page names (the AWS CLI's --query)
foreign="--query"
warnings=$(groff -ww -man -Tutf8 "$MAN" 2>&1 >/dev/null)
[ -z "$warnings" ] && ok || bad "groff -ww warns: $warnings"
for cmd in "" ${commands/help/}; do
  expect_code 0 $cmd --help
  # every option row: "  -q, --quiet" and "      --config <file>", and -a
  opts=$( (grep -oE '^  (-[a-zA-Z], |    )--[a-z0-9-]+' "$OUT" | grep -oE -- '--[a-z0-9-]+$'
           grep -qE '^  -a ' "$OUT" && echo -a) | sort -u)
  listed=$(man_list "$cmd")
  [ "$listed" = "$opts" ] && ok || bad "${cmd:-top level}: OPTIONS BY COMMAND and --help differ: $(diff <(echo "$listed") <(echo "$opts") | grep '^[<>]' | tr '\n' ' ')"
  if [ -n "$cmd" ]; then
    for opt in $(man_paragraph "$cmd" | named_options); do
      [ "$opt" = "$foreign" ] && continue
      takes "$cmd" "$opt" && ok || bad "$cmd: the man page's COMMANDS paragraph names $opt, which $cmd does not take"
    done
  fi
  [ "$(wc -w <<<"$opts")" -ge 5 ] && ok || bad "${cmd:-top level}: --help lists only: $opts"
  for opt in $(grep -vx -- -a <<<"$opts"); do
    # the whole option, not a longer one it begins (--wait in --wait-x)
    if grep -qE -- "(^|[^a-z-])${opt}([^a-z-]|$)" <<<"$man_text"; then ok; else bad "${cmd:-top level}: $opt is in --help but not in the man page"; fi
  done
  if [ -n "$cmd" ]; then
    grep -qF -- "$cmd" <<<"$man_text" && ok || bad "the man page lacks the $cmd command"
    grep -qF -- "$cmd" "$README" && ok || bad "the README lacks the $cmd command"
  fi
done
for status in 0 2 252 253 254 255 130; do
  grep -qE "^\.B $status$" "$MAN" && ok || bad "the man page lacks exit status $status"
  grep -qE "^\| $status \|" "$README" && ok || bad "the README lacks exit status $status"
done
done_
