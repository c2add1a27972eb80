#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Plain HTTP to an endpoint that is not loopback (issue #11): refused before any request, from
--endpoint-url, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE> and a profile's endpoint_url or
services section, unless --allow-insecure-endpoint is given (then a warning says what travels in
cleartext). Loopback literals and localhost stay allowed.

Whether a connection was attempted is seen, not guessed: http_proxy points at a listener on
127.0.0.1, so libcurl's request for http://192.0.2.1 (TEST-NET-1, never routed) arrives there
instead of leaving the machine."""

import os
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import CHECK, StubServer, base_env, fixture, http_answer, run, tool_path  # noqa: E402

FAR = "http://192.0.2.1:8080"


class InsecureEndpoint(unittest.TestCase):

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="libcert-insecure-")
        # a listener that answers 503 to whatever it is sent, as the proxy of every request
        self.proxy = StubServer(http_answer("503 Service Unavailable", b""))
        self.proxy.url = f"http://127.0.0.1:{self.proxy.port}"
        self.addCleanup(self.proxy.close)

    def env(self, **extra):
        env = base_env(self.home)
        for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                  "no_proxy", "NO_PROXY"):
            env.pop(k, None)
        env["http_proxy"] = self.proxy.url
        env.update(extra)
        return env

    def tool(self, name, *args, env=None):
        return run([tool_path(name), *args], env or self.env(), timeout=60)

    def config(self, text, name="config"):
        path = os.path.join(self.home, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def assertRefused(self, r, where):
        self.assertEqual(r.rc, 3, r)
        self.assertLess(r.seconds, 5, r)
        self.assertIn("192.0.2.1", r.err)
        self.assertIn(where, r.err)
        self.assertIn("--allow-insecure-endpoint", r.err)
        self.assertIn("cleartext", r.err)
        time.sleep(0.1)
        self.assertEqual(self.proxy.lines, [], "a request left for the endpoint")

    def test_refused_from_every_source(self):
        cases = [
            ("--endpoint-url", ["--endpoint-url", FAR], {}),
            ("AWS_ENDPOINT_URL", [], {"AWS_ENDPOINT_URL": FAR}),
            ("AWS_ENDPOINT_URL_IAM", [], {"AWS_ENDPOINT_URL_IAM": FAR}),
            ("endpoint_url", [], {"AWS_CONFIG_FILE": self.config("[default]\nendpoint_url = %s\n" % FAR, "c1")}),
            ("services", [], {"AWS_CONFIG_FILE": self.config(
                "[default]\nservices = emu\n[services emu]\niam =\n  endpoint_url = %s\n" % FAR, "c2")}),
            # the services that came after the fix: every service's endpoint is checked as the
            # session resolves it, also one the run would not use
            ("AWS_ENDPOINT_URL_ACM", ["--store", "acm"], {"AWS_ENDPOINT_URL_ACM": FAR}),
            ("AWS_ENDPOINT_URL_ROUTE_53", [], {"AWS_ENDPOINT_URL_ROUTE_53": FAR}),
            ("services", ["--store", "acm"], {"AWS_CONFIG_FILE": self.config(
                "[default]\nservices = emu\n[services emu]\nacm =\n  endpoint_url = %s\n" % FAR, "c3")}),
        ]
        for where, args, extra in cases:
            with self.subTest(where=where):
                self.proxy.lines.clear()
                r = self.tool("certls", "-v", "--timeout", "2", "--max-attempts", "1", *args,
                              env=self.env(**extra))
                self.assertRefused(r, where)
                self.assertNotIn("ListServerCertificates", r.err)  # no -v line: nothing sent
                self.assertNotIn("ListCertificates", r.err)

    def test_refused_for_every_aws_tool_with_json(self):
        runs = {
            "certls": ["--json"],
            "certattach": ["--json", "--cert", "x", "E123ABC"],
            "certup": [*CHECK, "--json", fixture("bundle-good.pem")],
            "certrotate": [*CHECK, "--json", "--distribution", "E123ABC", fixture("bundle-good.pem")],
        }
        for name, args in runs.items():
            with self.subTest(tool=name):
                self.proxy.lines.clear()
                r = self.tool(name, "--endpoint-url", FAR, "--timeout", "2", "--max-attempts", "1", *args)
                self.assertRefused(r, "--endpoint-url")
                doc = r.json()
                env = doc.get("libcert", doc)
                self.assertEqual(env["exit_code"], 3, r)
                self.assertIn("--allow-insecure-endpoint", env["error"]["message"])

    def test_allowed_with_the_option_and_a_warning(self):
        r = self.tool("certls", "--allow-insecure-endpoint", "--endpoint-url", FAR, "--timeout", "5",
                      "--max-attempts", "1")
        self.assertEqual(r.rc, 5, r)  # the listener answers 503
        self.assertIn("warning", r.err)
        self.assertIn("cleartext", r.err)
        self.assertIn(FAR, r.err)
        self.assertTrue(any("192.0.2.1" in line for line in self.proxy.lines), self.proxy.lines)

    def test_loopback_and_localhost_need_no_option(self):
        for url in ("http://127.0.0.1:9", "http://127.1.2.3:9", "http://[::1]:9", "http://localhost:9",
                    "http://LOCALHOST:9"):
            with self.subTest(url=url):
                self.proxy.lines.clear()
                r = self.tool("certls", "--endpoint-url", url, "--timeout", "2", "--max-attempts", "1",
                              env=self.env(no_proxy="*"))
                self.assertEqual(r.rc, 5, r)  # nothing listens on port 9
                self.assertNotIn("insecure", r.err)
                self.assertNotIn("warning", r.err)

    def test_https_anywhere_needs_no_option(self):
        r = self.tool("certls", "--endpoint-url", "https://192.0.2.1:8443", "--timeout", "2",
                      "--max-attempts", "1", env=self.env(https_proxy=self.proxy.url))
        self.assertNotIn("--allow-insecure-endpoint", r.err)
        self.assertNotEqual(r.rc, 3, r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
