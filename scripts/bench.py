#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench.py — the measurements behind scripts/bench (run that, not this).

One local HTTPS endpoint serving DescribeClusters (tests/peers/fault_server.py
with a private CA) is called by configure-pkcs11 add-cluster (a full run:
credentials, signing, request, config rewrite), curl --aws-sigv4 (the same
signed request: the lower bound) and aws cloudhsmv2 describe-clusters, runs
interleaved. Wall time and peak memory (ru_maxrss of the process tree, from
wait4) for each run; medians are reported. Then add-cluster and remove-cluster
on configs of 1 to 10,000 slots, the time to the no-credentials error,
refresh-clusters on 100 slots (moto: API calls and time, against 100
add-cluster runs), and check against 1 to 12 silent servers.
Prints a table and writes it as Markdown to --out.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "peers"))
from make_describe import cluster_id  # noqa: E402

CID = "cluster-fau7tsrvrab"
KEY, SECRET = "AKIABENCHMARK0000000", "bench/secret/key/0000000000000000000000"


def run(cmd, env, stdin=None):
    """Wall seconds and peak RSS (KiB) of one command and its children."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, stdin=stdin)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_maxrss, code, err


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def start_peer(tmp, script, *args):
    """tests/peers/SCRIPT, until its --info file says it is up (30 s)."""
    info = os.path.join(tmp, script + ".json")
    if os.path.exists(info):  # an earlier peer's: wait for this one's
        os.remove(info)
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/peers", script),
                             "--info", info, "--dir", tmp, *args],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(600):
        if os.path.exists(info):
            break
        time.sleep(0.05)
    return proc, json.load(open(info))


def start_server(tmp):
    return start_peer(tmp, "fault_server.py", "--tls")


def slots_config(path, n, ca):
    clusters = [{"type": "hsm2m", "cluster": {
        "hsm_ca_file": ca, "cluster_id": cluster_id(i),
        "servers": [{"hostname": "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255),
                     "port": 2223, "enable": True}]}} for i in range(n)]
    with open(path, "w") as f:
        json.dump({"clusters": clusters, "logging": {
            "log_type": "file", "log_file": "/opt/cloudhsm/run/cloudhsm-pkcs11.log",
            "log_level": "info", "log_interval": "daily"}}, f, indent=2)


def start_moto(tmp, fleet):
    """moto (signatures checked) seeded with `fleet` one-HSM clusters."""
    return start_peer(tmp, "moto_peer.py", "--fleet", str(fleet))


def fleet_refresh(tmp, bin_, env, runs, n=100):
    """refresh-clusters on n stale slots in one region (moto), against n
    add-cluster runs: API calls and wall time."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "peers"))
    from moto_peer import fleet_id  # noqa: E402
    proc, info = start_moto(tmp, n)
    try:
        e = dict(env, AWS_ACCESS_KEY_ID=info["access_key_id"],
                 AWS_SECRET_ACCESS_KEY=info["secret_access_key"])
        cfg = os.path.join(tmp, "fleet.cfg")
        stale = {"clusters": [{"type": "hsm2m", "cluster": {
            "hsm_ca_file": info["ca"], "cluster_id": fleet_id(i),
            "servers": [{"hostname": "10.255.0.1", "port": 2223, "enable": True}]}}
            for i in range(n)]}
        refresh = [bin_, "refresh-clusters", "--region", "us-east-1", "--endpoint",
                   info["endpoint"], "--config", cfg, "--output", "json"]
        ts, calls = [], None
        for _ in range(runs):
            with open(cfg, "w") as f:
                json.dump(stale, f)
            t0 = time.perf_counter()
            out = subprocess.run(refresh, env=e, capture_output=True, text=True)
            ts.append(time.perf_counter() - t0)
            if out.returncode:
                sys.exit("refresh-clusters failed: " + out.stderr)
            res = json.loads(out.stdout)
            calls = res["api_calls"]
            if any(c["action"] != "updated" for c in res["clusters"]):
                sys.exit("refresh-clusters left a slot stale: " + out.stdout[:400])
        with open(cfg, "w") as f:
            json.dump(stale, f)
        t0 = time.perf_counter()
        for i in range(n):
            wall, _, code, err = run([bin_, "add-cluster", "--cluster-id", fleet_id(i),
                                      "--region", "us-east-1", "--endpoint", info["endpoint"],
                                      "--config", cfg, "--output", "off"], e)
            if code:
                sys.exit("add-cluster on the fleet failed: " + err)
        one_by_one = time.perf_counter() - t0
        return n, calls, median(ts) * 1000, one_by_one * 1000
    finally:
        proc.stdin.close()
        proc.wait(timeout=20)


def components(tmp, bin_, env, runs):
    """One cluster into the pkcs11, cli and jce files: one run with
    --component installed against one run per component; the calls are
    counted by moto (calls.log), not by the tool."""
    proc, info = start_moto(tmp, 0)
    try:
        e = dict(env, AWS_ACCESS_KEY_ID=info["access_key_id"],
                 AWS_SECRET_ACCESS_KEY=info["secret_access_key"])
        d = os.path.join(tmp, "components")
        os.makedirs(d, exist_ok=True)
        names = ("pkcs11", "cli", "jce")
        base = [bin_, "add-cluster", "--cluster-id", "cluster-2ab3cd4ef5g", "--region",
                "us-east-1", "--endpoint", info["endpoint"], "--hsm-ca-cert", info["ca"],
                "--config-dir", d, "--output", "off"]

        def calls():
            try:
                with open(info["calls_log"]) as f:
                    return sum(1 for _ in f)
            except FileNotFoundError:
                return 0

        def fresh():
            for n in names:
                with open(os.path.join(d, "cloudhsm-%s.cfg" % n), "w") as f:
                    f.write('{"clusters": []}\n')

        rows = {}
        for how, cmds in (("one run, --component installed", [base + ["--component", "installed"]]),
                          ("3 runs, one --component each", [base + ["--component", n] for n in names])):
            ts = []
            for _ in range(runs):
                fresh()
                before = calls()
                t0 = time.perf_counter()
                for c in cmds:
                    wall, _, code, err = run(c, e)
                    if code:
                        sys.exit("add-cluster --component failed: " + err)
                ts.append(time.perf_counter() - t0)
                n_calls = calls() - before
            rows[how] = (n_calls, median(ts) * 1000)
        return rows
    finally:
        proc.stdin.close()
        proc.wait(timeout=20)


def check_silent(tmp, bin_, env, ca, counts=(1, 2, 6, 12), timeout=2):
    """check --timeout 2 against N servers that accept and never answer."""
    rows = []
    for n in counts:
        socks = []
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(16)
            socks.append(s)
        cfg = os.path.join(tmp, "silent-%d.cfg" % n)
        with open(cfg, "w") as f:
            json.dump({"clusters": [{"type": "hsm2m", "cluster": {
                "hsm_ca_file": ca, "cluster_id": "cluster-silentbench",
                "servers": [{"hostname": "127.0.0.1", "port": s.getsockname()[1],
                             "enable": True} for s in socks]}}]}, f)
        wall, _, code, err = run([bin_, "check", "--config", cfg, "--timeout", str(timeout),
                                  "--output", "off"], env)
        for s in socks:
            s.close()
        if code != 255:
            sys.exit("check on silent servers gave exit %d: %s" % (code, err))
        rows.append((n, wall * 1000))
    return rows


def add_cluster_cmd(bin_, url, ca, cfg, *extra):
    """The timed add-cluster: one DescribeClusters call, one config written."""
    return [bin_, "add-cluster", "--cluster-id", CID, "--region", "us-east-1",
            "--endpoint", url, *extra, "--hsm-ca-cert", ca, "--config", cfg,
            "--output", "off"]


def curl_cmd(url, *extra):
    """The same signed DescribeClusters request made by curl --aws-sigv4."""
    body = json.dumps({"Filters": {"clusterIds": [CID]}})
    return ["curl", "-sS", "--fail", "-o", "/dev/null", *extra,
            "--aws-sigv4", "aws:amz:us-east-1:cloudhsm", "--user", KEY + ":" + SECRET,
            "-H", "Content-Type: application/x-amz-json-1.1",
            "-H", "X-Amz-Target: BaldrApiService.DescribeClusters",
            "--data-binary", body, url]


def ca_bundle_rows(tmp, bin_, env, runs):
    """One call over plain http with and without AWS_CA_BUNDLE naming the
    system's bundle (as behind a corporate proxy), against curl. Over http
    no TLS layer reads the bundle, so what the variable costs is the tool's
    own check of it."""
    plain_dir = os.path.join(tmp, "plain")
    os.mkdir(plain_dir, 0o700)
    server, info = start_peer(plain_dir, "fault_server.py")
    system = next((p for p in ("/etc/ssl/certs/ca-certificates.crt",
                               "/etc/pki/tls/certs/ca-bundle.crt") if os.path.exists(p)), None)
    try:
        url = info["endpoint"] + "/bench/ok"
        cfg = os.path.join(plain_dir, "cloudhsm-pkcs11.cfg")
        ours = add_cluster_cmd(bin_, url, info["ca"], cfg)
        curl = curl_cmd(url)
        with_var = dict(env, AWS_CA_BUNDLE=system) if system else None
        # (label, environment, our command, counted in the goal)
        cases = [("without AWS_CA_BUNDLE", env, ours, True)]
        if with_var:
            cases.append(("AWS_CA_BUNDLE=%s (%d certificates)" % (
                system, open(system).read().count("BEGIN CERTIFICATE")), with_var, ours, True))
        # the same run writing nothing: what the durable write (a temporary
        # file, two fsyncs, a rename) costs, which curl -o /dev/null does not do
        cases.append(("without AWS_CA_BUNDLE, --dry-run (no config written)", env,
                      ours + ["--dry-run"], False))
        times = {}
        for label, e, _, _ in cases:
            times[(label, "ours")], times[(label, "curl")] = [], []
        for _ in range(runs):
            for label, e, ours_cmd, _ in cases:
                for who, cmd in (("ours", ours_cmd), ("curl", curl)):
                    if who == "ours" and os.path.exists(cfg):
                        os.unlink(cfg)
                    wall, _, code, err = run(cmd, e)
                    if code:
                        sys.exit("%s (%s) failed: %s" % (who, label, err))
                    times[(label, who)].append(wall)
        return [(label, median(times[(label, "ours")]) * 1000,
                 median(times[(label, "curl")]) * 1000, counted)
                for label, _, _, counted in cases]
    finally:
        server.stdin.close()
        server.wait(timeout=10)


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return "%s, %d cores, %.0f GiB, %s %s" % (cpu, os.cpu_count(), mem,
                                             platform.system(), platform.release())


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not found"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--scale-runs", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="cp-bench-")
    os.chmod(tmp, 0o700)
    server, info = start_server(tmp)
    try:
        url = info["endpoint"] + "/bench/ok"
        api_ca, cl_ca = info["api_ca"], info["ca"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                   AWS_EC2_METADATA_DISABLED="true",
                   AWS_CONFIG_FILE=os.path.join(tmp, "none"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "none"),
                   AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:%d" % closed_port())
        cfg = os.path.join(tmp, "cloudhsm-pkcs11.cfg")
        clients = {
            "configure-pkcs11 add-cluster": add_cluster_cmd(
                args.bin, url, cl_ca, cfg, "--ca-bundle", api_ca),
            "curl --aws-sigv4": curl_cmd(url, "--cacert", api_ca),
            "aws cloudhsmv2 describe-clusters": [
                "aws", "cloudhsmv2", "describe-clusters", "--endpoint-url", url,
                "--ca-bundle", api_ca, "--region", "us-east-1",
                "--filters", "clusterIds=" + CID, "--output", "json"],
        }
        if not shutil.which("aws"):
            del clients["aws cloudhsmv2 describe-clusters"]
        # every client must work before it is timed
        for name, cmd in clients.items():
            if os.path.exists(cfg):
                os.unlink(cfg)
            _, _, code, err = run(cmd, env)
            if code != 0:
                sys.exit("%s failed (exit %d): %s" % (name, code, err))
        times = {n: [] for n in clients}
        mem = {n: [] for n in clients}
        for i in range(args.runs):
            for name, cmd in clients.items():
                if name.startswith("configure") and os.path.exists(cfg):
                    os.unlink(cfg)  # a full run writes the file each time
                wall, rss, code, err = run(cmd, env)
                if code != 0:
                    sys.exit("%s failed (exit %d): %s" % (name, code, err))
                times[name].append(wall)
                mem[name].append(rss)

        med = {n: median(times[n]) * 1000 for n in clients}
        rss = {n: median(mem[n]) / 1024 for n in clients}
        curl = med["curl --aws-sigv4"]
        awscli = med.get("aws cloudhsmv2 describe-clusters")

        # scale: add-cluster and remove-cluster on configs of N slots
        scale = []
        for n in (1, 100, 1000, 10000):
            base = os.path.join(tmp, "base-%d.cfg" % n)
            slots_config(base, n, cl_ca)
            add_t, rm_t = [], []
            for _ in range(args.scale_runs):
                shutil.copy(base, cfg)
                add = clients["configure-pkcs11 add-cluster"]
                wall, _, code, err = run(add, env)
                if code:
                    sys.exit("scale add failed: " + err)
                add_t.append(wall)
                wall, _, code, err = run([args.bin, "remove-cluster", "--cluster-id", CID,
                                          "--config", cfg, "--output", "off"], env)
                if code:
                    sys.exit("scale remove failed: " + err)
                rm_t.append(wall)
            scale.append((n, os.path.getsize(base), median(add_t) * 1000, median(rm_t) * 1000))

        # no credentials off EC2: instance metadata refused, and silent
        nocred = {k: v for k, v in env.items()
                  if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                               "AWS_EC2_METADATA_DISABLED")}
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # accepts, never answers: a black hole
        cases = {"instance metadata refused (closed port)": nocred["AWS_EC2_METADATA_SERVICE_ENDPOINT"],
                 "instance metadata silent (no answer)": "http://127.0.0.1:%d" % silent.getsockname()[1]}
        nocreds = {}
        for label, ep in cases.items():
            e = dict(nocred, AWS_EC2_METADATA_SERVICE_ENDPOINT=ep)
            ts = []
            for _ in range(5):
                wall, _, code, err = run(clients["configure-pkcs11 add-cluster"], e)
                if code != 253:
                    sys.exit("no-credentials case gave exit %d: %s" % (code, err))
                ts.append(wall)
            nocreds[label] = median(ts) * 1000
        silent.close()

        fleet = fleet_refresh(tmp, args.bin, env, max(3, args.scale_runs // 2))
        silent_rows = check_silent(tmp, args.bin, env, cl_ca)
        comp_rows = components(tmp, args.bin, env, max(3, args.scale_runs // 2))
        # three times the runs: the rows differ by less than the noise of 30
        bundle_rows = ca_bundle_rows(tmp, args.bin, env, 3 * args.runs)
    finally:
        server.stdin.close()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    lines = []
    lines.append("# Benchmarks\n")
    lines.append("Made by `scripts/bench` on %s, %s. Median of %d interleaved runs per "
                 "client against one local HTTPS endpoint (a private CA) serving "
                 "DescribeClusters; peak memory is the process's maximum resident set.\n"
                 % (time.strftime("%Y-%m-%d"), machine(), args.runs))
    lines.append("Versions: configure-pkcs11 %s; %s; %s.\n" % (
        version([args.bin, "--version"]).split()[-1], version(["curl", "--version"]),
        version(["aws", "--version"])))
    lines.append("## One signed DescribeClusters call\n")
    lines.append("| client | median wall time | peak memory | time vs curl | time vs AWS CLI |")
    lines.append("|---|---:|---:|---:|---:|")
    for n in clients:
        lines.append("| %s | %.1f ms | %.1f MiB | %.2fx | %s |" % (
            n, med[n], rss[n], med[n] / curl,
            "%.3fx (%.0fx faster)" % (med[n] / awscli, awscli / med[n]) if awscli else "n/a"))
    lines.append("")
    ours = med["configure-pkcs11 add-cluster"]
    lines.append("Targets: add-cluster within 1.3x of curl: **%.2fx** (%s); at least 20x faster "
                 "than the AWS CLI: **%s** (%s); peak memory within 2 MiB of curl's: **%+.1f MiB** (%s).\n" % (
                     ours / curl, "met" if ours / curl <= 1.3 else "missed",
                     "%.0fx" % (awscli / ours) if awscli else "n/a",
                     "met" if awscli and awscli / ours >= 20 else "missed",
                     rss["configure-pkcs11 add-cluster"] - rss["curl --aws-sigv4"],
                     "met" if rss["configure-pkcs11 add-cluster"] - rss["curl --aws-sigv4"] <= 2 else "missed"))
    lines.append("## With AWS_CA_BUNDLE set\n")
    lines.append("The same call over plain http (median of %d interleaved runs), with and "
                 "without the variable naming the system's CA bundle, as behind a corporate "
                 "proxy. No TLS layer reads the bundle over http: the difference is the "
                 "tool's own check of it, which reads only the first certificate.\n" % (3 * args.runs))
    lines.append("| environment | add-cluster | curl --aws-sigv4 | time vs curl |")
    lines.append("|---|---:|---:|---:|")
    for label, o, c, _ in bundle_rows:
        lines.append("| %s | %.1f ms | %.1f ms | %.2fx |" % (label, o, c, o / c))
    worst = max(o / c for _, o, c, counted in bundle_rows if counted)
    lines.append("")
    lines.append("Goal: at most 1.15x curl with and without the variable: **%.2fx** (%s). "
                 "The --dry-run row is the same run without the config's durable write, "
                 "which curl, writing to /dev/null, does not do.\n"
                 % (worst, "met" if worst <= 1.15 else "missed"))
    lines.append("## Config size\n")
    lines.append("add-cluster (a full run, one slot added) and remove-cluster on configs of N "
                 "slots, median of %d runs each.\n" % args.scale_runs)
    lines.append("| slots | file size | add-cluster | remove-cluster | add-cluster: ms per 1,000 slots over 1 slot |")
    lines.append("|---:|---:|---:|---:|---:|")
    one = scale[0][2]
    for n, size, a, r in scale:
        lines.append("| %d | %.1f KiB | %.1f ms | %.1f ms | %s |" % (
            n, size / 1024, a, r, "%.1f" % ((a - one) / (n / 1000)) if n >= 1000 else "-"))
    lines.append("")
    lines.append("Growth is linear when the last column stays flat (parse, edit and write "
                 "are each one pass over the file).\n")
    lines.append("## No credentials, off EC2\n")
    lines.append("| instance metadata | time to the error (exit 253) |")
    lines.append("|---|---:|")
    for label, ms in nocreds.items():
        lines.append("| %s | %.0f ms |" % (label, ms))
    lines.append("")
    lines.append("## Fleets\n")
    n, calls, refresh_ms, one_by_one_ms = fleet
    lines.append("refresh-clusters on %d stale slots in one region (moto, signatures checked), "
                 "median of %d runs, against %d add-cluster runs one after another.\n"
                 % (n, max(3, args.scale_runs // 2), n))
    lines.append("| how | API calls | wall time |")
    lines.append("|---|---:|---:|")
    lines.append("| refresh-clusters | %d | %.0f ms |" % (calls, refresh_ms))
    lines.append("| %d x add-cluster | %d | %.0f ms |" % (n, n, one_by_one_ms))
    lines.append("")
    lines.append("Goal: one API call for the region: **%d** (%s); %.0fx faster than one run a slot.\n"
                 % (calls, "met" if calls == 1 else "missed", one_by_one_ms / refresh_ms))
    lines.append("check against servers that accept and never answer, `--timeout 2`:\n")
    lines.append("| silent servers | wall time | one after another would take |")
    lines.append("|---:|---:|---:|")
    for n, ms in silent_rows:
        lines.append("| %d | %.0f ms | about %d ms |" % (n, ms, n * 2000))
    six = dict(silent_rows).get(6)
    lines.append("")
    lines.append("Goal: 6 silent servers in under 3 s: **%.1f s** (%s).\n"
                 % (six / 1000, "met" if six < 3000 else "missed"))
    lines.append("## Every SDK component\n")
    lines.append("One cluster into the pkcs11, cli and jce files of one folder (moto, which "
                 "counts the DescribeClusters calls it answers), median of %d runs.\n"
                 % max(3, args.scale_runs // 2))
    lines.append("| how | API calls (moto's count) | wall time |")
    lines.append("|---|---:|---:|")
    for how, (n_calls, ms) in comp_rows.items():
        lines.append("| %s | %d | %.0f ms |" % (how, n_calls, ms))
    lines.append("")
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
