#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certcheck --iam NAME: the certificate IAM holds, fetched with one GetServerCertificate, run
through the same checks as a local bundle plus CloudFront eligibility (iam.path); --expect FILE
says whether IAM holds exactly a local bundle's leaf and chain (iam.same / iam.differs);
NoSuchEntity is exit 4. Certificates are put there by the AWS CLI and boto3, not by libcert."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import EmuTestCase, main, fixture, read  # noqa: E402


def codes(doc):
    return {f["code"]: f["severity"] for f in doc["findings"]}


class CertcheckIam(EmuTestCase):

    def upload(self, name, path="/cloudfront/", leaf="leaf-rsa2048", chain="chain.pem"):
        kw = dict(ServerCertificateName=name, Path=path, CertificateBody=read(fixture(leaf + ".pem")),
                  PrivateKey=read(fixture(leaf + ".key")))
        if chain:
            kw["CertificateChain"] = read(fixture(chain))
        return self.iam().upload_server_certificate(**kw)["ServerCertificateMetadata"]

    def check(self, *args, rc=0):
        r = self.tool("certcheck", *self.CHECK, *args)
        self.assertEqual(r.rc, rc, r)
        return r

    def test_iam_path_for_a_certificate_under_root(self):
        self.aws("iam", "upload-server-certificate", "--server-certificate-name", "rooted", "--path", "/",
                 "--certificate-body", "file://" + fixture("leaf-rsa2048.pem"),
                 "--private-key", "file://" + fixture("leaf-rsa2048.key"),
                 "--certificate-chain", "file://" + fixture("chain.pem"))
        self.emu.clear_log()
        r = self.check("--iam", "rooted", "--json", rc=1)
        self.assertEqual(self.emu.actions(), ["GetServerCertificate"])
        doc = r.json()
        self.assertEqual(codes(doc).get("iam.path"), "error", doc["findings"])
        self.assertEqual(doc["exit_code"], 1)
        self.assertTrue(any("iam:rooted" in i for i in doc["input"]), doc["input"])
        # everything else about it is fine: the same checks as for a local bundle
        self.assertEqual([c for c, s in codes(doc).items() if s == "error"], ["iam.path"])
        self.assertNotIn("key.missing", codes(doc))  # IAM never hands out the key
        r = self.check("--iam", "rooted", rc=1)
        self.assertIn("iam.path", r.out)
        self.assertIn("/cloudfront/", r.out)

        # moved under /cloudfront/ (as certls --fix-path does): eligible now
        self.iam().update_server_certificate(ServerCertificateName="rooted", NewPath="/cloudfront/")
        r = self.check("--iam", "rooted", "--json", rc=0)
        self.assertNotIn("iam.path", codes(r.json()))

    def test_same_checks_as_a_local_bundle(self):
        self.upload("soon", leaf="leaf-soon")
        doc = self.check("--iam", "soon", "--json", rc=0).json()
        self.assertEqual(codes(doc).get("cert.expires_soon"), "warning")
        self.assertEqual(doc["leaf"]["not_after"], "2026-01-11T00:00:00Z")
        self.assertEqual(len(doc["chain"]), 2)
        doc = self.tool("certcheck", "--at", "2026-02-01T00:00:00Z", "--ca-file", fixture("root.pem"),
                        "--iam", "soon", "--json")
        self.assertEqual(doc.rc, 1, doc)
        self.assertEqual(codes(doc.json()).get("cert.expired"), "error")
        # what a local certcheck says about the same files
        local = self.check("--json", fixture("leaf-soon.pem"), fixture("chain.pem"), rc=0).json()
        self.assertEqual(local["leaf"]["sha256"], self.check("--iam", "soon", "--json").json()["leaf"]["sha256"])

    def test_expect_same_and_differs(self):
        self.upload("cf")
        self.upload("leafonly", chain=None)
        self.emu.clear_log()
        doc = self.check("--iam", "cf", "--expect", fixture("bundle-good.pem"), "--json", rc=0).json()
        self.assertEqual(codes(doc).get("iam.same"), "info")
        self.assertNotIn("iam.differs", codes(doc))
        self.assertEqual(self.emu.actions(), ["GetServerCertificate"])
        # the root in the expected bundle does not count; the order of the input does not either
        for f in ("bundle-root.pem", "bundle-shuffled.pem", "fullchain.pem"):
            doc = self.check("--iam", "cf", "--expect", fixture(f), "--json", rc=0).json()
            self.assertIn("iam.same", codes(doc), f)
        # another leaf
        doc = self.check("--iam", "cf", "--expect", fixture("bundle-rsa3072.pem"), "--json", rc=1).json()
        self.assertEqual(codes(doc).get("iam.differs"), "error")
        self.assertNotIn("iam.same", codes(doc))
        # the same leaf, another chain (IAM has none)
        doc = self.tool("certcheck", *self.CHECK, "--iam", "leafonly", "--expect", fixture("bundle-good.pem"),
                        "--json").json()
        self.assertEqual(codes(doc).get("iam.differs"), "error")
        self.assertNotIn("iam.same", codes(doc))
        r = self.check("--iam", "cf", "--expect", fixture("bundle-rsa3072.pem"), rc=1)
        self.assertIn("iam.differs", r.out)
        # --expect goes with --iam
        self.check("--expect", fixture("bundle-good.pem"), fixture("bundle-good.pem"), rc=2)

    def test_no_such_entity(self):
        r = self.check("--iam", "nothing-here", rc=4)
        self.assertRegex(r.err, r"IAM rejected GetServerCertificate: NoSuchEntity: .*nothing-here.* "
                                r"\(request id [0-9a-f-]{36}\)")
        self.assertEqual(self.emu.actions(), ["GetServerCertificate"])  # not retried
        # --json: exactly one document, failures included, in certcheck's own schema
        r = self.check("--iam", "nothing-here", "--json", rc=4)
        doc = r.json()
        self.assertEqual(doc["status"], "error")
        self.assertEqual(doc["exit_code"], 4)
        self.assertIn("NoSuchEntity", doc["error"]["message"])

    def test_host(self):
        self.upload("cf")
        doc = self.check("--iam", "cf", "--host", "shop.example.org", "--json", rc=1).json()
        self.assertEqual(codes(doc).get("name.uncovered"), "error")
        doc = self.check("--iam", "cf", "--host", "www.example.com", "--json", rc=0).json()
        self.assertNotIn("name.uncovered", codes(doc))


if __name__ == "__main__":
    main()
