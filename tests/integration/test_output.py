#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The AWS CLI's output habits on the AWS tools (issue #15, "Conventions"), against the emulator:
--output text (tab-separated records, the AWS CLI's for AWS objects) and --output table on
certup, certls, certprune, certattach and certrotate; --output json is --json; quiet success
(certup: one line); --debug shows the session and each request and never a secret; a dry run
does not end with "done"; a refused connection names the URL."""

import datetime
import os
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    AT,
    EmuTestCase,
    fixture,
    free_port,
    key_body_lines,
    make_bundle,
    upload_fixture,
)

UTC = datetime.timezone.utc
GOOD = fixture("bundle-good.pem")
SECRET = "SeCrEtKeY-output-0123456789abcdefghijklmn"
TOKEN = "ToKeN-output-sEsSiOn-0123456789-zyxwvutsr"
META = ["Arn", "Expiration", "Path", "ServerCertificateId", "ServerCertificateName", "UploadDate"]


def records(text):
    """The records of --output text: [(type, [fields])]; every line is one."""
    out = []
    for line in text.splitlines():
        fields = line.split("\t")
        out.append((fields[0], fields[1:]))
    return out


def of_type(text, kind):
    return [f for t, f in records(text) if t == kind]


class Output(EmuTestCase):

    def certup(self, *args, env=None):
        return self.tool("certup", *self.CHECK, *args, env=env)

    def test_certup_success_is_one_line(self):
        r = self.certup("--name", "site", GOOD)
        self.assertEqual(r.rc, 0, r)
        meta = self.iam().get_server_certificate(ServerCertificateName="site")[
            "ServerCertificate"]["ServerCertificateMetadata"]
        self.assertEqual(r.out, f"uploaded site {meta['ServerCertificateId']}\n")
        self.assertEqual(r.err, "")
        r = self.certup("--name", "site", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out, f"exists site {meta['ServerCertificateId']}\n")
        # -v: the whole record
        r = self.certup("-v", "--name", "site", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("IAM already holds this certificate and chain as site", r.out)
        # -q: nothing
        r = self.certup("-q", "--name", "site", GOOD)
        self.assertEqual((r.rc, r.out, r.err), (0, "", ""), r)

    def test_certup_warning_shows_the_report(self):
        r = self.certup("--days", "400", "--name", "soon", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("cert.expires_soon", r.err)
        self.assertTrue(r.out.startswith("uploaded soon "), r)

    def test_certup_text_and_table(self):
        r = self.certup("--name", "site", "--output", "text", GOOD)
        self.assertEqual(r.rc, 0, r)
        meta = self.aws("iam", "get-server-certificate", "--server-certificate-name", "site")[
            "ServerCertificate"]["ServerCertificateMetadata"]
        recs = records(r.out)
        self.assertEqual([t for t, _ in recs], ["SERVERCERTIFICATEMETADATA", "LIBCERT"], r)
        smd = recs[0][1]
        self.assertEqual(len(smd), len(META), r)
        # the AWS CLI's order (members sorted by name)
        for i, k in enumerate(META):
            if k not in ("Expiration", "UploadDate"):
                self.assertEqual(smd[i], meta[k], k)
        self.assertEqual(recs[1][1][:3], ["uploaded", "iam", "site"])
        self.assertEqual(recs[1][1][5], "0")  # ExitCode
        # the AWS CLI's own text output of the same object has the same fields in the same order
        cli = self.aws("iam", "list-server-certificates", "--output", "text", check=False)
        self.assertEqual(cli.rc, 0, cli)
        line = [ln for ln in cli.out.splitlines() if ln.startswith("SERVERCERTIFICATEMETADATALIST")][0]
        aws_fields = line.split("\t")[1:]
        self.assertEqual([aws_fields[i] for i in (0, 2, 3, 4)], [smd[i] for i in (0, 2, 3, 4)])

        r = self.certup("--name", "site", "--output", "table", GOOD)
        self.assertEqual(r.rc, 0, r)
        lines = r.out.splitlines()
        self.assertIn("SERVERCERTIFICATEMETADATA", lines)
        self.assertTrue(any(ln.split() == META for ln in lines), r)
        self.assertNotIn("\t", r.out)

    def test_output_json_is_json(self):
        r1 = self.certup("--name", "a", "--dry-run", "--json", GOOD)
        r2 = self.certup("--name", "a", "--dry-run", "--output", "json", GOOD)
        self.assertEqual(r1.rc, 0, r1)
        self.assertEqual(r1.out, r2.out)
        upload_fixture(self.emu, "old", "rsa2048")
        r1 = self.tool("certls", "--json")
        r2 = self.tool("certls", "--output", "json")
        self.assertEqual(r1.json()["ServerCertificateMetadataList"], r2.json()["ServerCertificateMetadataList"])

    def test_certls_text_table_and_quota(self):
        meta = upload_fixture(self.emu, "one", "rsa2048")
        upload_fixture(self.emu, "two", "rsa3072", path="/")
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=meta["ServerCertificateId"])["Id"]
        r = self.tool("certls", "--in-use", "--output", "text")
        self.assertEqual(r.rc, 0, r)
        rows = {f[4]: f for f in of_type(r.out, "SERVERCERTIFICATEMETADATALIST")}
        self.assertEqual(set(rows), {"one", "two"}, r)
        self.assertEqual(rows["one"][3], meta["ServerCertificateId"])
        self.assertEqual(rows["one"][2], "/cloudfront/")
        # DaysLeft, CloudFrontUsable, Removable, UsedBy
        self.assertEqual(rows["one"][7:], ["True", "False", d])
        self.assertEqual(rows["two"][7:], ["False", "False", ""])
        self.assertEqual(len(of_type(r.out, "QUOTA")), 1, r)
        self.assertEqual({t for t, _ in records(r.out)}, {"SERVERCERTIFICATEMETADATALIST", "QUOTA"})
        r = self.tool("certls", "--output", "text")  # distributions not listed: UsedBy None
        self.assertEqual(of_type(r.out, "SERVERCERTIFICATEMETADATALIST")[0][8:], ["None", "None"], r)
        r = self.tool("certls", "--output", "table")
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn("\t", r.out)
        head = [ln for ln in r.out.splitlines() if ln.startswith("Arn ")]
        self.assertEqual(len(head), 1, r)
        self.assertEqual(head[0].split()[:6], META)

    def test_certprune_text(self):
        # IAM refuses an expired certificate: uploaded while the emulator's clock is set back
        self.set_cert_clock("2024-06-01T00:00:00Z")
        upload_fixture(self.emu, "expired", "expired")
        self.set_cert_clock(AT)
        r = self.tool("certprune", "--output", "text")
        self.assertEqual(r.rc, 0, r)
        rows = of_type(r.out, "SERVERCERTIFICATEMETADATALIST")
        self.assertEqual([f[4] for f in rows], ["expired"], r)
        self.assertEqual(rows[0][6:8], ["would-delete", "expired"])
        self.assertEqual(of_type(r.out, "LIBCERT")[0][:2], ["iam", "False"])
        self.assertNotIn("run with --yes", r.out)
        r = self.tool("certprune", "--yes", "--output", "table")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("deleted", r.out)

    def test_certattach_text_and_one_line_a_distribution(self):
        old = upload_fixture(self.emu, "old", "rsa3072")
        upload_fixture(self.emu, "new", "rsa2048")
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=old["ServerCertificateId"])["Id"]
        r = self.tool("certattach", *self.CHECK, "--cert", "new", "--dry-run", d)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(r.out.splitlines()), 1, r)
        self.assertTrue(r.out.startswith(f"{d} would-update"), r)
        self.assertFalse(r.out.rstrip().endswith("done"), r)
        r = self.tool("certattach", *self.CHECK, "--cert", "new", "--output", "text", d)
        self.assertEqual(r.rc, 0, r)
        dists = of_type(r.out, "DISTRIBUTIONS")
        self.assertEqual(len(dists), 1, r)
        self.assertEqual(dists[0][:4], [d, "www.example.com", "updated", "True"])
        self.assertEqual(of_type(r.out, "HANDLE")[0][:4], ["distribution", d, "1", "matched"])
        self.assertEqual(of_type(r.out, "LIBCERT")[0][0], "iam")

    def test_certrotate_text_and_dry_run_not_done(self):
        old, key, chain = make_bundle(os.path.join(self.tmp, "old.pem"), ["www.example.com"],
                                      not_after=datetime.datetime(2026, 3, 1, tzinfo=UTC))
        o = self.emu.upload_certificate("old", old, key, chain)
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=o["ServerCertificateId"])["Id"]
        r = self.tool("certrotate", *self.CHECK, GOOD, "--replace", "old", "--dry-run")
        self.assertEqual(r.rc, 0, r)
        last = r.out.splitlines()[-1]
        self.assertNotIn("done", last, r)
        self.assertIn("dry run: nothing changed", last)
        r = self.tool("certrotate", *self.CHECK, GOOD, "--replace", "old", "--output", "text")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(of_type(r.out, "UPLOAD")[0][:2], ["uploaded", "iam"], r)
        self.assertEqual(of_type(r.out, "DISTRIBUTIONS")[0][:3], [d, "www.example.com", "updated"])
        self.assertEqual(of_type(r.out, "LIBCERT")[0][:2], ["done", "True"])
        self.assertEqual(r.out.count("\n"), len(records(r.out)))

    def test_debug_shows_requests_never_a_secret(self):
        env = self.env(AWS_ACCESS_KEY_ID="AKIAOUTPUTDEBUG00001", AWS_SECRET_ACCESS_KEY=SECRET,
                       AWS_SESSION_TOKEN=TOKEN)
        r = self.certup("--debug", "--name", "dbg", GOOD, env=env)
        self.assertEqual(r.rc, 0, r)
        for text in (r.out, r.err):
            self.assertNoSecrets(text, SECRET, TOKEN, *key_body_lines(GOOD))
            self.assertNotIn("Signature=", text)
            self.assertNotIn("Credential=", text)
        # what --debug adds to -v: the session, the credentials' source, each attempt's URL and
        # header names (the names only), the request id
        self.assertIn("session: region us-east-1", r.err)
        self.assertIn(f"session: IAM at {self.emu.endpoint}", r.err)
        self.assertIn("credentials: from environment, with a session token", r.err)
        self.assertRegex(r.err, r"IAM UploadServerCertificate: attempt 1: POST http://127\.0\.0\.1:\d+/, "
                                r"\d+ bytes, headers Content-Type, X-Amz-Date.*; SigV4-signed, with the "
                                r"session token")
        self.assertIn("IAM UploadServerCertificate POST", r.err)  # -v's line too
        self.assertIn("request id", r.err)
        # every AWS tool takes it, and none prints a secret with it
        upload_fixture(self.emu, "x", "rsa3072")
        for argv in (["certls"], ["certprune"], ["certcheck", "--iam", "x", *self.CHECK]):
            r = self.tool(*argv, "--debug", env=env)
            self.assertIn(r.rc, (0, 1), r)
            self.assertIn("attempt 1:", r.err, r)
            self.assertNoSecrets(r.out + r.err, SECRET, TOKEN)

    def test_refused_connection_names_the_url(self):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        for argv in (["certup", *self.CHECK, GOOD], ["certls"], ["certattach", "--cert", "x", "E1"]):
            r = self.tool(*argv, "--max-attempts", "1", env=self.env(AWS_ENDPOINT_URL=url))
            self.assertEqual(r.rc, 5, r)
            self.assertIn(f"{url}/", r.err, r)


if __name__ == "__main__":
    main()
