#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""No core dump with key material (issue #11): every tool hardens its process first thing
(cert_process_harden(): RLIMIT_CORE 0, PR_SET_DUMPABLE 0, OpenSSL's secure heap).

Each tool is made to hold a private key or AWS credentials and then to wait (an input on a pipe
that never ends, or an emulator that stalls every request), is run with RLIMIT_CORE unlimited in
a directory of its own (this machine's core_pattern is "core": a file in the working directory),
and is killed with SIGSEGV. The kernel's own word on whether it dumped core is the wait status
(WCOREDUMP); no file may appear either. LIBCERT_ALLOW_CORE=1 gives the core back for debugging,
and even then the key's BIGNUM limbs stay out of it (the secure heap is not dumped)."""

import os
import resource
import signal
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import CHECK, EmuTestCase, fixture, read, tool_path, wait_until  # noqa: E402


def core_pattern():
    try:
        with open("/proc/sys/kernel/core_pattern") as f:
            return f.read().strip()
    except OSError:
        return ""


def sanitized():
    """Whether the tools are built with AddressSanitizer (.ci/run's step 5): its SIGSEGV handler
    would report and abort, and it keeps cores off itself (disable_coredump, 16 TB of shadow)."""
    out = subprocess.run(["ldd", tool_path("certcheck")], capture_output=True).stdout
    return b"libasan" in out


def unlimited_core():
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


class CoreDump(EmuTestCase):

    def start(self, name, *args, env=None, stdin=subprocess.DEVNULL):
        cwd = os.path.join(self.tmp, name + str(time.monotonic_ns()))
        os.mkdir(cwd)
        self.err = cwd + ".stderr"
        env = dict(env or self.env())
        if sanitized():  # the signal goes to the kernel, as without ASan
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":handle_segv=0"
        with open(self.err, "w") as err:
            p = subprocess.Popen([tool_path(name), *args], cwd=cwd, env=env, stdin=stdin,
                                 stdout=subprocess.DEVNULL, stderr=err, preexec_fn=unlimited_core)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        return p, cwd

    def ended(self, name):
        with open(self.err) as f:
            self.fail(f"{name} ended: {f.read()}")

    def crash(self, p, cwd):
        """SIGSEGV: (whether the kernel dumped core, the files left in cwd)."""
        os.kill(p.pid, signal.SIGSEGV)
        _, status = os.waitpid(p.pid, 0)
        p.returncode = -signal.SIGSEGV
        self.assertTrue(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSEGV, status)
        return os.WCOREDUMP(status), sorted(os.listdir(cwd))

    def stalled(self, name, *args, env=None):
        """Run an AWS tool until its first request is stalled by the emulator."""
        self.emu.add_fault(service="*", action="*", fault="stall", ms=20000)
        p, cwd = self.start(name, *args, env=env)
        wait_until(lambda: len(self.emu.log()) >= 1 or p.poll() is not None, 30, 0.02,
                   f"{name}'s first request")
        if p.poll() is not None:
            self.ended(name)
        time.sleep(0.1)
        return p, cwd

    def blocked_on_stdin(self, name, *args):
        """Run a tool that reads a key from its first input, then blocks reading "-"."""
        r, w = os.pipe()
        self.addCleanup(os.close, w)
        try:
            p, cwd = self.start(name, *args, stdin=r)
        finally:
            os.close(r)
        time.sleep(1.0)  # the key file is read and parsed long before
        if p.poll() is not None:
            self.ended(name)
        return p, cwd

    def setUp(self):
        super().setUp()
        if core_pattern() != "core" or resource.getrlimit(resource.RLIMIT_CORE)[1] != resource.RLIM_INFINITY:
            self.skipTest("needs core_pattern 'core' and a hard RLIMIT_CORE of unlimited "
                          f"(here {core_pattern()!r}, {resource.getrlimit(resource.RLIMIT_CORE)})")

    def test_no_tool_leaves_a_core(self):
        good = fixture("bundle-good.pem")
        cases = {
            "certcheck": lambda: self.blocked_on_stdin("certcheck", *CHECK, good, "-"),
            "certsplit": lambda: self.blocked_on_stdin("certsplit", *CHECK, "--out-dir",
                                                       os.path.join(self.tmp, "split"), good, "-"),
            "certup": lambda: self.stalled("certup", *CHECK, good),
            "certls": lambda: self.stalled("certls"),
            "certprune": lambda: self.stalled("certprune"),
            "certattach": lambda: self.stalled("certattach", *CHECK, "--cert", "x", "E123ABC"),
            "certrotate": lambda: self.stalled("certrotate", *CHECK, "--distribution", "E123ABC", good),
        }
        for name, start in cases.items():
            with self.subTest(tool=name):
                self.emu.reset()
                p, cwd = start()
                dumped, files = self.crash(p, cwd)
                self.assertFalse(dumped, f"{name} dumped core: {files}")
                self.assertEqual([f for f in files if f.startswith("core")], [])

    def test_allow_core_opts_out_but_the_secure_heap_stays_out_of_it(self):
        if sanitized():
            self.skipTest("AddressSanitizer keeps cores off whatever the tool allows")
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(read(fixture("leaf-rsa2048.key")).encode(), None)
        d = key.private_numbers().d
        # OpenSSL's BIGNUM holds d as 64-bit limbs, least significant first: on a little-endian
        # machine, d's bytes in little-endian order
        d_limbs = d.to_bytes((d.bit_length() + 7) // 8, "little")
        p, cwd = self.stalled("certup", *CHECK, fixture("bundle-good.pem"),
                              env=self.env(LIBCERT_ALLOW_CORE="1"))
        dumped, files = self.crash(p, cwd)
        self.assertTrue(dumped, files)
        self.assertIn("core", files)
        with open(os.path.join(cwd, "core"), "rb") as f:
            core = f.read()
        self.assertGreater(len(core), 100000, "not a core")
        if sys.byteorder == "little":
            self.assertFalse(d_limbs in core, "the private exponent's BIGNUM is in the core")


if __name__ == "__main__":
    unittest.main(verbosity=2)
