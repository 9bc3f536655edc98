#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""make_describe.py — a saved DescribeClusters answer with many ACTIVE
clusters, their certificates signed by one test CA, for tests that run many
add-cluster processes with --from-describe (no API, no credentials).

Writes <dir>/ca.crt and <dir>/describe.json; prints the cluster ids, one a line.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_peer import make_cert, pem  # noqa: E402

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def cluster_id(i):
    return ("cluster-many" + ALPHABET[i // 1024 % 32] + ALPHABET[i // 32 % 32]
            + ALPHABET[i % 32] + "zzzz")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--clusters", type=int, default=64)
    args = ap.parse_args()
    ca = make_cert("Many CA", is_ca=True)
    cert = pem(make_cert("Many cluster", issuer=ca)[0])  # one certificate serves all
    clusters, ids = [], []
    for i in range(args.clusters):
        cid = cluster_id(i)
        ids.append(cid)
        clusters.append({
            "ClusterId": cid, "State": "ACTIVE", "HsmType": "hsm2m.medium",
            "Certificates": {"ClusterCertificate": cert},
            "Hsms": [{"HsmId": "hsm-%011d" % i, "State": "ACTIVE",
                      "EniIp": "10.%d.%d.%d" % (i // 65536 % 256, i // 256 % 256, i % 256),
                      "AvailabilityZone": "us-east-1a"}]})
    with open(os.path.join(args.dir, "ca.crt"), "w") as f:
        f.write(pem(ca[0]))
    with open(os.path.join(args.dir, "describe.json"), "w") as f:
        json.dump({"Clusters": clusters}, f)
    print("\n".join(ids))


if __name__ == "__main__":
    main()
