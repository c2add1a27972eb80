#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The integration cases that stock moto can serve, run against stock moto and against
tests/emulator (moto plus libcert's IAM and CloudFront rules), so the emulator's rules cannot
drift from moto, and moto's from AWS's as libcert sees them, unnoticed in the paths both serve.

LIBCERT_BACKEND=emulator (default) or moto picks the server; ctest runs both
(integration_moto_parity and integration_moto_parity_stock).

Which cases qualify: those whose requests and answers moto 5.2.1 implements as AWS does for
what the tool reads (tests/emulator/README.md, "moto behaviour worth knowing"):
  - certup: one UploadServerCertificate, read back with the AWS CLI (body, chain, path);
  - certcheck --iam NAME --expect BUNDLE: GetServerCertificate;
  - certls --json: ListServerCertificates and GetAccountSummary;
  - certls through a role profile: STS AssumeRole, then IAM signed with its credentials;
  - certattach --cert NAME DIST: GetServerCertificate, GetDistributionConfig, UpdateDistribution
    with If-Match, read back with the AWS CLI (ViewerCertificate);
  - certcheck --distribution DIST: GetDistributionConfig and the certificate it names.
Left out, because stock moto does not do what AWS does (so the tool would be tested against
moto's gaps): anything that needs a distinct ServerCertificateId per certificate (moto gives every
certificate the same one), name conflicts and quotas (moto accepts duplicates), tags
(TagServerCertificate and ListServerCertificateTags are not implemented), PathPrefix and
pagination (ignored), Status changes (never Deployed: --wait, certrotate), 412 on a stale ETag
(moto checks only that If-Match is there), aliases in list summaries (certls --in-use,
certattach --alias), every fault (the emulator's), and certprune (fixed, old UploadDate and
Expiration). Within the cases, two assertions hold against the emulator only, because moto 5.2.1
differs from AWS there: after an update moto keeps CloudFrontDefaultCertificate true and the old
ETag.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import shutil
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    AT,
    PYTHON,
    Emu,
    base_env,
    fixture,
    main,
    overlay,
    pem_ders,
    read,
    run,
    tool_path,
)

BACKEND = os.environ.get("LIBCERT_BACKEND", "emulator")
CHECK = ("--at", AT, "--ca-file", fixture("root.pem"))


class StockMoto:
    """python -m moto.server on 127.0.0.1, as it comes."""

    def __init__(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.proc = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
        self.proc = subprocess.Popen([PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("moto.server exited")
                time.sleep(0.1)
        raise RuntimeError("moto.server did not answer in 30 s")

    def reset(self):
        req = urllib.request.Request(self.endpoint + "/moto-api/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class Parity(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="libcert-parity-")
        cls.server = (StockMoto() if BACKEND == "moto" else Emu(deploy_delay=0)).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.home, ignore_errors=True)

    def setUp(self):
        self.server.reset()

    def env(self, **extra):
        env = base_env(self.home)
        env["AWS_ENDPOINT_URL"] = self.server.endpoint
        return overlay(env, extra)

    def tool(self, name, *args, env=None):
        return run([tool_path(name), *args], env or self.env())

    def aws(self, *args):
        r = run(["aws", "--endpoint-url", self.server.endpoint, "--output", "json", *args], self.env(),
                timeout=120)
        self.assertEqual(r.rc, 0, r)
        return json.loads(r.out) if r.out.strip() else None

    def upload(self, name="parity"):
        r = self.tool("certup", *CHECK, "--name", name, fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 0, r)
        return r

    def distribution(self, cert_id=None):
        """A distribution made with the AWS CLI (as a user would), with the default certificate
        or an IAM one."""
        vc = ({"IAMCertificateId": cert_id, "SSLSupportMethod": "sni-only",
               "MinimumProtocolVersion": "TLSv1.2_2021"} if cert_id else {"CloudFrontDefaultCertificate": True})
        cfg = {"CallerReference": f"parity-{time.monotonic_ns()}", "Comment": "parity", "Enabled": True,
               "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "origin.example.com",
                                                     "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                            "OriginProtocolPolicy": "https-only"}}]},
               "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                        "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
               "ViewerCertificate": vc}
        path = os.path.join(self.home, "dist.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        return self.aws("cloudfront", "create-distribution", "--distribution-config", f"file://{path}")[
            "Distribution"]["Id"]

    # -- the cases ------------------------------------------------------------------------------

    def test_certup_uploads_what_the_cli_reads_back(self):
        self.upload()
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "parity")["ServerCertificate"]
        bundle = read(fixture("bundle-good.pem"))
        ders = pem_ders(bundle)
        self.assertEqual(pem_ders(got["CertificateBody"]), ders[:1])
        self.assertEqual(pem_ders(got.get("CertificateChain", "")), ders[1:2] + [
            d for d in ders[2:] if d not in pem_ders(read(fixture("root.pem")))])
        self.assertEqual(got["ServerCertificateMetadata"]["Path"], "/cloudfront/")

    def test_certcheck_iam_expect(self):
        self.upload()
        r = self.tool("certcheck", *CHECK, "--iam", "parity", "--expect", fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 0, r)
        r = self.tool("certcheck", *CHECK, "--iam", "no-such-name")
        self.assertEqual(r.rc, 4, r)
        self.assertIn("NoSuchEntity", r.out + r.err)

    def test_certls_lists_with_the_quota(self):
        self.upload()
        r = self.tool("certls", "--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual([m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]], ["parity"])
        self.assertEqual(doc["libcert"]["exit_code"], 0)

    def test_role_profile_assumes_the_role(self):
        self.upload()
        cfg = os.path.join(self.home, "config")
        with open(cfg, "w") as f:
            f.write("[profile parity]\nrole_arn = arn:aws:iam::123456789012:role/parity\n"
                    "source_profile = base\n[profile base]\nregion = us-east-1\n")
        creds = os.path.join(self.home, "credentials")
        with open(creds, "w") as f:
            f.write("[base]\naws_access_key_id = AKIDPARITY\naws_secret_access_key = parity-secret\n")
        r = self.tool("certls", "--json", "-v", env=self.env(
            AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=creds, AWS_PROFILE="parity",
            AWS_ENDPOINT_URL_STS=self.server.endpoint, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None))
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.err, r"AssumeRole")
        self.assertEqual([m["ServerCertificateName"] for m in r.json()["ServerCertificateMetadataList"]],
                         ["parity"])

    def test_certattach_and_the_cli_reads_it_back(self):
        self.upload()
        cert_id = self.aws("iam", "get-server-certificate", "--server-certificate-name", "parity")[
            "ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"]
        dist = self.distribution()
        before = self.aws("cloudfront", "get-distribution-config", "--id", dist)
        r = self.tool("certattach", *CHECK, "--cert", "parity", dist)
        self.assertEqual(r.rc, 0, r)
        after = self.aws("cloudfront", "get-distribution-config", "--id", dist)
        vc = after["DistributionConfig"]["ViewerCertificate"]
        self.assertEqual(vc["IAMCertificateId"], cert_id)
        self.assertEqual(vc["SSLSupportMethod"], "sni-only")
        if BACKEND != "moto":  # moto's model keeps CloudFrontDefaultCertificate true (5.2.1)
            self.assertFalse(vc.get("CloudFrontDefaultCertificate", False))
        if BACKEND != "moto":  # moto keeps the ETag across updates (5.2.1); AWS gives a new one
            self.assertNotEqual(before["ETag"], after["ETag"])
        # everything but ViewerCertificate as it was
        for cfg in (before, after):
            cfg["DistributionConfig"].pop("ViewerCertificate")
        self.assertEqual(before["DistributionConfig"], after["DistributionConfig"])

    def test_certcheck_distribution(self):
        self.upload()
        cert_id = self.aws("iam", "get-server-certificate", "--server-certificate-name", "parity")[
            "ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"]
        dist = self.distribution(cert_id)
        r = self.tool("certcheck", *CHECK, "--distribution", dist)
        self.assertEqual(r.rc, 0, r)


if __name__ == "__main__":
    main()
