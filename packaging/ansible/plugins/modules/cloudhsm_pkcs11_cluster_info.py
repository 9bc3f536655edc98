#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""cloudhsm_pkcs11_cluster_info — the slots of the CloudHSM PKCS#11 config,
through configure-pkcs11 list-clusters (which reads without a lock and
writes nothing)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudhsm_pkcs11_cluster_info
short_description: List the slots of the AWS CloudHSM PKCS#11 library's config
version_added: "0.1.0"
description:
  - Lists every slot of the multi-slot config the CloudHSM PKCS#11 library reads
    (C(/opt/cloudhsm/etc/cloudhsm-pkcs11.cfg)), or of several SDK components' files, by running
    C(configure-pkcs11 list-clusters --output json). Reads only, so it runs in check mode too.
options:
  cluster_id:
    description: Only this cluster's slot.
    type: str
  config:
    description: The config file to read (default the tool's, C(/opt/cloudhsm/etc/cloudhsm-pkcs11.cfg)).
    type: path
  components:
    description: The Client SDK 5 components whose files to read (C(pkcs11), C(cli), C(jce), C(dyn)), or C([installed]).
    type: list
    elements: str
  config_dir:
    description: The folder of the components' config files (default C(/opt/cloudhsm/etc)).
    type: path
  executable:
    description: The tool (default C(configure-pkcs11) on PATH, else C(/opt/cloudhsm/bin/configure-pkcs11)).
    type: path
author:
  - configure-pkcs11 developers
"""

EXAMPLES = r"""
- name: Which clusters this host is set up for
  configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster_info:
  register: slots

- name: One cluster's servers
  configure_pkcs11.cloudhsm.cloudhsm_pkcs11_cluster_info:
    cluster_id: cluster-2ab3cd4ef5g
  register: one
"""

RETURN = r"""
clusters:
  description:
    - One entry per slot, in the file's order, as C(configure-pkcs11 list-clusters --output json) gives them
      (C(index), C(cluster_id), C(type), C(configured), C(servers), C(hsm_ca_file) with its C(status), both
      client certificates). With I(components), each also has C(component) and C(config).
  returned: success
  type: list
  elements: dict
config:
  description: The file read (without I(components)).
  returned: success
  type: str
cmd:
  description: The command run.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.configure_pkcs11.cloudhsm.plugins.module_utils.configure_pkcs11 import (
    file_args, find_executable, run_tool)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cluster_id=dict(type="str"),
            config=dict(type="path"),
            components=dict(type="list", elements="str"),
            config_dir=dict(type="path"),
            executable=dict(type="path"),
        ),
        mutually_exclusive=[("config", "components"), ("config", "config_dir")],
        supports_check_mode=True,
    )
    p = module.params
    cmd = [find_executable(module), "list-clusters", "--output", "json"] + file_args(p)
    result = run_tool(module, cmd)
    clusters = result.get("clusters", [])  # several files: each names its own
    if p["cluster_id"]:
        clusters = [c for c in clusters if c.get("cluster_id") == p["cluster_id"]]
    ret = dict(changed=False, clusters=clusters, cmd=cmd)
    if "config" in result:
        ret["config"] = result["config"]
    module.exit_json(**ret)


if __name__ == "__main__":
    main()
