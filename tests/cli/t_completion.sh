#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_completion.sh — the completions (`configure-pkcs11 --completion SHELL`,
# what the packages install) offer exactly the options each command's --help
# lists, and complete values: bash in a real interactive bash, fish through
# its own `complete -C`, zsh through the completion file with compadd and
# _files stood in for.
. "$(dirname "$0")/lib.sh"
for sh in bash zsh fish; do
  expect_code 0 --completion "$sh"
  cp "$OUT" "$T/comp.$sh"
done
expect_code 2 --completion tcsh
expect_stderr "unknown shell (--completion tcsh)"
if ! command -v zsh >/dev/null || ! command -v fish >/dev/null; then
  echo "SKIP: zsh or fish is not installed (scripts/install-deps installs them)"
  exit 77
fi
bash -n "$T/comp.bash" && ok || bad "bash -n refused the bash completion"
zsh -n "$T/comp.zsh" && ok || bad "zsh -n refused the zsh completion"
fish --no-execute "$T/comp.fish" && ok || bad "fish refused the fish completion"

# a config with two clusters, for --cluster-id
printf '{"clusters": [{"type": "hsm2m", "cluster": {"cluster_id": "cluster-2ab3cd4ef5g", "servers": []}}, {"type": "hsm1", "cluster": {"cluster_id": "cluster-6hij7klm2no", "servers": []}}]}\n' > "$CONFIGURE_PKCS11_CONFIG"
touch "$T/customerCA.crt"
printf '{"clusters": [{"type": "hsm2m", "cluster": {"cluster_id": "cluster-othersltaaaa", "servers": []}}]}\n' > "$T/other.cfg"

# every option --help lists (short and long), one a line, sorted
help_options() {
  run "$@" --help
  grep -oE '^  (-[a-zA-Z](, --[a-z0-9-]+)?|    --[a-z0-9-]+)' "$OUT" | tr ',' '\n' | tr -d ' ' | sort -u
}
run --help
commands=$(sed -n 's/.*(commands: \(.*\)).*/\1/p' "$OUT" | tr -d ',')

# bash: an interactive shell completes "configure-pkcs11 CMD -" and values
bash_complete() { # bash_complete WORD...: what completing the last word offers
  local words
  printf -v words '%q ' "$@"
  bash --norc --noprofile -i 2>/dev/null <<EOF
source "$T/comp.bash"
complete -p configure-pkcs11 >/dev/null || echo "NOT REGISTERED"
COMP_WORDS=($words); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
_configure_pkcs11
printf '%s\n' "\${COMPREPLY[@]}"
EOF
}
zsh_complete() {
  local words
  printf -v words '%q ' "$@"
  zsh -f <<EOF
compadd() { [[ \$1 == -- ]] && shift; print -l -- "\$@"; }
_files() { print -l -- "$T"/*; }
_c() { source "$T/comp.zsh"; }
words=($words); CURRENT=\${#words}
_c
EOF
}
fish_complete() {
  local line="$*"
  fish -c "source $T/comp.fish; complete -C '$line'" | cut -f1
}
for cmd in "" ${commands/help/}; do
  # shellcheck disable=SC2086
  help_options $cmd > "$T/want"
  [ -s "$T/want" ] && ok || bad "${cmd:-top level}: --help lists no option"
  for sh in bash zsh fish; do
    # shellcheck disable=SC2086
    ${sh}_complete configure-pkcs11 $cmd - | grep -- '^-' | sort -u > "$T/got.$sh"
    if cmp -s "$T/want" "$T/got.$sh"; then ok; else
      bad "$sh: ${cmd:-top level}: completions differ from --help: $(diff "$T/want" "$T/got.$sh" | grep '^[<>]' | tr '\n' ' ')"
    fi
  done
done
# commands at the top level and after help
for sh in bash zsh fish; do
  got=$(${sh}_complete configure-pkcs11 "" | grep -v -- '^-' | sort | tr '\n' ' ')
  want=$(tr ' ' '\n' <<<"$commands" | grep . | sort | tr '\n' ' ')
  [ "$got" = "$want" ] && ok || bad "$sh: top-level commands: $got, wanted $want"
  got=$(${sh}_complete configure-pkcs11 help "" | sort | tr '\n' ' ')
  [ "$got" = "$want" ] && ok || bad "$sh: help's commands: $got"
  # values: a choice, the configured cluster ids, a file
  got=$(${sh}_complete configure-pkcs11 list-clusters --output "" | sort | tr '\n' ' ')
  [ "$got" = "json off text " ] && ok || bad "$sh: --output values: $got"
  got=$(${sh}_complete configure-pkcs11 check --cluster-id "" | sort | tr '\n' ' ')
  [ "$got" = "cluster-2ab3cd4ef5g cluster-6hij7klm2no " ] && ok || bad "$sh: --cluster-id values: $got"
  # a --config already on the line is the file whose ids are offered
  got=$(${sh}_complete configure-pkcs11 check --config "$T/other.cfg" --cluster-id "" | sort | tr '\n' ' ')
  [ "$got" = "cluster-othersltaaaa " ] && ok || bad "$sh: --cluster-id after --config: $got"
  got=$(${sh}_complete configure-pkcs11 remove-cluster --config="$T/other.cfg" --cluster-id "" | sort | tr '\n' ' ')
  [ "$got" = "cluster-othersltaaaa " ] && ok || bad "$sh: --cluster-id after --config=: $got"
  got=$(${sh}_complete configure-pkcs11 add-cluster --hsm-ca-cert "$T/cust")
  grep -q "customerCA.crt" <<<"$got" && ok || bad "$sh: --hsm-ca-cert offers no file: $got"
  # --component: the SDK components and installed; --config-dir: a path
  got=$(${sh}_complete configure-pkcs11 add-cluster --component "" | sort | tr '\n' ' ')
  [ "$got" = "cli dyn installed jce pkcs11 " ] && ok || bad "$sh: --component values: $got"
  got=$(${sh}_complete configure-pkcs11 list-clusters --config-dir "$T/cust")
  grep -q "customerCA.crt" <<<"$got" && ok || bad "$sh: --config-dir offers no path: $got"
done
bash_complete configure-pkcs11 "" | grep -q "NOT REGISTERED" && bad "bash: complete -F did not register" || ok
done_
