#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Terminal escapes from untrusted text (issue #11): certificate names, AWS's messages and file
names reach the terminal with every control character (C0 but the tab and the line ends of our
own lines, C1, DEL), every bidirectional control and every byte that is not UTF-8 made visible,
on stdout and on stderr; JSON keeps the exact values; our own colour codes still work.

The certificate is the fixture leaf-evil.pem (tests/fixtures/gen.sh): its CN holds ESC [2J, BEL,
CR, LF, U+0085 and U+202E, its SAN names an OSC title sequence (ESC ] 0; ... BEL), CR and LF,
U+0085, U+202E, U+2069, DEL and the byte FF. AWS's message comes from an emulator fault whose
message holds what XML can carry: the C1 CSI (U+009B), U+0085, U+202E, U+2069 and a line feed.
"""

import json
import os
import shutil
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import CHECK, EmuTestCase, fixture, tool_path, upload_fixture  # noqa: E402

EVIL = fixture("bundle-evil.pem")

# What must never reach a terminal raw (bytes): C0 but \t and \n, DEL, C1 as UTF-8, the bidi
# controls as UTF-8, and FF (never valid in UTF-8).
RAW = [bytes([c]) for c in range(0x20) if c not in (0x09, 0x0A)] + [b"\x7f", b"\xff"]
RAW += [chr(c).encode() for c in range(0x80, 0xA0)]
RAW += [chr(c).encode() for c in (0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                  0x2066, 0x2067, 0x2068, 0x2069)]

AWS_MESSAGE = "Denied\u009b2J by\u0085policy \u202eyciloP\u2069 see\nnext line"


class TerminalEscapes(EmuTestCase):

    def run_bytes(self, name, *args, env=None):
        """Run a tool, its stdout and stderr as bytes."""
        import subprocess
        p = subprocess.run([tool_path(name), *args], env=env or self.env(), capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def assertClean(self, data, what, allow=()):
        for raw in RAW:
            if raw in allow:
                continue
            self.assertNotIn(raw, data, f"{what}: {raw!r} reached the terminal:\n{data!r}")

    def test_certcheck_text_escapes_every_name(self):
        rc, out, err = self.run_bytes("certcheck", *CHECK, EVIL)
        self.assertEqual(rc, 0, err)
        self.assertClean(out, "stdout")
        self.assertClean(err, "stderr")
        text = out.decode("utf-8")  # valid UTF-8 now: FF was escaped
        for shown in ("evil\\1B[2J\\07\\0D\\0Aok\\u0085\\u202emoc.example.com",  # CN (RFC 2253 + ours)
                      "esc\\x1b]0;pwned\\x07.example.com", "cr\\x0dlf", "c1\\u0085.example.com",
                      "rlo\\u202emoc.example.com", "pdi\\u2069.example.com", "del\\x7f.example.com",
                      "bad\\xff.example.com"):
            self.assertIn(shown, text)
        # the line feed inside a SAN name is the only one not ours: a name list is one value
        self.assertIn("cr\\x0dlf\\x0a.example.com", text)
        # a finding quotes the CN (name.profile: not among the SANs), and -v writes the path by
        # CN: one line each, the CN's line feed shown, never a line of its own (issue #12)
        self.assertIn("the leaf's CN evil\\x1b[2J\\x07\\x0d\\x0aok", text)
        rc, vout, err = self.run_bytes("certcheck", *CHECK, "-v", EVIL)
        self.assertEqual(rc, 0, err)
        self.assertClean(vout, "stdout of -v")
        self.assertIn("path   evil\\x1b[2J\\x07\\x0d\\x0aok", vout.decode("utf-8"))
        for out_ in (out, vout):
            self.assertNotIn(b"\nok", out_, "a line feed of the CN started a line")

    def test_certcheck_json_keeps_exact_values(self):
        rc, out, err = self.run_bytes("certcheck", *CHECK, "--json", EVIL)
        self.assertEqual(rc, 0, err)
        leaf = json.loads(out)["leaf"]
        # the subject as OpenSSL writes RFC 2253 (C0 as \XX, the rest as it is), unchanged
        self.assertIn("evil\\1B[2J\\07\\0D\\0Aok\u0085\u202emoc.example.com", leaf["subject"])
        for name in ("esc\x1b]0;pwned\x07.example.com", "cr\rlf\n.example.com", "c1\u0085.example.com",
                     "rlo\u202emoc.example.com", "pdi\u2069.example.com", "del\x7f.example.com"):
            self.assertIn(name, leaf["names"])

    def test_findings_and_file_names_on_stderr(self):
        # a finding naming the hostile names (name.uncovered), and a file whose name holds ESC
        rc, out, err = self.run_bytes("certcheck", *CHECK, "--host", "x\x1b[31my.example.com", EVIL)
        self.assertEqual(rc, 1, err)
        self.assertClean(out, "stdout")
        self.assertIn(b"x\\x1b[31my.example.com", out)
        name = os.path.join(self.tmp, "evil\x1b]0;title\x07\u202e.pem")
        shutil.copy(fixture("junk-key.pem"), name)
        rc, out, err = self.run_bytes("certcheck", *CHECK, name)
        self.assertEqual(rc, 3, err)
        self.assertClean(err, "stderr")
        self.assertClean(out, "stdout")
        self.assertIn(b"evil\\x1b]0;title\\x07\\u202e.pem", err)
        rc, out, err = self.run_bytes("certsplit", *CHECK, "-o", self.tmp, name)
        self.assertEqual(rc, 3, err)
        self.assertClean(err, "stderr")

    def test_our_colours_still_work(self):
        rc, out, err = self.run_bytes("certcheck", *CHECK, "--color=always", "--host", "nope.example.org", EVIL)
        self.assertEqual(rc, 1, err)
        self.assertIn(b"\x1b[31m", out)  # ours: the error group and its code in red
        self.assertIn(b"\x1b[0m", out)
        self.assertNotIn(b"\x1b]0;pwned", out)  # theirs: escaped
        self.assertIn(b"esc\\x1b]0;pwned\\x07", out)

    def test_aws_message_on_stderr_and_in_json(self):
        self.emu.add_fault(service="iam", action="ListServerCertificates", fault="status", status=403,
                           code="AccessDenied\u009b31m", message=AWS_MESSAGE)
        rc, out, err = self.run_bytes("certls", "-v")
        self.assertEqual(rc, 4, err)
        self.assertClean(err, "stderr")
        self.assertClean(out, "stdout")
        self.assertIn("Denied\\u009b2J by\\u0085policy \\u202eyciloP\\u2069 see\\x0anext line".encode(), err)
        self.assertIn("AccessDenied\\u009b31m".encode(), err)
        rc, out, err = self.run_bytes("certls", "--json")
        self.assertEqual(rc, 4, err)
        self.assertClean(err, "stderr")
        e = json.loads(out)["libcert"]["error"]
        self.assertIn(AWS_MESSAGE, e["message"])  # exact, JSON-escaped
        self.assertEqual(e["aws_code"], "AccessDenied\u009b31m")

    def test_attach_text_result_escapes_aws_message(self):
        old = upload_fixture(self.emu, "old", "rsa2048")
        upload_fixture(self.emu, "new", "rsa3072")
        dist = self.emu.create_distribution(aliases=["www.example.com"],
                                            viewer_certificate=old["ServerCertificateId"])["Id"]
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="status", status=400,
                           code="InvalidArgument", message=AWS_MESSAGE)
        rc, out, err = self.run_bytes("certattach", *CHECK, "--cert", "new", dist)
        self.assertEqual(rc, 4, (out, err))
        self.assertClean(out, "stdout")
        self.assertClean(err, "stderr")
        self.assertIn(b"\\u202eyciloP\\u2069", out)

if __name__ == "__main__":
    unittest.main(verbosity=2)
