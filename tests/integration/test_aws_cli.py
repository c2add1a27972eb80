#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The tools and the AWS CLI on one account: what the AWS CLI put there (CRLF files too) is what
certup recognises as already done and certcheck --expect as the same; what certup uploads from
every input form is what `aws iam get-server-certificate` returns; certls follows the AWS CLI's
deletes; endpoints, credentials and profiles resolve as the AWS CLI resolves them, with real
SigV4 checking (moto's) when it is on."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import EmuTestCase, main, der_of, fixture, pem_ders, read  # noqa: E402

GOOD = fixture("bundle-good.pem")
LE = fixture("letsencrypt/live/www.example.com")


class AwsCliInterop(EmuTestCase):

    def chain(self):
        return [der_of("int2.pem"), der_of("int1.pem")]

    def crlf(self, name):
        return self.write(os.path.basename(name) + ".crlf", read(fixture(name)).replace("\n", "\r\n"))

    def test_uploaded_by_the_aws_cli_with_crlf_is_already_done(self):
        self.aws("iam", "upload-server-certificate", "--server-certificate-name", "site", "--path", "/cloudfront/",
                 "--certificate-body", "file://" + self.crlf("leaf-rsa2048.pem"),
                 "--private-key", "file://" + self.crlf("leaf-rsa2048.key"),
                 "--certificate-chain", "file://" + self.crlf("chain.pem"))
        self.emu.clear_log()
        r = self.tool("certup", *self.CHECK, "--name", "site", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.out.startswith("exists site "), r)  # success is one line
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate", "GetServerCertificate"])
        r = self.tool("certcheck", *self.CHECK, "--iam", "site", "--expect", GOOD, "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("iam.same", {f["code"] for f in r.json()["findings"]})

    def test_same_leaf_other_chain_is_not_done(self):
        # IAM holds the leaf without its chain: not what certup would upload.
        self.iam().upload_server_certificate(ServerCertificateName="site", Path="/cloudfront/",
                                             CertificateBody=read(fixture("leaf-rsa2048.pem")),
                                             PrivateKey=read(fixture("leaf-rsa2048.key")))
        r = self.tool("certup", *self.CHECK, "--name", "site", GOOD)
        self.assertEqual(r.rc, 4, r)
        self.assertNotIn("already", r.out)
        self.assertIn("different certificate", r.err)
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "site")
        self.assertNotIn("CertificateChain", got["ServerCertificate"])

    def test_every_input_form_uploads_leaf_and_chain(self):
        forms = {
            "split": ["--cert", f"{LE}/cert.pem", "--chain", f"{LE}/chain.pem", "--key", f"{LE}/privkey.pem"],
            "fullchain": [f"{LE}/fullchain.pem", f"{LE}/privkey.pem"],
            "shuffled": [fixture("bundle-shuffled.pem")],
            "crlf-bom": [fixture("bundle-crlf-bom.pem")],
            "with-root": ["--with-root", fixture("bundle-root.pem")],
            "bag": [fixture("bundle-bag.pem")],
            "p12": ["--passin", "pass:test-pass", fixture("bundle-modern.p12")],
            "der": [fixture("leaf-rsa2048.der"), fixture("chain.p7b"), fixture("key-rsa2048.der")],
        }
        for name, args in forms.items():
            r = self.tool("certup", *self.CHECK, "--name", name, *args)
            self.assertEqual(r.rc, 0, r)
        listed = self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
        self.assertEqual(sorted(m["ServerCertificateName"] for m in listed), sorted(forms))
        iam = self.iam()
        for name in forms:
            got = iam.get_server_certificate(ServerCertificateName=name)
            self.assertServerCert(got, der_of("leaf-rsa2048.pem"), self.chain(), name)
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "with-root")
        self.assertServerCert(got, der_of("leaf-rsa2048.pem"), self.chain())
        self.assertNotIn(der_of("root.pem"), pem_ders(got["ServerCertificate"]["CertificateChain"]))

    def test_certls_follows_aws_cli_deletes(self):
        for name in ("one", "two", "three"):
            r = self.tool("certup", *self.CHECK, "--name", name, GOOD)
            self.assertEqual(r.rc, 0, r)
        self.aws("iam", "delete-server-certificate", "--server-certificate-name", "two")
        r = self.tool("certls", "--json")
        self.assertEqual(r.rc, 0, r)
        ours = sorted((m["ServerCertificateName"], m["ServerCertificateId"]) for m in r.json()["ServerCertificateMetadataList"])
        theirs = sorted((m["ServerCertificateName"], m["ServerCertificateId"])
                        for m in self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"])
        self.assertEqual(ours, theirs)
        self.assertEqual([n for n, _ in ours], ["one", "three"])

    def test_endpoint_resolution(self):
        dead = "http://127.0.0.1:9"
        # --endpoint-url beats AWS_ENDPOINT_URL
        r = self.tool("certls", "--endpoint-url", self.emu.endpoint, env=self.env(AWS_ENDPOINT_URL=dead))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("ListServerCertificates", self.emu.actions())
        # AWS_ENDPOINT_URL_IAM beats AWS_ENDPOINT_URL
        self.emu.clear_log()
        r = self.tool("certcheck", *self.CHECK, "--iam", "none",
                      env=self.env(AWS_ENDPOINT_URL=dead, AWS_ENDPOINT_URL_IAM=self.emu.endpoint))
        self.assertEqual(r.rc, 4, r)
        self.assertIn("NoSuchEntity", r.err)
        self.assertEqual(self.emu.actions(), ["GetServerCertificate"])
        # endpoint_url in the profile, as the AWS CLI reads it
        # (--profile beats keys in the environment, as in the AWS CLI: the profile has its own)
        cfg = self.write("config", f"[profile emu]\nendpoint_url = {self.emu.endpoint}\n"
                                   "aws_access_key_id = testing\naws_secret_access_key = testing\n")
        self.emu.clear_log()
        r = self.tool("certls", "--profile", "emu", env=self.env(AWS_ENDPOINT_URL=None, AWS_CONFIG_FILE=cfg))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("ListServerCertificates", self.emu.actions())


class SignedRequests(EmuTestCase):
    """moto's own SigV4 check on: the tools' signatures are verified, not just sent."""

    def setUp(self):
        super().setUp()
        self.key_id, self.secret = self.emu.enable_auth()
        self.emu.clear_log()

    def signed_env(self, **extra):
        kw = dict(AWS_ACCESS_KEY_ID=self.key_id, AWS_SECRET_ACCESS_KEY=self.secret)
        kw.update(extra)
        return self.env(**kw)

    def test_signed_upload_list_get(self):
        r = self.tool("certup", *self.CHECK, "--name", "signed", GOOD, env=self.signed_env())
        self.assertEqual(r.rc, 0, r)
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "signed", env=self.signed_env())
        self.assertServerCert(got, der_of("leaf-rsa2048.pem"), [der_of("int2.pem"), der_of("int1.pem")])
        # certls signs IAM and CloudFront requests alike
        meta = got["ServerCertificate"]["ServerCertificateMetadata"]
        self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=meta["ServerCertificateId"])
        r = self.tool("certls", "--in-use", "--json", env=self.signed_env())
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(r.json()["ServerCertificateMetadataList"][0]["libcert"]["in_use"]), 1)
        r = self.tool("certcheck", *self.CHECK, "--iam", "signed", env=self.signed_env())
        self.assertEqual(r.rc, 0, r)

    def test_wrong_secret_is_exit_4_not_retried(self):
        r = self.tool("certls", env=self.signed_env(AWS_SECRET_ACCESS_KEY="not-the-secret"))
        self.assertEqual(r.rc, 4, r)
        self.assertIn("SignatureDoesNotMatch", r.err)
        self.assertNotIn("not-the-secret", r.err + r.out)
        # each request once, none retried (the quota is asked beside the listing)
        self.assertEqual(sorted(self.emu.actions()), ["GetAccountSummary", "ListServerCertificates"])

    def test_credentials_from_a_profile(self):
        os.makedirs(os.path.join(self.home, ".aws"), exist_ok=True)
        creds = os.path.join(self.home, ".aws", "credentials")
        with open(creds, "w") as f:
            f.write(f"[ci]\naws_access_key_id = {self.key_id}\naws_secret_access_key = {self.secret}\n"
                    "[default]\naws_access_key_id = AKIANOTHERE000000000\naws_secret_access_key = nope\n")
        try:
            env = self.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
            r = self.tool("certls", "--profile", "ci", env=env)
            self.assertEqual(r.rc, 0, r)
            env["AWS_PROFILE"] = "ci"
            r = self.tool("certls", env=env)
            self.assertEqual(r.rc, 0, r)
            del env["AWS_PROFILE"]
            r = self.tool("certls", env=env)  # [default] has a key moto does not know
            self.assertEqual(r.rc, 4, r)
        finally:
            os.unlink(creds)


if __name__ == "__main__":
    main()
