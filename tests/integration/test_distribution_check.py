#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certcheck --distribution ID against the emulator: it fetches the distribution and its IAM
certificate and checks expiry, key eligibility and that the certificate covers every alias.
A covering certificate passes (plain and wildcard aliases); an expired one (a later --at) fails
with cert.expired; NoSuchDistribution is exit 4. --distribution is repeatable (each
distribution one report; with --json one {"schema", "results", "exit_code"} document, exit code
the highest), --host adds names to the aliases, and every report names the distribution and
each name checked, covered or not (text and JSON). The emulator, like CloudFront, never lets a
distribution hold an alias its certificate does not cover or a certificate CloudFront cannot
use, so those cases are shown to certcheck through a small proxy in front of the emulator's
CloudFront that edits the GetDistributionConfig answer (AWS_ENDPOINT_URL_CLOUDFRONT points at
it; IAM is the emulator itself)."""

import http.client
import http.server
import os
import re
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    EmuTestCase,
    fixture,
    upload_fixture,
)


class EditingProxy:
    """HTTP proxy to the emulator; `edits` [(regex, replacement)] apply to the bodies of
    GetDistributionConfig / GetDistribution answers."""

    def __init__(self, port):
        self.edits = []
        self.seen = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                c.request(self.command, self.path, body=body, headers=headers)
                resp = c.getresponse()
                data = resp.read()
                outer.seen.append((self.command, self.path))
                if self.command == "GET" and re.match(r"^/2020-05-31/distribution/[A-Z0-9]+(/config)?$", self.path):
                    text = data.decode("utf-8")
                    for pat, rep in outer.edits:
                        text = re.sub(pat, rep, text)
                    data = text.encode("utf-8")
                self.send_response_only(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                c.close()

            do_GET = do_PUT = do_POST = do_DELETE = do

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class DistributionCheck(EmuTestCase):

    def setUp(self):
        super().setUp()
        self.good = upload_fixture(self.emu, "good", "rsa2048")  # www.example.com, example.com
        self.wild = upload_fixture(self.emu, "wild", "wildcard")  # *.example.com, example.com
        self.proxy = EditingProxy(self.emu.port)
        self.addCleanup(self.proxy.close)

    def check(self, dist_id, *args, at=None, proxy=False):
        env = self.env(AWS_ENDPOINT_URL_CLOUDFRONT=self.proxy.endpoint) if proxy else None
        check = ("--at", at, "--ca-file", fixture("root.pem")) if at else self.CHECK
        return self.tool("certcheck", *check, "--distribution", dist_id, *args, env=env)

    def codes(self, r, severity="error"):
        doc = r.json()
        return sorted(f["code"] for f in doc.get("findings", []) if f.get("severity") == severity)

    def test_covering_certificate_passes(self):
        d = self.emu.create_distribution(aliases=["www.example.com", "example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        r = self.check(d)
        self.assertEqual(r.rc, 0, r)
        r = self.check(d, "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.codes(r), [])
        self.assertIn("www.example.com", r.out)
        actions = set(self.emu.actions())
        self.assertIn("GetDistributionConfig", actions)
        self.assertIn("GetServerCertificate", actions)
        self.assertNotIn("UpdateDistribution", actions)

    def names(self, report):
        return [(n["name"], n["source"], n["covered"]) for n in report["distribution"]["names"]]

    def test_report_names_the_distribution_and_each_alias(self):
        d = self.emu.create_distribution(aliases=["www.example.com", "example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        r = self.check(d, "--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["schema"], 1)
        self.assertEqual(doc["distribution"]["Id"], d)
        self.assertEqual(doc["distribution"]["Aliases"], ["www.example.com", "example.com"])
        self.assertEqual(self.names(doc), [("www.example.com", "alias", True), ("example.com", "alias", True)])
        r = self.check(d)
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, rf"(?m)^  distribution {d} \(2 aliases\)$")
        self.assertRegex(r.out, r"(?m)^  alias  www\.example\.com  covered$")
        self.assertRegex(r.out, r"(?m)^  alias  example\.com  covered$")

    def test_host_is_checked_with_the_aliases(self):
        # #10: --host was silently ignored with --distribution.
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        r = self.check(d, "--json", "--host", "example.com", "--host", "shop.example.com",
                       "--host", "WWW.EXAMPLE.COM")  # an alias already: checked once
        self.assertEqual(r.rc, 1, r)
        doc = r.json()
        self.assertEqual(self.names(doc), [("www.example.com", "alias", True), ("example.com", "host", True),
                                           ("shop.example.com", "host", False)])
        self.assertEqual(doc["distribution"]["Aliases"], ["www.example.com"])
        msgs = [f["message"] for f in doc["findings"] if f["code"] == "name.uncovered"]
        self.assertEqual(len(msgs), 1, msgs)
        self.assertIn("shop.example.com", msgs[0])
        r = self.check(d, "--host", "shop.example.com")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.out, rf"(?m)^  distribution {d} \(1 alias, 1 more name from --host\)$")
        self.assertRegex(r.out, r"(?m)^  host   shop\.example\.com  NOT covered$")
        self.assertIn("name.uncovered", r.out)

    def test_repeated_distribution_one_report_each(self):
        # #10: a second --distribution was silently dropped.
        d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                          viewer_certificate=self.good["ServerCertificateId"])["Id"]
        d2 = self.emu.create_distribution(aliases=["*.example.com", "example.com"],
                                          viewer_certificate=self.wild["ServerCertificateId"])["Id"]
        r = self.tool("certcheck", *self.CHECK, "--distribution", d1, "--distribution", d2, "--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(sorted(doc), ["exit_code", "results", "schema"])
        self.assertEqual((doc["schema"], doc["exit_code"]), (1, 0))
        self.assertEqual([x["distribution"]["Id"] for x in doc["results"]], [d1, d2])
        self.assertEqual(self.names(doc["results"][1]), [("*.example.com", "alias", True),
                                                         ("example.com", "alias", True)])
        self.assertEqual([x["input"] for x in doc["results"]], [["iam:good"], ["iam:wild"]])
        # the account is listed once for both
        self.assertEqual(self.emu.count("ListServerCertificates"), 1)
        r = self.tool("certcheck", *self.CHECK, "--distribution", d1, "--distribution", d2)
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, rf"(?ms)^  distribution {d1} .*^  distribution {d2} ")
        # --each gives the list shape for one distribution too
        r = self.tool("certcheck", *self.CHECK, "--each", "--distribution", d1, "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([x["distribution"]["Id"] for x in r.json()["results"]], [d1])

    def test_repeated_distribution_exit_code_is_the_highest(self):
        d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                          viewer_certificate=self.good["ServerCertificateId"])["Id"]
        r = self.tool("certcheck", *self.CHECK, "--distribution", "E0NOSUCHDIST00", "--distribution", d1,
                      "--host", "shop.example.com", "--json")
        self.assertEqual(r.rc, 4, r)
        doc = r.json()
        self.assertEqual(doc["exit_code"], 4)
        bad, good = doc["results"]
        self.assertEqual((bad["status"], bad["exit_code"], bad["distribution"]["Id"]), ("error", 4, "E0NOSUCHDIST00"))
        self.assertEqual(bad["error"]["aws_code"], "NoSuchDistribution")
        self.assertEqual((good["status"], good["exit_code"]), ("fail", 1))  # the others go on
        self.assertEqual(self.names(good)[-1], ("shop.example.com", "host", False))
        self.assertRegex(r.err, r"E0NOSUCHDIST00.*NoSuchDistribution|NoSuchDistribution.*E0NOSUCHDIST00")

    def test_wildcard_alias_with_the_identical_wildcard_passes(self):
        d = self.emu.create_distribution(aliases=["*.example.com", "example.com", "shop.example.com"],
                                         viewer_certificate=self.wild["ServerCertificateId"])["Id"]
        r = self.check(d, "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.codes(r), [])

    def test_uncovered_aliases_are_each_named(self):
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        # CloudFront says the distribution also has shop.example.com and *.example.com.
        self.proxy.edits = [(r"<Aliases><Quantity>1</Quantity><Items><CNAME>www.example.com</CNAME></Items></Aliases>",
                             "<Aliases><Quantity>3</Quantity><Items><CNAME>www.example.com</CNAME>"
                             "<CNAME>shop.example.com</CNAME><CNAME>*.example.com</CNAME></Items></Aliases>")]
        r = self.check(d, "--json", proxy=True)
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(self.proxy.seen, "certcheck went through the proxy")
        doc = r.json()
        msgs = [f["message"] for f in doc["findings"] if f["code"] == "name.uncovered"]
        self.assertEqual(len(msgs), 2, msgs)
        self.assertTrue(any("shop.example.com" in m for m in msgs), msgs)
        self.assertTrue(any("*.example.com" in m for m in msgs), msgs)
        self.assertFalse(any(m.startswith("www.example.com") for m in msgs), msgs)
        r = self.check(d, proxy=True)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("name.uncovered", r.out + r.err)

    def test_expired_certificate_fails(self):
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        r = self.check(d, "--json", at="2026-07-01T00:00:00Z")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cert.expired", self.codes(r))

    def test_ineligible_key_fails(self):
        p384 = upload_fixture(self.emu, "p384", "p384")
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        # CloudFront would not take it; shown as if the distribution used it.
        self.proxy.edits = [(self.good["ServerCertificateId"], p384["ServerCertificateId"])]
        r = self.check(d, "--json", proxy=True)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("key.unsupported", self.codes(r))

    def test_certificate_outside_cloudfront_path_fails(self):
        elsewhere = upload_fixture(self.emu, "elsewhere", "rsa2048", path="/elb/")
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.good["ServerCertificateId"])["Id"]
        self.proxy.edits = [(self.good["ServerCertificateId"], elsewhere["ServerCertificateId"])]
        r = self.check(d, "--json", proxy=True)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("iam.path", self.codes(r))

    def test_no_such_distribution_is_exit_4(self):
        r = self.check("E0NOSUCHDIST00")
        self.assertEqual(r.rc, 4, r)
        self.assertIn("NoSuchDistribution", r.err + r.out)

    def test_default_certificate_has_nothing_to_check(self):
        d = self.emu.create_distribution(aliases=[], viewer_certificate=None)["Id"]
        r = self.check(d)
        self.assertNotEqual(r.rc, 0, r)
        self.assertRegex(r.err + r.out, r"(?i)default certificate")


if __name__ == "__main__":
    main()
