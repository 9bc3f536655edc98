#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_docs.sh — the help and the man page say the same thing: every option
# each command's --help lists is in docs/configure-pkcs11.1, every command
# main knows has a section there and in the README, and every exit status
# in --help is in both.
. "$(dirname "$0")/lib.sh"
MAN="$CP_TESTS/../docs/configure-pkcs11.1"
README="$CP_TESTS/../README.md"
# the man page with its roff escapes undone
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")
# the commands, as the top-level usage line names them (help has no options)
expect_code 0 --help
commands=$(sed -n 's/.*(commands: \(.*\)).*/\1/p' "$OUT" | tr -d ',')
[ "$(wc -w <<<"$commands")" -ge 6 ] && ok || bad "the usage line names too few commands: $commands"
for cmd in "" ${commands/help/}; do
  expect_code 0 $cmd --help
  # every option row: "  -q, --quiet" and "      --config <file>"
  opts=$(grep -oE '^  (-[a-zA-Z], |    )--[a-z0-9-]+' "$OUT" | grep -oE -- '--[a-z0-9-]+$' | sort -u)
  [ "$(wc -w <<<"$opts")" -ge 5 ] && ok || bad "${cmd:-top level}: --help lists only: $opts"
  for opt in $opts; do
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
