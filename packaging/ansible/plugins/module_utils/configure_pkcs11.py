# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What both modules share: the AWS arguments with amazon.aws's names and
aliases, the tool found and run with them in its environment, and its
errors said in the module's own parameter names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

DEFAULT_EXECUTABLE = "/opt/cloudhsm/bin/configure-pkcs11"

# amazon.aws's module_utils.modules argument names and aliases
AWS_ARGS = dict(
    access_key=dict(type="str", aliases=["aws_access_key_id", "aws_access_key", "ec2_access_key"],
                    no_log=False),
    secret_key=dict(type="str", aliases=["aws_secret_access_key", "aws_secret_key", "ec2_secret_key"],
                    no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token", "security_token",
                                            "aws_security_token", "access_token"], no_log=True),
    profile=dict(type="str", aliases=["aws_profile"]),
    region=dict(type="str", aliases=["aws_region", "ec2_region"]),
    endpoint_url=dict(type="str", aliases=["endpoint", "aws_endpoint_url", "ec2_url"]),
)

# the tool's options and environment variables, as the module's parameters
# (longest first, so --cluster-id-file would not be taken for --cluster-id)
PARAM_NAMES = sorted({
    "--cluster-id": "cluster_id", "--cluster-tag": "cluster_tag",
    "--hsm-ca-cert": "hsm_ca_cert", "--region": "region", "--endpoint": "endpoint_url",
    "--profile": "profile", "--config-dir": "config_dir", "--config": "config",
    "--component": "components", "--from-describe": "from_describe", "-a": "servers",
    "--wait": "wait", "--ip-family": "ip_family", "--hsm-type": "hsm_type",
    "--server-client-cert-file": "server_client_cert",
    "--server-client-key-file": "server_client_key",
    "--client-cert-hsm-tls-file": "client_cert_hsm_tls",
    "--client-key-hsm-tls-file": "client_key_hsm_tls",
    "--clear-server-client-cert": "clear_server_client_cert",
    "--clear-client-cert-hsm-tls": "clear_client_cert_hsm_tls",
    "--disable-key-availability-check": "disable_key_availability_check",
    "--enable-key-availability-check": "disable_key_availability_check",
    "--disable-validate-key-at-init": "validate_key_at_init",
    "--enable-validate-key-at-init": "validate_key_at_init",
    "AWS_ACCESS_KEY_ID": "access_key", "AWS_SECRET_ACCESS_KEY": "secret_key",
    "AWS_SESSION_TOKEN": "session_token",
}.items(), key=lambda kv: -len(kv[0]))


def find_executable(module):
    given = module.params.get("executable")
    if given:
        return given
    on_path = module.get_bin_path("configure-pkcs11")
    if on_path:
        return on_path
    if os.path.exists(DEFAULT_EXECUTABLE):
        return DEFAULT_EXECUTABLE
    module.fail_json(msg="configure-pkcs11 not found: install it, or set executable")


def file_args(params):
    """The tool's options for which files: config, components, config_dir."""
    args = []
    if params.get("config") is not None:
        args += ["--config", params["config"]]
    if params.get("components"):
        args += ["--component", ",".join(params["components"])]
    if params.get("config_dir") is not None:
        args += ["--config-dir", params["config_dir"]]
    return args


def aws_environ(params):
    """The credentials given as parameters, for the tool's environment
    (never on its command line, where ps would show them)."""
    env = {}
    for param, var in (("access_key", "AWS_ACCESS_KEY_ID"), ("secret_key", "AWS_SECRET_ACCESS_KEY"),
                       ("session_token", "AWS_SESSION_TOKEN")):
        if params.get(param):
            env[var] = params[param]
    return env


def in_param_names(text):
    """The tool's message with its option names said as the module's."""
    for flag, param in PARAM_NAMES:
        pattern = r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])"
        text = re.sub(pattern, param, text)
    return text


def run_tool(module, cmd):
    """Runs the tool; returns its JSON result (a dict). Warnings become the
    module's; a failure fails the module with the tool's message, in the
    module's parameter names."""
    rc, out, err = module.run_command(cmd, environ_update=aws_environ(module.params))
    try:
        result = json.loads(out) if out.strip() else {}
    except ValueError:
        result = {}
    for line in err.splitlines():
        if line.startswith("configure-pkcs11: warning: "):
            module.warn(in_param_names(line[len("configure-pkcs11: warning: "):]))
    if rc != 0:
        lines = [l for l in err.splitlines() if l.startswith("configure-pkcs11: error: ")]
        msg = lines[-1][len("configure-pkcs11: error: "):] if lines else (err.strip() or out.strip())
        module.fail_json(msg=in_param_names(msg), rc=rc, cmd=cmd,
                         error=result.get("error") if isinstance(result, dict) else None,
                         stderr=err)
    if not isinstance(result, dict):
        module.fail_json(msg="configure-pkcs11 gave no JSON result", rc=rc, cmd=cmd,
                         stdout=out, stderr=err)
    return result
