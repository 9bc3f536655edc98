#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""cloudhsm_pkcs11_cluster — one cluster's slot in the CloudHSM PKCS#11 config,
through configure-pkcs11 (which does the work: the API call, the CA check, the
locked atomic write). This module only builds its command line and reads its
JSON result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudhsm_pkcs11_cluster
short_description: Add or remove an AWS CloudHSM cluster's slot in the PKCS#11 library's config
version_added: "0.1.0"
description:
  - Adds (or refreshes) the slot of one AWS CloudHSM cluster in the multi-slot config the
    CloudHSM PKCS#11 library reads (C(/opt/cloudhsm/etc/cloudhsm-pkcs11.cfg)), or removes it.
  - Runs C(configure-pkcs11 add-cluster) or C(configure-pkcs11 remove-cluster) with
    C(--output json); the tool calls the CloudHSMv2 DescribeClusters API (or reads a saved
    answer), checks the cluster's certificate against the CA and writes the file under a lock,
    atomically.
  - Idempotent; C(changed) is the tool's own verdict (the file's bytes would change).
options:
  cluster_id:
    description:
      - The cluster, as C(cluster-) and 11 characters.
      - One of I(cluster_id) and I(cluster_tag) is required.
    type: str
  cluster_tag:
    description:
      - Instead of I(cluster_id), the one cluster whose tags hold this key with this value
        (one entry, such as the C(Name) tag), found with DescribeClusters in the region. No
        match, or several, fails naming them. Only with I(state=present).
    type: dict
  state:
    description:
      - C(present) adds the slot, or refreshes its servers from the API.
      - C(absent) removes the slot; a cluster with no slot is already absent.
    type: str
    choices: [present, absent]
    default: present
  hsm_ca_cert:
    description: The CA certificate that issued the cluster's certificate (default the slot's, else C(customerCA.crt)).
    type: path
  region:
    description: The cluster's region (default from the environment, the AWS profile, instance metadata).
    type: str
    aliases: [aws_region, ec2_region]
  endpoint_url:
    description: The CloudHSMv2 API endpoint, e.g. a VPC endpoint.
    type: str
    aliases: [endpoint, aws_endpoint_url, ec2_url]
  profile:
    description: The AWS profile for credentials and region.
    type: str
    aliases: [aws_profile]
  access_key:
    description:
      - The AWS access key id (default from the environment, the profile, the instance role). Given to the
        tool in its environment, never on its command line.
    type: str
    aliases: [aws_access_key_id, aws_access_key, ec2_access_key]
  secret_key:
    description: The AWS secret access key that goes with I(access_key).
    type: str
    aliases: [aws_secret_access_key, aws_secret_key, ec2_secret_key]
  session_token:
    description: The session token of temporary credentials.
    type: str
    aliases: [aws_session_token, security_token, aws_security_token, access_token]
  config:
    description: The config file to edit (default the tool's, C(/opt/cloudhsm/etc/cloudhsm-pkcs11.cfg)).
    type: path
  components:
    description:
      - The Client SDK 5 components whose config files to edit (C(pkcs11), C(cli), C(jce), C(dyn)), or
        C([installed]) for every one whose file is in I(config_dir). One API call serves them all, and
        nothing is written unless every file's change can be made.
    type: list
    elements: str
  config_dir:
    description: The folder of the components' config files (default C(/opt/cloudhsm/etc)).
    type: path
  from_describe:
    description: A saved DescribeClusters answer (C(aws cloudhsmv2 describe-clusters --output json)) to use instead of calling the API.
    type: path
  servers:
    description: The HSM servers by hand (C(-a)), for hosts without IAM access; no API call is made.
    type: list
    elements: str
  wait:
    description: Wait until the cluster has an ACTIVE HSM (right after create-cluster), for at most I(wait_timeout).
    type: bool
    default: false
  wait_timeout:
    description: How many seconds I(wait) waits.
    type: int
    default: 1800
  hsm_type:
    description: The slot's type (default from the cluster's HsmType; an existing slot keeps its own).
    type: str
  disable_key_availability_check:
    description:
      - C(true) allows keys on a single HSM (one-HSM clusters, C(disable_key_availability_check) in the slot);
        C(false) checks a key is on enough HSMs. Unset leaves the slot as it is.
    type: bool
  validate_key_at_init:
    description: C(true) or C(false) sets the slot's C(validate_key_at_init); unset leaves it.
    type: bool
  ip_family:
    description:
      - Which HSM addresses to write. Without it the slot keeps the family it has (a dual-stack slot
        keeps its IPv6 servers); a new slot gets C(ipv4).
    type: str
    choices: [ipv4, ipv6, both]
  server_client_cert:
    description:
      - The server-client certificate, issued by the cluster's customer CA, that the client presents to the
        HSM's host (C(client_cert_path)). Without it the library presents the SDK's default.
      - Goes with I(server_client_key).
    type: path
  server_client_key:
    description: The private key of I(server_client_cert) (C(client_key_path)).
    type: path
  clear_server_client_cert:
    description: Remove the server-client pair from the slot (both keys deleted).
    type: bool
    default: false
  client_cert_hsm_tls:
    description:
      - The HSM-TLS client certificate (and chain, at most 6,980 bytes) for mutual TLS with the HSMs of an
        hsm2m cluster (C(client_cert_hsm_tls_path)).
      - Goes with I(client_key_hsm_tls).
    type: path
  client_key_hsm_tls:
    description: The private key of I(client_cert_hsm_tls) (C(client_key_hsm_tls_path)).
    type: path
  clear_client_cert_hsm_tls:
    description: Remove the HSM-TLS pair from the slot (both keys deleted).
    type: bool
    default: false
  executable:
    description: The tool (default C(configure-pkcs11) on PATH, else C(/opt/cloudhsm/bin/configure-pkcs11)).
    type: path
notes:
  - Check mode runs the tool with C(--dry-run) (no lock, nothing written); diff mode adds C(--diff) and
    shows the tool's unified diff of the config.
  - Credentials come from the environment of the task, as for the AWS CLI (use C(environment:) or an
    instance role).
author:
  - configure-pkcs11 developers
"""

EXAMPLES = r"""
- name: Add the cluster's slot (become root to write /opt/cloudhsm/etc)
  configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster:
    cluster_id: cluster-2ab3cd4ef5g
    region: us-east-1
    hsm_ca_cert: /opt/cloudhsm/etc/customerCA.crt
  become: true

- name: From an answer saved where the API is reachable
  configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster:
    cluster_id: cluster-2ab3cd4ef5g
    from_describe: /tmp/describe-clusters.json

- name: The cluster by its Name tag
  configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster:
    cluster_tag:
      Name: payments
    region: us-east-1
  become: true

- name: Remove the slot
  configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster:
    cluster_id: cluster-2ab3cd4ef5g
    state: absent
"""

RETURN = r"""
action:
  description: What happened to the slot (C(added), C(updated), C(unchanged), C(removed), C(absent)).
  returned: success
  type: str
  sample: added
config:
  description: The config file edited (a link's target).
  returned: success
  type: str
  sample: /opt/cloudhsm/etc/cloudhsm-pkcs11.cfg
servers:
  description: The slot's servers, as written.
  returned: when state is present
  type: list
  elements: dict
  sample: [{"hostname": "10.0.1.12", "port": 2223}]
region:
  description: The region the cluster was looked up in.
  returned: when the API was called
  type: str
  sample: us-east-1
type:
  description: The slot's type (C(hsm1), C(hsm2m)).
  returned: when state is present
  type: str
  sample: hsm2m
dry_run:
  description: Whether the tool ran with C(--dry-run) (check mode).
  returned: success
  type: bool
results:
  description: With I(components), one result per file (C(component), C(action), C(config), C(changed), ...).
  returned: when components is given
  type: list
  elements: dict
cmd:
  description: The command run.
  returned: always
  type: list
  elements: str
rc:
  description: The tool's exit status (0; 2 usage, 252 invalid value, 253 environment or config, 254 API, 255 other).
  returned: failure
  type: int
error:
  description: The tool's error, C({"code", "message", "exit_status"}).
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.configure_pkcs11.cloudhsm.plugins.module_utils.configure_pkcs11 import (
    AWS_ARGS, file_args, find_executable, run_tool)

# module option -> the tool's option, for state=present
PATH_OPTIONS = (("ip_family", "--ip-family"), ("hsm_type", "--hsm-type"),
                ("server_client_cert", "--server-client-cert-file"),
                ("server_client_key", "--server-client-key-file"),
                ("client_cert_hsm_tls", "--client-cert-hsm-tls-file"),
                ("client_key_hsm_tls", "--client-key-hsm-tls-file"))
FLAG_OPTIONS = (("clear_server_client_cert", "--clear-server-client-cert"),
                ("clear_client_cert_hsm_tls", "--clear-client-cert-hsm-tls"))
# bool option -> the tool's switch for true, for false
SWITCH_OPTIONS = (("disable_key_availability_check", "--disable-key-availability-check",
                   "--enable-key-availability-check"),
                  ("validate_key_at_init", "--enable-validate-key-at-init",
                   "--disable-validate-key-at-init"))


def build_command(module, exe):
    p = module.params
    if p["state"] == "absent":
        cmd = [exe, "remove-cluster", "--cluster-id", p["cluster_id"], "--ignore-missing"]
    else:
        if p["cluster_tag"] is not None:
            if len(p["cluster_tag"]) != 1:
                module.fail_json(msg="cluster_tag must hold one key and its value, as {Name: payments}")
            ((key, value),) = p["cluster_tag"].items()
            cmd = [exe, "add-cluster", "--cluster-tag", "%s=%s" % (key, value)]
        else:
            cmd = [exe, "add-cluster", "--cluster-id", p["cluster_id"]]
        for key, flag in (("hsm_ca_cert", "--hsm-ca-cert"), ("region", "--region"),
                          ("endpoint_url", "--endpoint"), ("profile", "--profile"),
                          ("from_describe", "--from-describe")):
            if p[key] is not None:
                cmd += [flag, p[key]]
        if p["wait"]:
            cmd += ["--wait", str(p["wait_timeout"])]
        for key, on, off in SWITCH_OPTIONS:
            if p[key] is not None:
                cmd.append(on if p[key] else off)
        if p["servers"]:
            cmd += ["-a"] + list(p["servers"])
        for key, flag in PATH_OPTIONS:
            if p[key] is not None:
                cmd += [flag, p[key]]
        for key, flag in FLAG_OPTIONS:
            if p[key]:
                cmd.append(flag)
    cmd += file_args(p) + ["--output", "json"]
    if module.check_mode:
        cmd.append("--dry-run")
    if module._diff:
        cmd.append("--diff")
    return cmd


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cluster_id=dict(type="str"),
            cluster_tag=dict(type="dict"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            hsm_ca_cert=dict(type="path"),
            config=dict(type="path"),
            components=dict(type="list", elements="str"),
            config_dir=dict(type="path"),
            from_describe=dict(type="path"),
            servers=dict(type="list", elements="str"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=1800),
            hsm_type=dict(type="str"),
            disable_key_availability_check=dict(type="bool"),
            validate_key_at_init=dict(type="bool"),
            ip_family=dict(type="str", choices=["ipv4", "ipv6", "both"]),
            server_client_cert=dict(type="path"),
            server_client_key=dict(type="path"),
            clear_server_client_cert=dict(type="bool", default=False),
            client_cert_hsm_tls=dict(type="path"),
            client_key_hsm_tls=dict(type="path"),
            clear_client_cert_hsm_tls=dict(type="bool", default=False),
            executable=dict(type="path"),
            **AWS_ARGS
        ),
        required_one_of=[("cluster_id", "cluster_tag")],
        required_if=[("state", "absent", ("cluster_id",))],
        mutually_exclusive=[("cluster_id", "cluster_tag"), ("cluster_tag", "servers"),
                            ("servers", "from_describe"), ("servers", "wait"),
                            ("servers", "endpoint_url"),
                            ("servers", "ip_family"),
                            ("config", "components"), ("config", "config_dir"),
                            ("clear_server_client_cert", "server_client_cert"),
                            ("clear_client_cert_hsm_tls", "client_cert_hsm_tls")],
        required_together=[("server_client_cert", "server_client_key"),
                           ("client_cert_hsm_tls", "client_key_hsm_tls")],
        supports_check_mode=True,
    )
    cmd = build_command(module, find_executable(module))
    result = run_tool(module, cmd)
    if "changed" not in result:
        module.fail_json(msg="configure-pkcs11 gave no JSON result", cmd=cmd)
    ret = dict(changed=bool(result.pop("changed")), cmd=cmd)
    rows = result.get("results")
    if rows is not None:  # components: a diff and a result per file
        diff = "".join(r.get("diff", "") for r in rows)
        ret["results"] = [{k: v for k, v in r.items() if k != "diff"} for r in rows]
    else:
        diff = result.pop("diff", None)
    if module._diff and diff:
        ret["diff"] = dict(prepared=diff)
    for key in ("action", "config", "servers", "region", "type", "dry_run", "cluster_id"):
        if key in result:
            ret[key] = result[key]
    module.exit_json(**ret)


if __name__ == "__main__":
    main()
