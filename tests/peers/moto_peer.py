#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""moto_peer.py — a real CloudHSMv2/STS/IMDS peer for tests and the demo.

Starts moto's server on 127.0.0.1 with SigV4 signature checking on, seeds it
and writes a JSON description to --info (port, endpoint, keys, files):

  * an IAM user with an access key allowed cloudhsm:* and sts:AssumeRole, a
    second key allowed nothing, and a role the first may assume;
  * a CA ("Customer CA"), a second CA that signed nothing ("Other CA");
  * clusters (ids in the real format), each with ACTIVE HSMs and a
    ClusterCertificate signed by Customer CA; one cluster UNINITIALIZED, one
    with a single non-ACTIVE HSM, one dual-stack, one in every other state;
    one in eu-west-1 (cluster-euwestaaaaa); with --fleet N, N more one-HSM
    clusters (cluster-fleetaaaaaa, cluster-fleetaaaaab, ..., the last one
    tagged Name=fleet-last: moto answers 100 clusters a page);
  * tags: cluster-2ab3cd4ef5g has Name=payments, two clusters team=shared;
  * instance metadata answering with the first user's keys;
  * EC2 (seed_ec2): a VPC, the instance this host plays and its group
    "app-servers", and cluster-2ab3cd4ef5g's group as CloudHSM makes it
    (AWS's CloudHSM guide, "Review cluster security group": TCP 2223-2225 in
    and out within the group itself); DescribeClusters answers that
    cluster's SecurityGroup and VpcId (and cluster-6hij7klm2no's, in a
    second VPC), which moto leaves out, and instance
    metadata answers the instance's interface from moto's own instance
    (mac, network/interfaces/macs/<mac>/security-group-ids, local-ipv4s,
    vpc-id: the paths of AWS's "Instance metadata categories");
  * calls.log in --dir: a line for each DescribeClusters it answers.

Runs until stdin closes or it gets SIGTERM.
"""
import argparse
import datetime
import json
import os
import signal
import sys
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ACCOUNT = "123456789012"


def make_cert(cn, issuer=None, is_ca=False, days=3650):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    b = (x509.CertificateBuilder()
         .subject_name(name)
         .issuer_name(issuer[0].subject if issuer else name)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=days))
         .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    cert = b.sign(issuer[1] if issuer else key, hashes.SHA256())
    return cert, key


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def fleet_id(i):
    """cluster-fleet and six letters (cluster ids have no 0, 1, 8 or 9)."""
    letters = ""
    for _ in range(6):
        letters = chr(ord("a") + i % 26) + letters
        i //= 26
    return "cluster-fleet" + letters


def seed(region, outdir, fleet=0, other_region="eu-west-1"):
    from moto.cloudhsmv2.models import cloudhsmv2_backends
    from moto.iam.models import iam_backends

    iam = iam_backends[ACCOUNT]["aws"]
    iam.create_user(region, "configure-pkcs11")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["cloudhsm:*", "sts:AssumeRole", "ec2:*"], "Resource": "*"}]})
    iam.put_user_policy("configure-pkcs11", "hsm", policy)
    good = iam.create_access_key("configure-pkcs11")
    iam.create_user(region, "nobody")
    iam.put_user_policy("nobody", "none", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "cloudhsm:*", "Resource": "*"}]}))
    denied = iam.create_access_key("nobody")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/configure-pkcs11"},
         "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]})
    role = iam.create_role("hsm-admin", trust, "/", None, "", [], "3600")
    iam.put_role_policy("hsm-admin", "hsm", policy)

    ca = make_cert("Customer CA", is_ca=True)
    other = make_cert("Other CA", is_ca=True)
    with open(os.path.join(outdir, "customerCA.crt"), "w") as f:
        f.write(pem(ca[0]))
    with open(os.path.join(outdir, "otherCA.crt"), "w") as f:
        f.write(pem(other[0]))

    backend = cloudhsmv2_backends[ACCOUNT][region]
    clusters = {}

    def add(cid, state="ACTIVE", hsms=(), network="IPV4", hsm_type="hsm2m.medium", signed=True,
            backend=backend, tags=None):
        c = backend.create_cluster(backup_retention_policy=None, hsm_type=hsm_type,
                                   source_backup_id=None, subnet_ids=["subnet-1"],
                                   network_type=network,
                                   tag_list=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
                                   mode=None)
        obj = backend.clusters.pop(c["ClusterId"])
        obj.cluster_id = cid
        obj.state = state
        obj.hsms = [dict(h, ClusterId=cid) for h in hsms]
        if signed:
            cert = make_cert(cid, issuer=ca, days=3650)
            obj.certificates["ClusterCertificate"] = pem(cert[0])
            obj.certificates["ClusterCsr"] = "-----BEGIN CERTIFICATE REQUEST-----\n"
        backend.clusters[cid] = obj
        clusters[cid] = {"hsms": list(hsms), "state": state}

    def hsm(n, ip, az, state="ACTIVE", ip6=None):
        h = {"HsmId": f"hsm-{n}abcdefghij", "EniIp": ip, "AvailabilityZone": az,
             "SubnetId": "subnet-1", "EniId": f"eni-{n}", "State": state,
             "StateMessage": "HSM created."}
        if ip6:
            h["EniIpV6"] = ip6
        return h

    # tags (--cluster-tag): one Name that one cluster has, one team two have
    add("cluster-2ab3cd4ef5g", hsms=[hsm("a1", "10.0.1.12", f"{region}a"),
                                     hsm("a2", "10.0.2.7", f"{region}b")],
        tags={"Name": "payments", "team": "core"})
    add("cluster-6hij7klm2no", hsm_type="hsm1.medium", tags={"team": "shared"},
        hsms=[hsm("b1", "10.1.1.5", f"{region}a"),
              hsm("b2", "10.1.2.5", f"{region}b", state="CREATE_IN_PROGRESS")])
    add("cluster-uninitzzzzz", state="UNINITIALIZED", hsms=[], signed=False)
    add("cluster-nohsmactive", hsms=[hsm("c1", "10.2.1.5", f"{region}a", state="DEGRADED")])
    # every HSM deleted to save cost: the cluster stays ACTIVE with none
    add("cluster-nohsmsatall", hsms=[])
    add("cluster-dualstackaa", network="DUALSTACK", tags={"team": "shared"},
        hsms=[hsm("d1", "10.3.1.5", f"{region}a", ip6="fd00:ec2::31"),
              hsm("d2", None, f"{region}b", ip6="fd00:ec2::32")])
    # every other state of a cluster (ids in tests/cli/t_add_cluster.sh):
    # usable ones with an ACTIVE HSM, and the ones with nothing to reach
    usable = {"INITIALIZED": "cluster-stinitialized", "DEGRADED": "cluster-stdegradedaaa",
              "UPDATE_IN_PROGRESS": "cluster-stupdatinggg", "MODIFY_IN_PROGRESS": "cluster-stmodifyinggg",
              "ROLLBACK_IN_PROGRESS": "cluster-strollingback", "SOME_FUTURE_STATE": "cluster-stfuturestate"}
    for n, (state, cid) in enumerate(usable.items()):
        add(cid, state=state, hsms=[hsm(f"s{n}", f"10.4.{n}.5", f"{region}a"),
                                    hsm(f"t{n}", f"10.4.{n}.6", f"{region}b",
                                        state="DELETE_IN_PROGRESS")])
    unusable = {"CREATE_IN_PROGRESS": "cluster-stcreatinggg", "INITIALIZE_IN_PROGRESS": "cluster-stinitializing",
                "DELETE_IN_PROGRESS": "cluster-stdeletinggg", "DELETED": "cluster-stdeletedaaa"}
    for state, cid in unusable.items():
        gone = state.startswith("DELETE")
        add(cid, state=state, signed=gone,
            hsms=[hsm("u" + cid[-3:], "10.5.0.5", f"{region}a")] if gone else [])
    # a cluster in another region (refresh-clusters asks each region once)
    add("cluster-euwestaaaaa", hsms=[hsm("e1", "10.6.1.5", f"{other_region}a")],
        backend=cloudhsmv2_backends[ACCOUNT][other_region])
    # a fleet of one-HSM clusters (scripts/bench: refresh-clusters at scale)
    for i in range(fleet):
        add(fleet_id(i), hsms=[hsm(f"f{i}", f"10.8.{i // 250}.{i % 250 + 1}", f"{region}a")],
            tags={"Name": "fleet-last"} if i == fleet - 1 else None)
    return {
        "access_key_id": good.access_key_id, "secret_access_key": good.secret_access_key,
        "denied_access_key_id": denied.access_key_id,
        "denied_secret_access_key": denied.secret_access_key,
        "role_arn": role.arn, "clusters": clusters,
        "ca": os.path.join(outdir, "customerCA.crt"),
        "other_ca": os.path.join(outdir, "otherCA.crt"),
    }


SG_CLUSTER = "cluster-2ab3cd4ef5g"  # the cluster whose group EC2 knows
SG_OTHER_CLUSTER = "cluster-6hij7klm2no"  # one in another VPC


def seed_ec2(endpoint, info, region):
    """Through moto's own EC2 API (boto3, before signatures are checked): the
    VPC, the instance and the two groups; returns what the tests need."""
    import boto3

    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint,
                       aws_access_key_id=info["access_key_id"],
                       aws_secret_access_key=info["secret_access_key"])
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.9.0/24")["Subnet"]["SubnetId"]
    app = ec2.create_security_group(GroupName="app-servers", Description="the application",
                                    VpcId=vpc)["GroupId"]
    cluster = ec2.create_security_group(GroupName=f"cloudhsm-{SG_CLUSTER}-sg",
                                        Description="CloudHSM cluster", VpcId=vpc)["GroupId"]
    # CloudHSM's group: 2223-2225 within itself, in and out, and nothing else
    within = [{"IpProtocol": "tcp", "FromPort": 2223, "ToPort": 2225,
               "UserIdGroupPairs": [{"GroupId": cluster}]}]
    ec2.revoke_security_group_egress(GroupId=cluster, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_ingress(GroupId=cluster, IpPermissions=within)
    ec2.authorize_security_group_egress(GroupId=cluster, IpPermissions=within)
    # a second VPC, with a cluster of its own (its group made the same way)
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_security_group(GroupName=f"cloudhsm-{SG_OTHER_CLUSTER}-sg",
                                      Description="CloudHSM cluster", VpcId=other_vpc)["GroupId"]
    within_other = [dict(within[0], UserIdGroupPairs=[{"GroupId": other}])]
    ec2.authorize_security_group_ingress(GroupId=other, IpPermissions=within_other)
    image = ec2.describe_images()["Images"][0]["ImageId"]
    inst = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet,
                             SecurityGroupIds=[app])["Instances"][0]
    return {"vpc": vpc, "app_sg": app, "cluster_sg": cluster, "instance": inst["InstanceId"],
            "instance_ip": inst["PrivateIpAddress"], "other_vpc": other_vpc, "other_sg": other}


def patch_cluster_network(networks):
    """DescribeClusters with the clusters' SecurityGroup and VpcId
    (networks: cluster id -> (vpc, group)), as AWS's API reference has them
    (moto has no SecurityGroup)."""
    from moto.cloudhsmv2.models import Cluster

    orig = Cluster.to_dict

    def to_dict(self):
        d = orig(self)
        if self.cluster_id in networks:
            vpc, group = networks[self.cluster_id]
            d.update(SecurityGroup=group, VpcId=vpc)
        return d

    Cluster.to_dict = to_dict


def instance_metadata(path, instance_id, region):
    """The interface paths of instance metadata, read off moto's instance:
    the primary interface (device 0) is what "mac" names. None: not one."""
    from moto.ec2.models import ec2_backends

    inst = ec2_backends[ACCOUNT][region].get_instance(instance_id)
    eni = inst.nics[0]
    mac = eni.mac_address
    leaves = {
        "mac": mac,
        f"network/interfaces/macs/{mac}/security-group-ids":
            "\n".join(g.id for g in inst.security_groups),
        f"network/interfaces/macs/{mac}/local-ipv4s": eni.private_ip_address,
        f"network/interfaces/macs/{mac}/vpc-id": eni.subnet.vpc_id,
    }
    return leaves.get(path)


def patch_imds(creds, ec2=None, region="us-east-1"):
    """moto's instance metadata hands out fixed keys that its own IAM does not
    know; answer with the seeded user's instead. With ec2, the interface
    paths too (instance_metadata); other paths it lacks are a 404, as on
    EC2 (an interface without IPv6 has no ipv6s)."""
    from moto.instance_metadata import responses

    orig = responses.InstanceMetadataResponse.metadata_response

    def metadata_response(request, full_url, headers):
        from urllib.parse import urlparse
        path = urlparse(full_url).path
        if ec2 and path.startswith("/latest/meta-data/"):
            leaf = path[len("/latest/meta-data/"):]
            body = instance_metadata(leaf, ec2["instance"], region)
            if body is not None:
                return 200, {}, body
            if leaf.startswith("network/"):
                return 404, {}, "Not Found"
        status, hdrs, body = orig(request, full_url, headers)
        if full_url.rstrip("/").endswith("security-credentials/default-role"):
            d = json.loads(body)
            d.update(AccessKeyId=creds["access_key_id"],
                     SecretAccessKey=creds["secret_access_key"], Token="")
            body = json.dumps(d)
        return status, hdrs, body

    responses.InstanceMetadataResponse.metadata_response = staticmethod(metadata_response)


def patch_public_sts():
    """AWS takes AssumeRoleWithWebIdentity unsigned (the token is the proof);
    moto's signature check would fail on the missing Authorization header."""
    from moto.core.authorization import ActionAuthenticatorMixin

    orig = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def check(self, iam_request_cls, resource="*"):
        if ("Authorization" not in self.headers
                and self._get_action() == "AssumeRoleWithWebIdentity"):
            return
        return orig(self, iam_request_cls, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = check


def patch_count_calls(path):
    """Every DescribeClusters moto answers adds a line "DescribeClusters
    <region>" to path, so a test counts the calls the peer saw (not the
    tool's own count)."""
    from moto.cloudhsmv2.models import CloudHSMV2Backend

    orig = CloudHSMV2Backend.describe_clusters
    lock = threading.Lock()

    def describe_clusters(self, *a, **kw):
        with lock, open(path, "a") as f:
            f.write(f"DescribeClusters {self.region_name}\n")
        return orig(self, *a, **kw)

    CloudHSMV2Backend.describe_clusters = describe_clusters


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--info", required=True, help="where to write the JSON description")
    ap.add_argument("--dir", required=True, help="where to write the CA files")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fleet", type=int, default=0, help="add N one-HSM clusters (ids from fleet_id)")
    args = ap.parse_args()

    from moto import settings
    from moto.server import ThreadedMotoServer

    info = seed(args.region, args.dir, fleet=args.fleet)
    patch_public_sts()
    info["calls_log"] = os.path.join(args.dir, "calls.log")
    patch_count_calls(info["calls_log"])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    port = server._server.server_port  # the port the OS gave
    endpoint = f"http://127.0.0.1:{port}"
    info["ec2"] = seed_ec2(endpoint, info, args.region)
    e = info["ec2"]
    patch_cluster_network({SG_CLUSTER: (e["vpc"], e["cluster_sg"]),
                           SG_OTHER_CLUSTER: (e["other_vpc"], e["other_sg"])})
    patch_imds(info, info["ec2"], args.region)
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0  # from now on, check every signature
    info.update(port=port, endpoint=endpoint, region=args.region)
    tmp = args.info + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f, indent=1)
    os.rename(tmp, args.info)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop()


if __name__ == "__main__":
    main()
