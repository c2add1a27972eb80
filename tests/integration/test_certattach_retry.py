#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certattach and what CloudFront answers while it works: a concurrent change between our read
and our update (412: read again, check again, apply again, If-Match always sent; the other
change survives), the 412 loop bounded; InvalidViewerCertificate right after an upload (retried
with backoff for a bounded time, said at -v); IllegalUpdate while a viewer-certificate change is
InProgress (wait for Deployed, apply again; bounded); --wait and --wait-timeout; --jobs (bounded
concurrency, every pre-flight before the first update); a failure midway, reported per
distribution, with and without --rollback-on-failure."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    EmuTestCase,
    Relay,
    Result,
    cf_config_raw,
    cf_etag,
    cf_put_raw,
    cf_set_comment,
    cf_status,
    cf_viewer,
    cf_viewer_dict,
    cf_without_viewer,
    tool_path,
    upload_fixture,
    wait_until,
)


class AttachCase(EmuTestCase):

    def attach(self, *args, env=None, timeout=120):
        return self.tool("certattach", *self.CHECK, *args, env=env, timeout=timeout)

    def start_attach(self, *args, env=None):
        """certattach in the background; finish() gives its Result."""
        argv = [tool_path("certattach"), *self.CHECK, *args]
        t0 = time.monotonic()
        p = subprocess.Popen(argv, env=env or self.env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())

        def finish(timeout=120):
            out, err = p.communicate(timeout=timeout)
            return Result(argv, p.returncode, out, err, time.monotonic() - t0)
        return p, finish

    def updates(self, since=0):
        return self.emu.log(since=since, action="UpdateDistribution")

    def iam_id(self, dist_id):
        return cf_viewer_dict(cf_config_raw(self.emu, dist_id)[1]).get("IAMCertificateId")

    def rule_taken(self):
        return self.emu.faults_active() == []


def puts(relay):
    """The UpdateDistribution requests that went through the relay: [(If-Match or None, body)]."""
    return [(h.get("if-match"), body) for line, h, body in relay.requests()
            if line.startswith("PUT ") and line.split()[1].endswith("/config")]


class CertattachConcurrentChange(AttachCase):
    """Someone changes the distribution between our GetDistributionConfig and our update."""

    def setUp(self):
        super().setUp()
        self.good = upload_fixture(self.emu, "good", "rsa2048")  # www.example.com, example.com
        self.wild = upload_fixture(self.emu, "wild", "wildcard")  # *.example.com, example.com
        self.dist = self.emu.create_distribution(aliases=["www.example.com"],
                                                 viewer_certificate=self.wild["ServerCertificateId"])["Id"]
        self.relay = Relay(self.emu.port)
        self.addCleanup(self.relay.close)

    def stall_first_update(self):
        # Our update reaches CloudFront only after the other change has been made: it is held
        # until the test releases it (the release after it), whatever the machine's speed.
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="stall", then="answer",
                           ms=60000, hold=True, count=1)

    def test_other_change_survives_and_ours_is_applied(self):
        etag0 = cf_etag(self.emu, self.dist)
        self.stall_first_update()
        p, finish = self.start_attach("--json", "-v", "--cert", "good", self.dist,
                                      env=self.env(AWS_ENDPOINT_URL=self.relay.endpoint))
        wait_until(self.rule_taken, 30, what="certattach's UpdateDistribution")
        etag_other = cf_set_comment(self.emu, self.dist, "changed by someone else")
        self.assertEqual(self.emu.release(), 1)
        r = finish()
        self.assertEqual(r.rc, 0, r)
        etag_final, raw = cf_config_raw(self.emu, self.dist)
        self.assertIn("<Comment>changed by someone else</Comment>", raw.decode())  # theirs survived
        self.assertEqual(cf_viewer_dict(raw)["IAMCertificateId"], self.good["ServerCertificateId"])  # ours
        self.assertEqual([u["status"] for u in self.updates()], [200, 412, 200])
        log = self.emu.actions()
        i412 = [i for i, e in enumerate(self.emu.log()) if e["action"] == "UpdateDistribution" and e["status"] == 412][0]
        self.assertIn("GetDistributionConfig", log[i412 + 1:-1], "read again after the 412")
        # If-Match on every update: the stale ETag first, then the one the other change made.
        sent = puts(self.relay)
        self.assertEqual([m for m, _ in sent], [etag0, etag_other])
        self.assertNotEqual(etag_final, etag_other)
        doc = r.json()
        self.assertEqual(doc["Distributions"][0]["status"], "updated")
        self.assertEqual(doc["Distributions"][0]["attempts"], 2)
        self.assertIn("PreconditionFailed", r.err)

    def test_checked_again_after_the_412(self):
        # The other change adds an alias the new certificate does not cover (the current
        # wildcard does): re-checked, refused, and the other change stays as it was made.
        self.stall_first_update()
        p, finish = self.start_attach("--json", "--cert", "good", self.dist)
        wait_until(self.rule_taken, 30, what="certattach's UpdateDistribution")
        etag, body = cf_config_raw(self.emu, self.dist)
        text = body.decode().replace(
            "<Aliases><Quantity>1</Quantity><Items><CNAME>www.example.com</CNAME></Items></Aliases>",
            "<Aliases><Quantity>2</Quantity><Items><CNAME>www.example.com</CNAME><CNAME>shop.example.com</CNAME>"
            "</Items></Aliases>")
        self.assertIn("shop.example.com", text)
        status, _, answer = cf_put_raw(self.emu, self.dist, text.encode(), etag)
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.emu.release(), 1)
        r = finish()
        self.assertEqual(r.rc, 1, r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["status"], "refused")
        self.assertIn("shop.example.com", " ".join(f["message"] for f in x["findings"] if f["code"] == "name.uncovered"))
        self.assertEqual(self.iam_id(self.dist), self.wild["ServerCertificateId"])
        self.assertEqual([u["status"] for u in self.updates()], [200, 412])  # theirs, our stale one

    def test_412_loop_is_bounded_and_keeps_if_match(self):
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="status", status=412,
                           code="PreconditionFailed",
                           message="The request failed because it didn't meet the preconditions in one or more "
                                   "request-header fields.")
        self.emu.clear_log()
        t0 = time.monotonic()
        r = self.attach("--json", "--cert", "good", self.dist, env=self.env(AWS_ENDPOINT_URL=self.relay.endpoint))
        self.assertLess(time.monotonic() - t0, 60)
        self.assertEqual(r.rc, 4, r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["error"]["aws_code"], "PreconditionFailed")
        self.assertFalse(x["changed"])
        n = len(self.updates())
        self.assertGreaterEqual(n, 2, "read again and applied again at least once")
        self.assertLessEqual(n, 20, "bounded")
        # Every update after a fresh read, and never without If-Match.
        self.assertEqual(self.emu.count("GetDistributionConfig"), n)
        sent = puts(self.relay)
        self.assertEqual(len(sent), n)
        self.assertTrue(all(m for m, _ in sent), [m for m, _ in sent])
        self.assertEqual(self.iam_id(self.dist), self.wild["ServerCertificateId"])


class CertattachEventualConsistency(AttachCase):
    """InvalidViewerCertificate for a while after the certificate's upload."""

    def setUp(self):
        super().setUp()
        self.dist = self.emu.create_distribution(aliases=[], viewer_certificate=None)["Id"]

    def test_fresh_certificate_retried_until_visible(self):
        self.emu.set_config(consistency_delay=3)
        r = self.tool("certup", *self.CHECK, "--name", "fresh", "--json", os.path.join(
            os.environ["LIBCERT_FIXTURES"], "bundle-good.pem"))
        self.assertEqual(r.rc, 0, r)
        fresh_id = r.json()["ServerCertificateMetadata"]["ServerCertificateId"]
        t0 = time.monotonic()
        r = self.attach("-v", "--json", "--cert", "fresh", self.dist)
        self.assertEqual(r.rc, 0, r)
        # The distribution uses it now (not merely a report that says so).
        self.assertEqual(self.iam_id(self.dist), fresh_id, r)
        self.assertEqual(r.json()["Distributions"][0]["status"], "updated", r)
        self.assertGreater(time.monotonic() - t0, 1.0)
        statuses = [u["status"] for u in self.updates()]
        self.assertEqual(statuses[-1], 200)
        self.assertGreaterEqual(statuses.count(400), 1, statuses)
        self.assertEqual(set(statuses[:-1]), {400})
        self.assertEqual(r.json()["Distributions"][0]["attempts"], len(statuses))
        self.assertRegex(r.err, r"(?i)(retry|again)")
        self.assertRegex(r.err, r"(?i)(consisten|not see|not visible|yet)")

    def test_retry_is_bounded(self):
        self.emu.set_config(consistency_delay=600)
        upload_fixture(self.emu, "fresh", "rsa2048")
        t0 = time.monotonic()
        r = self.attach("--json", "--consistency-timeout", "3", "--cert", "fresh", self.dist)
        self.assertLess(time.monotonic() - t0, 30)
        self.assertIsNone(self.iam_id(self.dist))  # CloudFront never took it
        self.assertEqual(r.rc, 4, r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["status"], "failed", r)
        self.assertEqual(x["error"]["aws_code"], "InvalidViewerCertificate")
        self.assertGreaterEqual(len(self.updates()), 2)  # retried, then gave up
        self.assertGreater(time.monotonic() - t0, 2.0)

    def test_without_the_delay_one_update(self):
        upload_fixture(self.emu, "fresh", "rsa2048")
        r = self.attach("--cert", "fresh", self.dist)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([u["status"] for u in self.updates()], [200])


class CertattachInProgress(AttachCase):
    """Updates stay InProgress for deploy_delay seconds."""

    EMU = dict(deploy_delay=2)

    def setUp(self):
        super().setUp()
        self.a = upload_fixture(self.emu, "cert-a", "rsa2048")
        self.b = upload_fixture(self.emu, "cert-b", "rsa3072")
        self.dist = self.emu.create_distribution(aliases=["www.example.com"],
                                                 viewer_certificate=self.a["ServerCertificateId"])["Id"]

    def test_second_viewer_change_waits_for_deployed(self):
        r = self.attach("--cert", "cert-b", self.dist)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(cf_status(self.emu, self.dist), "InProgress")
        r = self.attach("-v", "--json", "--cert", "cert-a", self.dist)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.iam_id(self.dist), self.a["ServerCertificateId"])
        ups = self.updates()
        self.assertEqual([u["status"] for u in ups], [200, 400, 200])
        # Between the refusal and the update that went through: GetDistribution polls.
        between = [e["action"] for e in self.emu.log() if ups[1]["seq"] < e["seq"] < ups[2]["seq"]]
        self.assertIn("GetDistribution", between)
        self.assertRegex(r.err, r"(?i)in progress|InProgress")
        self.assertEqual(r.json()["Distributions"][0]["status"], "updated")

    def test_illegal_update_wait_is_bounded(self):
        self.emu.set_config(deploy_delay=60)
        r = self.attach("--cert", "cert-b", self.dist)
        self.assertEqual(r.rc, 0, r)
        t0 = time.monotonic()
        r = self.attach("--json", "--wait-timeout", "1", "--cert", "cert-a", self.dist)
        self.assertLess(time.monotonic() - t0, 30)
        self.assertIn(r.rc, (4, 5), r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["status"], "failed")
        self.assertFalse(x["changed"])
        self.assertEqual(self.iam_id(self.dist), self.b["ServerCertificateId"])

    def test_wait_until_deployed(self):
        t0 = time.monotonic()
        r = self.attach("--wait", "--json", "--cert", "cert-b", self.dist)
        self.assertEqual(r.rc, 0, r)
        self.assertGreater(time.monotonic() - t0, 1.5)
        x = r.json()["Distributions"][0]
        self.assertTrue(x["deployed"], r)
        self.assertEqual(cf_status(self.emu, self.dist), "Deployed")
        self.assertGreaterEqual(self.emu.count("GetDistribution"), 1)
        self.assertEqual(self.iam_id(self.dist), self.b["ServerCertificateId"])

    def test_without_wait_it_returns_while_in_progress(self):
        r = self.attach("--json", "--cert", "cert-b", self.dist)
        self.assertEqual(r.rc, 0, r)
        self.assertFalse(r.json()["Distributions"][0]["deployed"])
        self.assertEqual(self.emu.count("GetDistribution"), 0)
        self.assertEqual(cf_status(self.emu, self.dist), "InProgress")

    def test_wait_timeout(self):
        self.emu.set_config(deploy_delay=60)
        t0 = time.monotonic()
        r = self.attach("--wait", "--wait-timeout", "1", "--json", "--cert", "cert-b", self.dist)
        self.assertLess(time.monotonic() - t0, 30)
        self.assertNotEqual(r.rc, 0, r)
        self.assertEqual(r.rc, 5, r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["status"], "updated")  # the change was made; it is not Deployed yet
        self.assertTrue(x["changed"])
        self.assertFalse(x["deployed"])
        self.assertEqual(self.iam_id(self.dist), self.b["ServerCertificateId"])


def max_overlap(entries):
    """The most requests in flight at once, from log entries (end time, duration)."""
    events = []
    for e in entries:
        end = e["time"]
        events += [(end - e["duration_ms"] / 1000.0, 1), (end, -1)]
    cur = best = 0
    for _, step in sorted(events, key=lambda x: (x[0], x[1])):
        cur += step
        best = max(best, cur)
    return best


class CertattachMany(AttachCase):
    """Several distributions: --jobs, a failure midway, --rollback-on-failure."""

    def setUp(self):
        super().setUp()
        self.old = upload_fixture(self.emu, "old", "rsa2048")
        self.new = upload_fixture(self.emu, "new", "rsa3072")

    def make(self, n):
        aliases = [["www.example.com"], ["example.com"]] + [[]] * (n - 2)
        return [self.emu.create_distribution(aliases=a, viewer_certificate=self.old["ServerCertificateId"])["Id"]
                for a in aliases[:n]]

    def test_jobs_bounds_changes_and_preflights_come_first(self):
        ids = self.make(6)
        self.emu.set_config(latency_ms=400)
        self.emu.clear_log()
        r = self.attach("--json", "--jobs", "3", "--cert", "new", *ids)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(sorted(x["Id"] for x in r.json()["Distributions"] if x["status"] == "updated"), sorted(ids))
        gets = self.emu.log(action="GetDistributionConfig")
        ups = self.updates()
        self.assertEqual(len(gets), 6)
        self.assertEqual(len(ups), 6)
        first_update_start = min(u["time"] - u["duration_ms"] / 1000.0 for u in ups)
        self.assertLessEqual(max(g["time"] for g in gets), first_update_start + 0.15)
        self.assertLessEqual(max_overlap(ups), 3)
        self.assertGreaterEqual(max_overlap(ups), 2)
        # the pre-flight only reads: not held to --jobs (up to 64 at once), all six together
        self.assertEqual(max_overlap(gets), 6)
        for i in ids:
            self.assertEqual(self.iam_id(i), self.new["ServerCertificateId"])

    def test_workers_share_one_run_of_the_credential_chain(self):
        # Six distributions, three at once: the credentials come from a credential_process that
        # counts its runs. Every worker starts from the main session's credentials: one run.
        ids = self.make(6)
        count = os.path.join(self.home, "runs")
        script = os.path.join(self.home, "creds.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\necho run >> '%s'\n"
                    "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", "
                    "\"SecretAccessKey\": \"process-secret\"}'\n" % count)
        os.chmod(script, 0o755)
        os.makedirs(os.path.join(self.home, ".aws"), exist_ok=True)
        with open(os.path.join(self.home, ".aws", "config"), "w") as f:
            f.write("[profile proc]\ncredential_process = %s\n" % script)
        env = self.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None)
        r = self.attach("--json", "--profile", "proc", "--jobs", "3", "--cert", "new", *ids, env=env)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([x["status"] for x in r.json()["Distributions"]], ["updated"] * 6)
        with open(count) as f:
            self.assertEqual(f.read().count("run"), 1)

    def fail_second_update(self):
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="status", status=400,
                           code="InvalidArgument", message="Injected failure midway.", skip=1, count=1)

    def test_failure_midway_report_says_which_changed(self):
        ids = self.make(3)
        before = {i: cf_config_raw(self.emu, i) for i in ids}
        self.fail_second_update()
        r = self.attach("--json", "--jobs", "1", "--cert", "new", *ids)
        self.assertEqual(r.rc, 4, r)
        doc = r.json()
        self.assertEqual(doc["libcert"]["exit_code"], 4)
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(set(by_id), set(ids))
        self.assertEqual(by_id[ids[1]]["status"], "failed")
        self.assertFalse(by_id[ids[1]]["changed"])
        self.assertEqual(by_id[ids[1]]["exit_code"], 4)
        self.assertEqual(by_id[ids[1]]["error"]["aws_code"], "InvalidArgument")
        self.assertIn("Injected failure midway.", by_id[ids[1]]["error"]["message"])
        # What the report says matches what CloudFront holds.
        for i in ids:
            changed = by_id[i]["changed"]
            cli = self.aws("cloudfront", "get-distribution-config", "--id", i)
            now = cli["DistributionConfig"]["ViewerCertificate"]["IAMCertificateId"]
            self.assertEqual(now, self.new["ServerCertificateId"] if changed else self.old["ServerCertificateId"], i)
            self.assertEqual(cli["ETag"] != before[i][0], changed, i)
        self.assertTrue(by_id[ids[0]]["changed"])
        self.assertEqual(by_id[ids[0]]["exit_code"], 0)
        # Text: each distribution's own status.
        self.assertEqual(self.iam_id(ids[1]), self.old["ServerCertificateId"])

    def test_failure_midway_text_report(self):
        ids = self.make(3)
        self.fail_second_update()
        r = self.attach("--jobs", "1", "--cert", "new", *ids)
        self.assertEqual(r.rc, 4, r)
        lines = {ln.split()[0]: ln for ln in r.out.splitlines() if ln.split() and ln.split()[0] in ids}
        self.assertEqual(set(lines), set(ids), r)
        self.assertRegex(lines[ids[0]], r"\bupdated\b")
        self.assertRegex(lines[ids[1]], r"\bfailed\b")
        self.assertIn("InvalidArgument", lines[ids[1]])

    def check_rolled_back(self, ids, before, doc):
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(by_id[ids[1]]["status"], "failed")
        for i in (ids[0], ids[2]):
            self.assertEqual(by_id[i]["status"], "rolled-back", doc)
            self.assertEqual(by_id[i]["PreviousViewerCertificate"]["IAMCertificateId"], self.old["ServerCertificateId"])
        for i in ids:
            cli = self.aws("cloudfront", "get-distribution-config", "--id", i)
            self.assertEqual(cli["DistributionConfig"]["ViewerCertificate"]["IAMCertificateId"],
                             self.old["ServerCertificateId"], i)
            _, raw = cf_config_raw(self.emu, i)
            self.assertEqual(cf_viewer(raw), cf_viewer(before[i][1]), i)  # the very same element
            self.assertEqual(cf_without_viewer(raw), cf_without_viewer(before[i][1]), i)
        self.assertEqual(cf_etag(self.emu, ids[1]), before[ids[1]][0])  # the failed one: never changed

    def test_rollback_on_failure_puts_the_previous_certificate_back(self):
        ids = self.make(3)
        before = {i: cf_config_raw(self.emu, i) for i in ids}
        self.fail_second_update()
        r = self.attach("--json", "--jobs", "1", "--rollback-on-failure", "--cert", "new", *ids)
        self.assertEqual(r.rc, 4, r)
        self.check_rolled_back(ids, before, r.json())
        self.assertEqual([u["status"] for u in self.updates()], [200, 400, 200, 200, 200])

    def test_rollback_waits_for_its_own_change_in_progress(self):
        ids = self.make(3)
        before = {i: cf_config_raw(self.emu, i) for i in ids}
        self.emu.set_config(deploy_delay=1)
        self.fail_second_update()
        r = self.attach("--json", "-v", "--jobs", "1", "--rollback-on-failure", "--cert", "new", *ids)
        self.assertEqual(r.rc, 4, r)
        self.check_rolled_back(ids, before, r.json())
        # The rollback met IllegalUpdate (its own change still InProgress) and waited.
        refused = [u for u in self.updates() if u["status"] == 400 and u["fault"] is None]
        self.assertGreaterEqual(len(refused), 1, self.updates())
        self.assertIn("GetDistribution", [e["action"] for e in self.emu.log() if e["seq"] > refused[0]["seq"]])


if __name__ == "__main__":
    main()
