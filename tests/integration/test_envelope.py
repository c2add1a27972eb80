#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""One JSON envelope for every tool (issue #9): certcheck's and certsplit's top-level object and
the "libcert" member of every AWS tool's document carry "schema", "exit_code" (the process's own)
and, when something failed, "error": {"message", "code" (libcert's), and when AWS answered
"aws_code", "request_id", "http_status"}. Each failure here is a real answer of the emulator."""

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import EmuTestCase, main, fixture, upload_fixture  # noqa: E402

SCHEMA = {"certcheck": 1, "certsplit": 1, "certup": 1, "certls": 1, "certprune": 1,
          "certattach": 3, "certrotate": 2}


class Envelope(EmuTestCase):

    def envelope(self, tool, r, top=False):
        doc = r.json()
        env = doc if top else doc["libcert"]
        self.assertEqual(env["schema"], SCHEMA[tool], r)
        self.assertEqual(env["exit_code"], r.rc, r)
        return env

    def assertAwsError(self, env, aws_code, status, code="AWS error"):
        e = env["error"]
        self.assertEqual(e["code"], code)
        self.assertEqual(e["aws_code"], aws_code)
        self.assertEqual(e["http_status"], status)
        self.assertIn("request_id", e)
        self.assertTrue(e["message"])

    def test_certcheck_iam_missing(self):
        r = self.tool("certcheck", "--json", "--iam", "no-such-cert")
        self.assertEqual(r.rc, 4, r)
        self.assertAwsError(self.envelope("certcheck", r, top=True), "NoSuchEntity", 404)

    def test_certcheck_local_failure_has_no_aws_members(self):
        r = self.tool("certcheck", "--json", fixture("junk-key.pem"))
        env = self.envelope("certcheck", r, top=True)
        self.assertEqual(r.rc, 3, r)
        self.assertEqual(set(env["error"]), {"code", "message"})

    def test_certsplit_refusal(self):
        out = os.path.join(self.tmp, "out")
        r = self.tool("certsplit", *self.CHECK, "--json", "--out-dir", out,
                      fixture("leaf-rsa2048.pem"))
        self.assertEqual(r.rc, 1, r)
        env = self.envelope("certsplit", r, top=True)
        self.assertIn("nothing written", env["outcome"]["message"])
        self.assertFalse(os.path.exists(out) and os.listdir(out))

    def test_certup_conflict(self):
        upload_fixture(self.emu, "www-taken", leaf="p256")
        r = self.tool("certup", *self.CHECK, "--json", "--name", "www-taken",
                      fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 4, r)
        self.assertAwsError(self.envelope("certup", r), "EntityAlreadyExists", 409)

    def test_certls_fix_path_missing(self):
        r = self.tool("certls", "--json", "--fix-path", "no-such-cert")
        self.assertEqual(r.rc, 4, r)
        self.assertEqual(r.json()["ServerCertificateMetadataList"], [])
        self.assertAwsError(self.envelope("certls", r), "NoSuchEntity", 404)

    def test_certls_and_certprune_success(self):
        for tool in ("certls", "certprune"):
            r = self.tool(tool, "--json")
            self.assertEqual(r.rc, 0, r)
            self.assertNotIn("error", self.envelope(tool, r))

    def test_certattach_missing_certificate(self):
        d = self.emu.create_distribution()["Id"]
        r = self.tool("certattach", "--json", "--cert", "no-such-cert", d)
        self.assertEqual(r.rc, 4, r)
        self.assertAwsError(self.envelope("certattach", r), "NoSuchEntity", 404)

    def test_certattach_distribution_refused_by_aws(self):
        upload_fixture(self.emu, "www-2026")
        d = self.emu.create_distribution()["Id"]
        self.emu.add_fault(service="cloudfront", action="GetDistributionConfig", fault="status",
                           status=403, code="AccessDenied", message="denied (test)")
        r = self.tool("certattach", *self.CHECK, "--json", "--cert", "www-2026", d)
        self.assertEqual(r.rc, 4, r)
        env = self.envelope("certattach", r)
        self.assertNotIn("error", env)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["exit_code"], 4)
        self.assertAwsError(x, "AccessDenied", 403)

    def test_certattach_unmatched_handle(self):
        upload_fixture(self.emu, "www-2026")
        r = self.tool("certattach", *self.CHECK, "--json", "--cert", "www-2026", "E0000000000000")
        self.assertEqual(r.rc, 1, r)
        env = self.envelope("certattach", r)
        self.assertEqual(env["error"]["code"], "check failed")
        self.assertEqual(env["handles"][0]["status"], "unmatched")

    def test_certrotate_refused(self):
        r = self.tool("certrotate", *self.CHECK, "--json", "--replace", "old",
                      fixture("leaf-rsa2048.pem"))
        self.assertEqual(r.rc, 1, r)
        env = self.envelope("certrotate", r)
        self.assertEqual(env["error"]["code"], "check failed")
        self.assertIn("nothing changed", env["error"]["message"])
        self.assertEqual(self.emu.actions(), [])

    def test_certrotate_min_tls_is_checked(self):
        r = self.tool("certrotate", *self.CHECK, "--replace", "old", "--min-tls", "TLSv9",
                      fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 2, r)
        self.assertIn("MinimumProtocolVersion", r.err)
        self.assertEqual(self.emu.actions(), [])


if __name__ == "__main__":
    main()
