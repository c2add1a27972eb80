#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The exit-code contract (issue #11, defect 12), one situation a row:

  2  usage: a bad option
  3  input or local configuration: the bundle, the config and credentials files, no credentials,
     a profile loop, a failing credential_process, the CA bundle, a TLS verification failure of
     an AWS endpoint (the message names the endpoint and --ca-bundle), a plain-HTTP endpoint off
     this machine
  4  AWS answered with an error
  5  a retryable failure still failing after the last attempt: 5xx, a refused connection, a
     malformed or truncated 200 answer (retried like a broken body)

Each row runs certls (or certup for the bundle) against the emulator, or against a stub server
on 127.0.0.1 where the emulator cannot answer the way the row needs (TLS, a malformed 200). The
stub counts the requests, so "retried" is seen, not assumed."""

import os
import ssl
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import CHECK, EmuTestCase, StubServer, fixture, http_answer, run, tool_path  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator"))
from emu_certs import Pki  # noqa: E402

ATTEMPTS = "3"


class ExitCodes(EmuTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = Pki("Exit Codes")
        cls.other = Pki("Someone Else")
        leaf = cls.pki.leaf(["localhost"])
        d = tempfile.mkdtemp(prefix="exit-codes-", dir=cls.home)
        cls.certfile, cls.keyfile = os.path.join(d, "srv.pem"), os.path.join(d, "srv.key")
        with open(cls.certfile, "w") as f:
            f.write(leaf.cert_pem + cls.pki.inter.cert_pem)
        with open(cls.keyfile, "w") as f:
            f.write(leaf.key_pem)
        cls.root = os.path.join(d, "root.pem")
        cls.other_root = os.path.join(d, "other.pem")
        with open(cls.root, "w") as f:
            f.write(cls.pki.root.cert_pem)
        with open(cls.other_root, "w") as f:
            f.write(cls.other.root.cert_pem)

    def stub(self, status, body, tls=False, count=b"Action=ListServerCertificates"):
        ctx = None
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.certfile, self.keyfile)
        s = StubServer(http_answer(status, body), ctx, count)
        self.addCleanup(s.close)
        return s

    def file(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        if text.startswith("#!"):
            os.chmod(path, 0o755)
        return path

    def no_keys(self, **extra):
        keys = dict(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None)
        keys.update(extra)
        return self.env(**keys)

    # Each row: (situation, argv after the tool name, environment, expected exit, text the
    # message must hold). Built per test, since rows need the emulator, stubs and files.
    def rows(self):
        emu = self.emu
        bad_xml = self.stub("200 OK", b"<ListServerCertificatesResponse><ListServerCertificatesResult>")
        not_xml = self.stub("200 OK", b"this is not XML at all")
        tls = self.stub("200 OK", b"<x/>", tls=True)
        https = f"https://localhost:{tls.port}"
        sts_not_xml = self.stub("200 OK", b"<AssumeRoleResponse><Assume", count=b"Action=AssumeRole")
        container_403 = self.stub("403 Forbidden", b'{"message": "no"}', count=b"GET /creds")
        imds_503 = self.stub("503 Service Unavailable", b"", count=b"PUT /latest/api/token")
        role_cfg = self.file("role.cfg", "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                         "credential_source = Environment\n")
        helper_fails = self.file("fail.sh", "#!/bin/sh\necho 'helper: no session' >&2\nexit 2\n")
        long_line = "[default]\naws_access_key_id = AKIDGOOD\naws_secret_access_key = s\nnote = " \
            + "x" * 70000 + "\n"
        return [
            ("a bad option", ["--no-such-option"], self.env(), 2, "--no-such-option", None),
            ("the bundle cannot be read", ["certup", *CHECK, fixture("junk-key.pem")], self.env(), 3,
             "junk-key.pem", None),
            ("a config file line cannot be parsed", [], self.env(AWS_CONFIG_FILE=self.file(
                "bad.cfg", "[default]\nthis line has no equals sign\n")), 3, "bad.cfg", None),
            ("a credentials line over the limit", [], self.env(AWS_SHARED_CREDENTIALS_FILE=self.file(
                "long.creds", long_line)), 3, "long.creds", None),
            ("--profile names no profile", ["--profile", "nope"], self.env(), 3, "nope", None),
            ("AWS_MAX_ATTEMPTS is not a number", [], self.env(AWS_MAX_ATTEMPTS="many"), 3,
             "max_attempts", None),
            ("no credentials anywhere", [], self.no_keys(), 3, "no AWS credentials", None),
            ("half the keys in the environment", [], self.no_keys(AWS_ACCESS_KEY_ID="AKIDHALF"), 3,
             "AWS_SECRET_ACCESS_KEY", None),
            ("a source_profile loop", ["--profile", "a"], self.no_keys(AWS_CONFIG_FILE=self.file(
                "loop.cfg", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                            "source_profile = b\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                            "source_profile = a\n")), 3, "source_profile", None),
            ("a credential_process that fails", ["--profile", "p"], self.no_keys(AWS_CONFIG_FILE=self.file(
                "proc.cfg", f"[profile p]\ncredential_process = {helper_fails}\n")), 3,
             "credential_process", None),
            ("a credential_process that is not there", ["--profile", "p"], self.no_keys(
                AWS_CONFIG_FILE=self.file("noproc.cfg", "[profile p]\ncredential_process = /nonexistent/helper\n")),
             3, "credential_process", None),
            ("a CA bundle that does not exist", ["--endpoint-url", https, "--ca-bundle",
                                                 os.path.join(self.tmp, "missing.pem")], self.env(), 3,
             "--ca-bundle", None),
            ("TLS verification of the endpoint fails", ["--endpoint-url", https, "--ca-bundle",
                                                        self.other_root], self.env(), 3, https, tls),
            ("plain HTTP to an endpoint off this machine", ["--endpoint-url", "http://192.0.2.1:9"],
             self.env(), 3, "--allow-insecure-endpoint", None),
            ("AWS answered an error", ["--fix-path", "no-such-cert"], self.env(), 4, "NoSuchEntity", None),
            ("STS refused AssumeRole", ["--profile", "r"], self.env(AWS_CONFIG_FILE=role_cfg,
                                                                    AWS_ENDPOINT_URL_STS=emu.endpoint), 4,
             "AccessDenied", "sts-deny"),
            ("STS answered a 200 that is not XML, every attempt", ["--profile", "r"], self.env(
                AWS_CONFIG_FILE=role_cfg, AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{sts_not_xml.port}"), 5,
             "AssumeRole", sts_not_xml),
            ("the container credentials agent refuses (403)", [], self.no_keys(
                AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://127.0.0.1:{container_403.port}/creds"), 3,
             "HTTP 403", None),
            ("the instance metadata service fails (503), every attempt", [], self.no_keys(
                AWS_EC2_METADATA_DISABLED=None,
                AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{imds_503.port}",
                AWS_METADATA_SERVICE_NUM_ATTEMPTS=ATTEMPTS), 5, "HTTP 503", imds_503),
            ("a 503 on every attempt", [], self.env(), 5, "ServiceUnavailable", "503"),
            ("nothing listens", ["--endpoint-url", "http://127.0.0.1:9"], self.env(), 5, "Couldn't connect",
             None),
            ("a 200 that is not XML, every attempt", ["--endpoint-url", f"http://127.0.0.1:{not_xml.port}"],
             self.env(), 5, "ListServerCertificates", not_xml),
            ("a 200 whose XML is cut short, every attempt",
             ["--endpoint-url", f"http://127.0.0.1:{bad_xml.port}"], self.env(), 5, "ListServerCertificates",
             bad_xml),
            ("a 200 that is XML but not a list (the TLS endpoint, trusted: verification passes)",
             ["--endpoint-url", https, "--ca-bundle", self.root], self.env(), 5, "ListServerCertificates", tls),
        ]

    def test_exit_code_table(self):
        failures = []
        for what, args, env, want, needle, extra in self.rows():
            with self.subTest(what):
                self.emu.clear_faults()
                if extra == "503":
                    self.emu.add_fault(service="iam", action="*", fault="status", status=503)
                if extra == "sts-deny":
                    self.emu.add_fault(service="sts", action="AssumeRole", fault="status", status=403,
                                       code="AccessDenied", message="not allowed to assume r")
                before = extra.requests if isinstance(extra, StubServer) else 0
                tool = "certls"
                if args and args[0] == "certup":
                    tool, args = "certup", args[1:]
                env = dict(env)
                env["AWS_MAX_ATTEMPTS"] = env.get("AWS_MAX_ATTEMPTS", ATTEMPTS)
                r = run([tool_path(tool), "--timeout", "5", *args], env, timeout=120)
                if r.rc != want or needle not in r.err:
                    failures.append(f"{what}: exit {r.rc}, want {want}; stderr: {r.err.strip()[-300:]}")
                    continue
                if isinstance(extra, StubServer) and want == 5 and extra.requests - before < int(ATTEMPTS):
                    failures.append(f"{what}: {extra.requests - before} request(s), want {ATTEMPTS} (retried)")
                if what.startswith("TLS verification") and "--ca-bundle" not in r.err:
                    failures.append(f"{what}: the message does not name --ca-bundle: {r.err.strip()}")
        self.assertEqual(failures, [], "\n".join([""] + failures))


if __name__ == "__main__":
    unittest.main(verbosity=2)
