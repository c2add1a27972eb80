#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""libcert's partition table (libcert/src/aws/partition_table.c, from scripts/gen_partitions.py)
against botocore's endpoint data, where botocore is installed (it is: moto needs it).

- Resolution: every region botocore's endpoints.json and partitions.json know, every
  partition's pseudo-regions, and made-up regions that only match a partition's pattern, for each
  service libcert talks to (iam, cloudfront, route53, acm, sts, portal.sso) that the region's partition
  has: the host name and the signing region must be botocore's EndpointResolver's, and the
  partition its partition.
- The table itself: when this botocore is the version the table was made from, regenerating it
  gives the committed file byte for byte (scripts/gen_partitions.py --check).
- A session as a tool makes one (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile): each
  service's endpoint and signing region in aws, aws-cn, aws-us-gov, and the SDKs' client for
  the same region gives the same endpoint URL (botocore's endpoint rules, which newer botocore
  resolves with instead of endpoints.json); CloudFront is unavailable where botocore has none;
  STS and the SSO portal follow the partition.

Run: python3 test_partitions.py   (ctest sets LIBCERT_BUILD)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import botocore
import botocore.session
from botocore.regions import EndpointResolver

BUILD = os.environ.get("LIBCERT_BUILD", "")
SRC = os.environ.get("LIBCERT_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRIVER = os.path.join(BUILD, "tests", "integration", "partition_driver")
SERVICES = ("iam", "cloudfront", "route53", "acm", "sts", "portal.sso")


def botocore_data(name):
    with open(os.path.join(os.path.dirname(botocore.__file__), "data", name + ".json")) as f:
        return json.load(f)


def drive(lines):
    out = subprocess.run([DRIVER, "resolve"], input="\n".join(lines) + "\n", text=True,
                         capture_output=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def session(region=None, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e["HOME"] = tempfile.mkdtemp(prefix="libcert-part-")
    e.update(env or {})
    argv = [DRIVER, "session"] + ([region] if region else [])
    r = subprocess.run(argv, text=True, capture_output=True, env=e)
    return json.loads(r.stdout)


class Resolution(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.endpoints = botocore_data("endpoints")
        cls.resolver = EndpointResolver(cls.endpoints)
        regions = set()
        for p in cls.endpoints["partitions"]:
            regions.update(p["regions"])
            for s in SERVICES:
                regions.update(p["services"].get(s, {}).get("endpoints", {}))
        for p in botocore_data("partitions")["partitions"]:
            regions.update(p["regions"])
        # regions no list names yet, which only a partition's pattern claims
        regions.update(["us-west-9", "eu-south-7", "cn-south-5", "us-gov-north-3", "us-isob-west-8"])
        cls.regions = sorted(regions)

    def partition_of(self, service, region):
        for p in self.endpoints["partitions"]:
            if region in p["services"].get(service, {}).get("endpoints", {}):
                return p
            if region in p["regions"] or __import__("re").match(p["regionRegex"], region):
                return p
        return None

    def test_partitions__every_region_and_service_as_botocore(self):
        cases = [(s, r) for s in SERVICES for r in self.regions]
        got = drive([f"{s} {r}" for s, r in cases])
        self.assertEqual(len(got), len(cases))
        compared = 0
        for (s, r), g in zip(cases, got):
            p = self.partition_of(s, r)
            if p is None:
                # a region no partition claims is partition aws (botocore's endpoint rules)
                want = self.resolver.construct_endpoint(s, r, partition_name="aws")
                self.assertEqual((g.get("partition"), g.get("hostname")), ("aws", want["hostname"]), (s, r))
                continue
            if s not in p["services"]:
                # the region's partition has no such service: refused, never a made-up host
                self.assertIn("error", g, (s, r, g))
                continue
            want = self.resolver.construct_endpoint(s, r)
            self.assertIsNotNone(want, (s, r))
            self.assertNotIn("error", g, (s, r, g))
            self.assertEqual(g["hostname"], want["hostname"], (s, r))
            self.assertEqual(g["signing_region"], want.get("credentialScope", {}).get("region", r), (s, r))
            self.assertEqual(g["partition"], want["partition"], (s, r))
            compared += 1
        self.assertGreater(compared, 150)

    def test_partitions__no_region_is_the_global_endpoint_of_aws(self):
        got = {g["service"]: g for g in drive([f"{s} -" for s in SERVICES])}
        for s in ("iam", "cloudfront", "route53"):
            want = self.resolver.construct_endpoint(s, None)
            self.assertEqual(got[s]["hostname"], want["hostname"])
            self.assertEqual(got[s]["signing_region"], want["credentialScope"]["region"])
        self.assertIn("error", got["acm"])  # regional: needs a region

    def test_partitions__known_answers(self):
        want = {
            ("iam", "cn-north-1"): ("aws-cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            ("cloudfront", "cn-north-1"): ("aws-cn", "cloudfront.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
            ("route53", "cn-north-1"): ("aws-cn", "route53.amazonaws.com.cn", "cn-northwest-1"),
            ("iam", "us-gov-west-1"): ("aws-us-gov", "iam.us-gov.amazonaws.com", "us-gov-west-1"),
            ("iam", "eu-west-1"): ("aws", "iam.amazonaws.com", "us-east-1"),
            ("acm", "us-east-1"): ("aws", "acm.us-east-1.amazonaws.com", "us-east-1"),
            ("sts", "cn-northwest-1"): ("aws-cn", "sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
            ("portal.sso", "cn-north-1"): ("aws-cn", "portal.sso.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        }
        got = drive([f"{s} {r}" for s, r in want])
        for (k, v), g in zip(want.items(), got):
            self.assertEqual((g.get("partition"), g.get("hostname"), g.get("signing_region")), v, k)
        bad = drive(["cloudfront us-gov-west-1", "iam EU_WEST", "iam eu-west-1.evil.com"])
        for g in bad:
            self.assertIn("error", g)

    def test_partitions__table_is_the_generated_one(self):
        version = subprocess.run([DRIVER, "version"], text=True, capture_output=True, check=True).stdout.strip()
        if version != f"botocore {botocore.__version__}":
            self.skipTest(f"the table is from {version}, this is botocore {botocore.__version__}")
        r = subprocess.run([sys.executable, os.path.join(SRC, "scripts", "gen_partitions.py"), "--check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


class Session(unittest.TestCase):
    """Endpoints and signing regions of a session, as the tools make it."""

    def sdk_endpoint(self, service, region):
        c = botocore.session.get_session().create_client(
            service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
        return c.meta.endpoint_url

    def test_partitions__session_aws_cn(self):
        s = session("cn-north-1")
        self.assertEqual(s["partition"], "aws-cn")
        sv = s["services"]
        self.assertEqual(sv["iam"]["endpoint"], "https://iam.cn-north-1.amazonaws.com.cn")
        self.assertEqual(sv["iam"]["signing_region"], "cn-north-1")
        self.assertEqual(sv["cloudfront"]["endpoint"], "https://cloudfront.cn-northwest-1.amazonaws.com.cn")
        self.assertEqual(sv["cloudfront"]["signing_region"], "cn-northwest-1")
        self.assertEqual(sv["sts"]["endpoint"], "https://sts.cn-north-1.amazonaws.com.cn")
        self.assertEqual(sv["sts"]["signing_region"], "cn-north-1")
        self.assertEqual(sv["route53"]["endpoint"], "https://route53.amazonaws.com.cn")
        self.assertEqual(sv["route53"]["signing_region"], "cn-northwest-1")
        for name in ("iam", "cloudfront", "sts", "route53"):
            self.assertEqual(sv[name]["endpoint"], self.sdk_endpoint(name, "cn-north-1"), name)

    def test_partitions__session_aws_us_gov_has_no_cloudfront(self):
        s = session(env={"AWS_REGION": "us-gov-west-1"})
        self.assertEqual(s["region"], "us-gov-west-1")
        self.assertEqual(s["partition"], "aws-us-gov")
        sv = s["services"]
        self.assertFalse(sv["cloudfront"]["available"])
        self.assertEqual(sv["cloudfront"]["endpoint"], "")
        self.assertEqual(sv["iam"]["endpoint"], "https://iam.us-gov.amazonaws.com")
        self.assertEqual(sv["iam"]["endpoint"], self.sdk_endpoint("iam", "us-gov-west-1"))
        self.assertEqual(sv["iam"]["signing_region"], "us-gov-west-1")

    def test_partitions__session_acm_is_us_east_1_whatever_the_region(self):
        for region in ("eu-west-1", "ap-southeast-2", None):
            s = session(env={"AWS_DEFAULT_REGION": region} if region else {})
            self.assertEqual(s["services"]["acm"]["endpoint"], "https://acm.us-east-1.amazonaws.com", region)
            self.assertEqual(s["services"]["acm"]["signing_region"], "us-east-1", region)
            self.assertEqual(s["services"]["iam"]["signing_region"], "us-east-1", region)
        # STS follows the region (botocore's default sts_regional_endpoints = regional) ...
        s = session("eu-west-1")
        self.assertEqual(s["services"]["sts"]["endpoint"], self.sdk_endpoint("sts", "eu-west-1"))
        self.assertEqual(s["services"]["sts"]["signing_region"], "eu-west-1")
        # ... unless legacy, and without a region it is the global endpoint
        s = session("eu-west-1", env={"AWS_STS_REGIONAL_ENDPOINTS": "legacy"})
        self.assertEqual(s["services"]["sts"]["endpoint"], "https://sts.amazonaws.com")
        s = session()
        self.assertEqual(s["services"]["sts"]["endpoint"], "https://sts.amazonaws.com")
        self.assertEqual(s["services"]["sts"]["signing_region"], "us-east-1")

    def test_partitions__region_order_and_endpoint_override(self):
        # --region beats AWS_REGION beats AWS_DEFAULT_REGION
        env = {"AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "cn-north-1"}
        self.assertEqual(session("us-gov-east-1", env=env)["region"], "us-gov-east-1")
        self.assertEqual(session(env=env)["region"], "eu-west-2")
        # AWS_ENDPOINT_URL_ACM moves ACM only; the signing region stays CloudFront's
        s = session("cn-north-1", env={"AWS_ENDPOINT_URL_ACM": "http://127.0.0.1:9"})
        self.assertEqual(s["services"]["acm"]["endpoint"], "http://127.0.0.1:9")
        self.assertEqual(s["services"]["iam"]["endpoint"], "https://iam.cn-north-1.amazonaws.com.cn")
        # a region that is not a region name is refused
        self.assertIn("error", session("../etc"))

    def test_partitions__profile_region_and_services_section(self):
        home = tempfile.mkdtemp(prefix="libcert-part-")
        cfg = os.path.join(home, "config")
        with open(cfg, "w") as f:
            f.write("[default]\nregion = cn-northwest-1\nservices = emu\n"
                    "[services emu]\nacm =\n  endpoint_url = http://127.0.0.1:8\n")
        s = session(env={"AWS_CONFIG_FILE": cfg})
        self.assertEqual(s["region"], "cn-northwest-1")
        self.assertEqual(s["partition"], "aws-cn")
        self.assertEqual(s["services"]["acm"]["endpoint"], "http://127.0.0.1:8")
        self.assertEqual(s["services"]["sts"]["endpoint"], "https://sts.cn-northwest-1.amazonaws.com.cn")


if __name__ == "__main__":
    if not os.path.exists(DRIVER):
        sys.exit(f"{DRIVER} is missing: set LIBCERT_BUILD (ctest does)")
    unittest.main(verbosity=2)
