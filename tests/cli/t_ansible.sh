#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_ansible.sh — the Ansible module (packaging/ansible) run by ansible-playbook
# on localhost against moto: present (changed), present again (ok), absent in
# check mode (changed, the file untouched), diff mode (the change shown),
# absent (removed), and a failure carrying the tool's message and status.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
if ! command -v ansible-playbook >/dev/null; then
  echo "SKIP: ansible-playbook is not installed (scripts/install-deps installs ansible-core)"
  exit 77
fi
start_peer
CFG=$CONFIGURE_PKCS11_CONFIG
COLL="$T/collections/ansible_collections/configure_pkcs11"
mkdir -p "$COLL"
ln -s "$CP_TESTS/../packaging/ansible" "$COLL/cloudhsm"
export ANSIBLE_COLLECTIONS_PATH="$T/collections" ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" \
  ANSIBLE_REMOTE_TEMP="$T/ansible-tmp" ANSIBLE_PYTHON_INTERPRETER=auto_silent \
  ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_STDOUT_CALLBACK=default \
  ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 HOME="$T"
M=configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster

# the documentation block parses and names every option
if ansible-doc -t module "$M" >"$T/doc.txt" 2>&1; then ok; else bad "ansible-doc: $(cat "$T/doc.txt")"; fi
for o in cluster_id cluster_tag state hsm_ca_cert region endpoint_url profile access_key secret_key session_token \
    config components config_dir from_describe servers wait wait_timeout hsm_type disable_key_availability_check \
    validate_key_at_init \
    ip_family server_client_cert server_client_key clear_server_client_cert client_cert_hsm_tls client_key_hsm_tls \
    clear_client_cert_hsm_tls executable; do
  grep -q -- "$o" "$T/doc.txt" && ok || bad "ansible-doc lacks $o"
done

# play PLAYBOOK [ARGS...]: runs ansible-playbook on localhost; output in $OUT
play() {
  local pb=$1; shift
  ansible-playbook -i localhost, -c local "$pb" "$@" >"$OUT" 2>"$ERR"; RC=$?
}
common_vars() {
  cat <<EOF
  vars:
    tool: "$CP_BIN"
    cfg: "$CFG"
    ca: "$CA"
    endpoint: "$ENDPOINT"
  environment:
    AWS_ACCESS_KEY_ID: "$KEY"
    AWS_SECRET_ACCESS_KEY: "$SECRET"
    AWS_EC2_METADATA_SERVICE_ENDPOINT: "$AWS_EC2_METADATA_SERVICE_ENDPOINT"
EOF
}

cat > "$T/lifecycle.yml" <<EOF
- hosts: localhost
  gather_facts: false
$(common_vars)
  tasks:
    - name: present
      $M: {cluster_id: cluster-2ab3cd4ef5g, region: us-east-1, endpoint: "{{ endpoint }}", hsm_ca_cert: "{{ ca }}", config: "{{ cfg }}", executable: "{{ tool }}"}
      register: first
    - assert: {that: [first.changed, first.action == 'added', first.servers | length == 2, not first.dry_run]}
    - name: present again
      $M: {cluster_id: cluster-2ab3cd4ef5g, region: us-east-1, endpoint: "{{ endpoint }}", hsm_ca_cert: "{{ ca }}", config: "{{ cfg }}", executable: "{{ tool }}"}
      register: again
    - assert: {that: [not again.changed, again.action == 'unchanged']}
    - stat: {path: "{{ cfg }}", checksum_algorithm: sha256}
      register: before
    - name: absent in check mode
      $M: {cluster_id: cluster-2ab3cd4ef5g, state: absent, config: "{{ cfg }}", executable: "{{ tool }}"}
      check_mode: true
      register: would
    - stat: {path: "{{ cfg }}", checksum_algorithm: sha256}
      register: after_check
    - assert: {that: [would.changed, would.dry_run, would.action == 'removed', before.stat.checksum == after_check.stat.checksum]}
    - name: a wrong CA fails with the tool's message and status
      $M: {cluster_id: cluster-6hij7klm2no, region: us-east-1, endpoint: "{{ endpoint }}", hsm_ca_cert: "$OTHER_CA", config: "{{ cfg }}", executable: "{{ tool }}"}
      register: wrong
      ignore_errors: true
    - assert: {that: [wrong.failed, wrong.rc == 252, "'wrong HSM CA for the cluster (cluster-6hij7klm2no)' in wrong.msg", wrong.error.code == 'ca_mismatch']}
    - name: absent
      $M: {cluster_id: cluster-2ab3cd4ef5g, state: absent, config: "{{ cfg }}", executable: "{{ tool }}"}
      register: gone
    - assert: {that: [gone.changed, gone.action == 'removed']}
    - name: absent again
      $M: {cluster_id: cluster-2ab3cd4ef5g, state: absent, config: "{{ cfg }}", executable: "{{ tool }}"}
      register: gone_again
    - assert: {that: [not gone_again.changed, gone_again.action == 'absent']}
EOF
play "$T/lifecycle.yml"
[ "$RC" = 0 ] && ok || { bad "lifecycle playbook: exit $RC"; tail -40 "$OUT" >&2; cat "$ERR" >&2; }
# present, absent in check mode and absent change; the rest is ok
grep -q 'ok=[0-9]* *changed=3 .*failed=0' "$OUT" && ok || bad "lifecycle recap: $(grep -A2 'PLAY RECAP' "$OUT")"
expect_cfg 'd["clusters"]' '[]'

# diff mode: --diff shows the change the module makes, --check --diff the one
# it would make, from one run of the tool each
cat > "$T/diff.yml" <<EOF
- hosts: localhost
  gather_facts: false
$(common_vars)
  tasks:
    - $M: {cluster_id: cluster-6hij7klm2no, region: us-east-1, endpoint: "{{ endpoint }}", hsm_ca_cert: "{{ ca }}", config: "{{ cfg }}", executable: "{{ tool }}"}
EOF
cp "$CFG" "$T/before-diff.cfg"
play "$T/diff.yml" --check --diff
[ "$RC" = 0 ] && ok || { bad "check+diff playbook: exit $RC"; cat "$OUT" "$ERR" >&2; }
grep -q '^+.*"cluster_id": "cluster-6hij7klm2no"' "$OUT" && ok || bad "--check --diff shows no added slot: $(cat "$OUT")"
expect_file_same "$CFG" "$T/before-diff.cfg"
play "$T/diff.yml" --diff
[ "$RC" = 0 ] && ok || { bad "diff playbook: exit $RC"; cat "$OUT" "$ERR" >&2; }
grep -q '^+.*"cluster_id": "cluster-6hij7klm2no"' "$OUT" && ok || bad "--diff shows no added slot: $(cat "$OUT")"
grep -q 'changed=1' "$OUT" && ok || bad "--diff run did not change: $(grep -A2 'PLAY RECAP' "$OUT")"
expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-6hij7klm2no"]'
play "$T/diff.yml" --diff
grep -q 'changed=0' "$OUT" && ok || bad "second --diff run changed: $(grep -A2 'PLAY RECAP' "$OUT")"

# a saved answer and servers by hand: no credentials needed
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
  aws --endpoint-url "$ENDPOINT" --region us-east-1 cloudhsmv2 describe-clusters --output json > "$T/saved.json" 2>"$T/aws.err" \
  && ok || bad "aws describe-clusters: $(cat "$T/aws.err")"
cat > "$T/offline.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $M: {cluster_id: cluster-2ab3cd4ef5g, from_describe: "$T/saved.json", hsm_ca_cert: "$CA", config: "$CFG", executable: "$CP_BIN"}
      register: saved
    - assert: {that: [saved.changed, saved.action == 'added']}
    - $M: {cluster_id: cluster-handmadeaaaa, servers: [10.7.0.1, "10.7.0.2:2224"], hsm_ca_cert: "$CA", config: "$CFG", executable: "$CP_BIN"}
      register: by_hand
    - assert: {that: [by_hand.changed, by_hand.servers | length == 2]}
EOF
play "$T/offline.yml"
[ "$RC" = 0 ] && ok || { bad "offline playbook: exit $RC"; tail -30 "$OUT" >&2; }
# amazon.aws's names: credentials as parameters (none in the environment
# here), endpoint_url, wait with wait_timeout, the slot's options; the info
# module lists the slots, in check mode too; errors name parameters
I=configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster_info
cat > "$T/names.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $M: {cluster_id: cluster-2ab3cd4ef5g, aws_region: us-east-1, endpoint_url: "$ENDPOINT",
           access_key: "$KEY", secret_key: "$SECRET", hsm_ca_cert: "$CA", config: "$T/names.cfg",
           executable: "$CP_BIN", wait: true, wait_timeout: 30, hsm_type: hsm2m,
           disable_key_availability_check: true, validate_key_at_init: true}
      register: r
    - assert:
        that:
          - r.changed
          - "r.type == 'hsm2m'"
          - "r.region == 'us-east-1'"
          - "'--wait' in r.cmd and '30' in r.cmd"
          - "'$SECRET' not in (r.cmd | join(' '))"
    - $I: {config: "$T/names.cfg", executable: "$CP_BIN"}
      register: info
    - assert:
        that:
          - not info.changed
          - info.clusters | length == 1
          - "info.clusters[0].cluster_id == 'cluster-2ab3cd4ef5g'"
          - "info.clusters[0].servers | length == 2"
          - "info.config == '$T/names.cfg'"
    - $I: {config: "$T/names.cfg", executable: "$CP_BIN", cluster_id: cluster-zzzzzzzzzzz}
      check_mode: true
      register: nomatch
    - assert: {that: [nomatch.clusters | length == 0]}
    - $M: {cluster_id: cluster-2ab3cd4ef5g, from_describe: "$T/saved.json", wait: true,
           hsm_ca_cert: "$CA", config: "$T/names.cfg", executable: "$CP_BIN"}
      register: bad
      ignore_errors: true
    - assert:
        that:
          - bad.failed
          - "'contradictory options (from_describe and wait)' in bad.msg"
          - "'--' not in bad.msg"
EOF
play "$T/names.yml"
[ "$RC" = 0 ] && ok || { bad "amazon.aws names playbook: exit $RC"; cat "$OUT" "$ERR" | tail -30 >&2; }
CONFIGURE_PKCS11_CONFIG=$T/names.cfg expect_cfg '[d["clusters"][0]["cluster"]["options"][k] for k in ("disable_key_availability_check", "validate_key_at_init")]' '[true, true]'
if ansible-doc -t module "$I" >"$T/doc2.txt" 2>&1; then ok; else bad "ansible-doc (info): $(cat "$T/doc2.txt")"; fi

# cluster_tag: the one cluster with the tag (in the saved answer moto gave);
# two with it fail naming them
cat > "$T/tagged.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $M: {cluster_tag: {Name: payments}, from_describe: "$T/saved.json", hsm_ca_cert: "$CA", config: "$T/tagged.cfg", executable: "$CP_BIN"}
      register: tagged
    - assert: {that: [tagged.changed, tagged.cluster_id == 'cluster-2ab3cd4ef5g']}
    - $M: {cluster_tag: {team: shared}, from_describe: "$T/saved.json", hsm_ca_cert: "$CA", config: "$T/tagged.cfg", executable: "$CP_BIN"}
      register: two
      ignore_errors: true
    - assert: {that: [two.failed, "'cluster-6hij7klm2no, cluster-dualstackaa' in two.msg"]}
    - $M: {cluster_tag: {Name: payments}, state: absent, config: "$T/tagged.cfg", executable: "$CP_BIN"}
      register: absent_by_tag
      ignore_errors: true
    - assert: {that: [absent_by_tag.failed]}
EOF
play "$T/tagged.yml"
[ "$RC" = 0 ] && ok || { bad "cluster_tag playbook: exit $RC"; tail -30 "$OUT" >&2; }
expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-6hij7klm2no", "cluster-2ab3cd4ef5g", "cluster-handmadeaaaa"]'
# every installed component from one task (and one saved answer): a result
# per file; check mode and diff mode cover each file
D=$T/etc; mkdir -p "$D"
for c in pkcs11 cli jce; do printf '{"clusters": []}\n' > "$D/cloudhsm-$c.cfg"; done
cat > "$T/components.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $M: {cluster_id: cluster-2ab3cd4ef5g, from_describe: "$T/saved.json", hsm_ca_cert: "$CA", components: [installed], config_dir: "$D", executable: "$CP_BIN"}
      register: all
    - assert: {that: [all.changed, "all.results | map(attribute='component') | list == ['pkcs11', 'cli', 'jce']", "all.results | map(attribute='action') | unique | list == ['added']"]}
EOF
play "$T/components.yml" --check --diff
[ "$RC" = 0 ] && ok || { bad "components playbook (check): exit $RC"; tail -30 "$OUT" >&2; }
[ "$(grep -c '^+.*"cluster_id": "cluster-2ab3cd4ef5g"' "$OUT")" = 3 ] && ok || bad "--check --diff shows not 3 added slots: $(cat "$OUT")"
[ "$(cat "$D"/*.cfg | tr -d ' \n')" = '{"clusters":[]}{"clusters":[]}{"clusters":[]}' ] && ok || bad "check mode wrote a component's file"
play "$T/components.yml"
[ "$RC" = 0 ] && ok || { bad "components playbook: exit $RC"; tail -30 "$OUT" >&2; }
for c in pkcs11 cli jce; do
  grep -q cluster-2ab3cd4ef5g "$D/cloudhsm-$c.cfg" && ok || bad "the $c file has no slot after the play"
done
# both client pairs, each under its own keys, then one cleared; a pair
# given halfway is the module's own error, naming its parameters
make_ca pairCA
make_leaf sc pairCA
make_leaf mtls pairCA
cat > "$T/pairs.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $M: {cluster_id: cluster-handmadeaaaa, servers: [10.7.0.1], hsm_ca_cert: "$CA", config: "$CFG", executable: "$CP_BIN",
           server_client_cert: "$T/sc.crt", server_client_key: "$T/sc.key",
           client_cert_hsm_tls: "$T/mtls.crt", client_key_hsm_tls: "$T/mtls.key"}
      register: set
    - assert: {that: [set.changed]}
    - $M: {cluster_id: cluster-handmadeaaaa, servers: [10.7.0.1], hsm_ca_cert: "$CA", config: "$CFG", executable: "$CP_BIN",
           clear_client_cert_hsm_tls: true}
      register: cleared
    - assert: {that: [cleared.changed]}
EOF
play "$T/pairs.yml"
[ "$RC" = 0 ] && ok || { bad "pairs playbook: exit $RC"; tail -30 "$OUT" >&2; }
expect_cfg '[sorted(k for k in c["cluster"] if "client" in k) for c in d["clusters"] if c["cluster"]["cluster_id"] == "cluster-handmadeaaaa"]' \
  '[["client_cert_path", "client_key_path"]]'
expect_cfg '[c["cluster"]["client_cert_path"] for c in d["clusters"] if c["cluster"]["cluster_id"] == "cluster-handmadeaaaa"]' "[\"$T/sc.crt\"]"
cat > "$T/half.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $M: {cluster_id: cluster-handmadeaaaa, servers: [10.7.0.1], config: "$CFG", executable: "$CP_BIN",
           client_cert_hsm_tls: "$T/mtls.crt"}
EOF
play "$T/half.yml"
[ "$RC" != 0 ] && grep -q "client_cert_hsm_tls" "$OUT" && grep -q "client_key_hsm_tls" "$OUT" && ok ||
  bad "a half pair: exit $RC: $(grep -i 'fatal\|msg' "$OUT" | head -3)"
done_
