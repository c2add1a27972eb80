#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certls against the emulator: it lists exactly what `aws iam list-server-certificates` lists
(every page), sorted by expiration, marks what CloudFront cannot use, filters by path, finds
what expires (exit 1), moves a certificate under /cloudfront/ (--fix-path), shows which
distributions use each certificate (--in-use) and the account's quota."""

import datetime
import http.server
import json
import os
import re
import sys
import threading
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    EmuTestCase,
    fixture,
    make_bundle,
    parse_time,
    read,
    run,
    utcnow,
)

DAY = datetime.timedelta(days=1)


DRIVER = os.path.join(os.environ.get("LIBCERT_BUILD", ""), "tests", "integration", "aws_send_driver")
# 300 KB whose XML breaks at once, and IAM's answer for a failure that is retried
NOT_A_LIST = b"<ListServerCertificatesResponse><ListServerCertificatesResult></Oops>" + b" " * 300000
UNAVAILABLE = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type>'
               b"<Code>ServiceUnavailable</Code><Message>try again</Message></Error>"
               b"<RequestId>r-503</RequestId></ErrorResponse>")
SUMMARY = (b'<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
           b"<GetAccountSummaryResult><SummaryMap/></GetAccountSummaryResult></GetAccountSummaryResponse>")


def list_page(members, truncated, marker=None, start=0):
    """A ListServerCertificates answer with `members` items (names from `start`)."""
    items = "".join(f"<member><ServerCertificateName>c{start + i}</ServerCertificateName>"
                    f"<ServerCertificateId>ASCA{start + i}</ServerCertificateId><Path>/</Path></member>"
                    for i in range(members))
    more = f"<Marker>{marker}</Marker>" if marker is not None else ""
    return ('<ListServerCertificatesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            f"<ListServerCertificatesResult><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
            f"{more}<ServerCertificateMetadataList>{items}</ServerCertificateMetadataList>"
            "</ListServerCertificatesResult></ListServerCertificatesResponse>").encode()


class ListServer:
    """A local stand-in for IAM that answers each ListServerCertificates with the next of
    `answers` ((status, body); the last again once they run out), or with answers(n) when it is a
    function of the list's index, and GetAccountSummary with an empty summary; counts the lists."""

    def __init__(self, answers):
        outer = self
        self.answers = answers if callable(answers) else list(answers)
        self.lists = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                form = self.rfile.read(int(self.headers["Content-Length"])).decode()
                status, body = 200, SUMMARY
                if "ListServerCertificates" in form:
                    if callable(outer.answers):
                        status, body = outer.answers(outer.lists)
                    else:
                        status, body = outer.answers[min(outer.lists, len(outer.answers) - 1)]
                    outer.lists += 1
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client hung up once it had read enough

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that hangs up early is what some tests do

        self.server = Server(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Certls(EmuTestCase):
    EMU = dict(quota=30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = utcnow()
        # Certificates whose expiry is relative to the real clock (certls judges by it), and
        # fixtures with fixed dates (all of them past by now).
        cls.fresh = {}
        for name, dns, days in (("a-late", "late.example.com", 400), ("m-mid", "mid.example.com", 20)):
            cls.fresh[name] = make_bundle(os.path.join(cls.home, name + ".pem"), [dns], now + days * DAY)

    def populate(self):
        """Five certificates whose name order is not their expiry order. Returns {name: id}."""
        iam = self.iam()
        chain = read(fixture("chain.pem"))
        specs = [
            ("a-late", "/cloudfront/", *self.fresh["a-late"][:2]),
            ("m-mid", "/cloudfront/prod/", *self.fresh["m-mid"][:2]),
            ("z-soon", "/cloudfront/", read(fixture("leaf-soon.pem")), read(fixture("leaf-soon.key"))),
            ("b-imminent", "/", read(fixture("leaf-imminent.pem")), read(fixture("leaf-imminent.key"))),
            ("c-good", "/prod/", read(fixture("leaf-rsa2048.pem")), read(fixture("leaf-rsa2048.key"))),
        ]
        ids = {}
        for name, path, body, key in specs:
            meta = iam.upload_server_certificate(ServerCertificateName=name, Path=path, CertificateBody=body,
                                                 PrivateKey=key, CertificateChain=chain)["ServerCertificateMetadata"]
            ids[name] = meta["ServerCertificateId"]
        self.emu.clear_log()
        return ids

    def certls_json(self, *args, rc=0):
        r = self.tool("certls", "--json", *args)
        self.assertEqual(r.rc, rc, r)
        return r.json()

    @staticmethod
    def rows(listing):
        return [(m["ServerCertificateName"], m["ServerCertificateId"], m["Path"], m["Arn"],
                 parse_time(m["Expiration"])) for m in listing]

    def test_lists_what_the_aws_cli_lists_sorted_by_expiration(self):
        self.populate()
        doc = self.certls_json()
        # one page, one summary (asked beside the listing: in either order)
        self.assertEqual(sorted(self.emu.actions()), ["GetAccountSummary", "ListServerCertificates"])
        ours = self.rows(doc["ServerCertificateMetadataList"])
        theirs = self.rows(self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"])
        self.assertEqual(sorted(ours), sorted(theirs))
        self.assertEqual(len(ours), 5)
        # soonest first
        self.assertEqual([r[0] for r in ours], ["b-imminent", "z-soon", "c-good", "m-mid", "a-late"])
        self.assertEqual([r[4] for r in ours], sorted(r[4] for r in ours))
        for m in doc["ServerCertificateMetadataList"]:
            self.assertEqual(m["libcert"]["cloudfront_usable"], m["Path"].startswith("/cloudfront/"), m)
        self.assertEqual(doc["libcert"]["count"], 5)

    def test_every_page(self):
        self.populate()
        r = self.tool("certls", "--json", "--page-size", "2")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.emu.actions().count("ListServerCertificates"), 3)
        # every page, then sorted as a whole
        names = [m["ServerCertificateName"] for m in r.json()["ServerCertificateMetadataList"]]
        self.assertEqual(names, ["b-imminent", "z-soon", "c-good", "m-mid", "a-late"])

    def test_a_page_cut_short_is_read_again_and_counted_once(self):
        # The list is parsed as it arrives: an answer cut short after its first items (a
        # truncated answer is retried) must not leave those items behind twice.
        self.populate()
        self.emu.add_fault(service="iam", action="ListServerCertificates", fault="after", then="truncate",
                           count=1)
        r = self.tool("certls", "--json", "-v")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([(e["status"], e["fault"]) for e in self.emu.log(action="ListServerCertificates")],
                         [(200, "after"), (200, None)])
        self.assertRegex(r.err, r"ListServerCertificates .*attempt 2/3")
        names = [m["ServerCertificateName"] for m in r.json()["ServerCertificateMetadataList"]]
        self.assertEqual(names, ["b-imminent", "z-soon", "c-good", "m-mid", "a-late"])
        self.assertEqual(r.json()["libcert"]["count"], 5)

    def test_a_complete_answer_that_is_not_a_list_stops_at_once_and_is_retried(self):
        # A 200 whose body is whole but not well-formed XML: the reader stops the transfer at the
        # first bad byte (the rest, 300 KB here, is not waited for) and says what was wrong. It
        # is a broken body, retried as a truncated one is (issue #11, defect 12: it was exit 5
        # after one attempt), and exit 5 once the attempts run out (3 by default).
        with ListServer([(200, NOT_A_LIST)]) as server:
            r = self.tool("certls", "--json", env=self.env(AWS_ENDPOINT_URL=server.endpoint))
        self.assertEqual(r.rc, 5, r)
        m = re.search(r"IAM ListServerCertificates still failing after 3 attempts: the answer is not "
                      r"well-formed XML \((\d+) bytes read\) \(HTTP 200\)", r.err)
        self.assertIsNotNone(m, r)
        self.assertLess(int(m.group(1)), len(NOT_A_LIST))  # read up to the error, not to the end
        self.assertIn("not well-formed", str(r.json()))
        self.assertEqual(server.lists, 3)

    def test_the_last_error_is_the_unreadable_answer_not_the_retried_one(self):
        # 503 (retried), then a 200 that is not a list (retried too, and again): the library's
        # last AWS error describes the 200, not the 503 before it (aws_send_driver prints
        # cert_aws_last_error()).
        with ListServer([(503, UNAVAILABLE), (200, NOT_A_LIST)]) as server:
            r = run([DRIVER, "--iam-list", "/"], self.env(AWS_ENDPOINT_URL=server.endpoint))
        self.assertEqual(r.rc, 5, r)
        doc = json.loads(r.out)
        self.assertEqual((doc["result"], doc["status"], doc["code"]), ("network error", 200, ""), doc)
        self.assertIn("not well-formed", doc["message"])
        self.assertEqual(server.lists, 3)

    # A list that never ends (issue #11, "Pagination without end"): each stop is exit 5 with a
    # message naming the action, after as few requests as the stop needs. Without the stops
    # these runs do not end (the marker case grew to 3 GB in 30 s).
    def test_a_marker_that_never_changes_stops(self):
        with ListServer([(200, list_page(2, True, "same"))]) as server:
            r = self.tool("certls", "--json", env=self.env(AWS_ENDPOINT_URL=server.endpoint))
        self.assertEqual(r.rc, 5, r)
        self.assertIn("IAM ListServerCertificates: page 2 gives the Marker of an earlier page", r.err)
        self.assertIn("earlier page", r.json()["libcert"]["error"]["message"])
        self.assertEqual(server.lists, 2)

    def test_an_empty_page_that_says_truncated_stops(self):
        with ListServer([(200, list_page(2, True, "m1")), (200, list_page(0, True, "m2"))]) as server:
            r = self.tool("certls", "--json", env=self.env(AWS_ENDPOINT_URL=server.endpoint))
        self.assertEqual(r.rc, 5, r)
        self.assertIn("IAM ListServerCertificates: page 2 holds no items but says IsTruncated", r.err)
        self.assertEqual(server.lists, 2)

    def test_a_listing_past_100000_items_stops(self):
        # 1,000 new items and a new marker on every page: the cap stops the page that passes
        # 100,000 at its first item past it, as it streams in.
        page = list_page(1000, True, "MARKER")
        with ListServer(lambda n: (200, page.replace(b"MARKER", b"m%d" % n))) as server:
            r = self.tool("certls", "--json", env=self.env(AWS_ENDPOINT_URL=server.endpoint), timeout=120)
        self.assertEqual(r.rc, 5, r)
        self.assertIn("IAM ListServerCertificates: more than 100000 items in one listing", r.err)
        self.assertEqual(server.lists, 101)

    def test_text_marks_what_cloudfront_cannot_use_and_the_quota(self):
        ids = self.populate()
        r = self.tool("certls")
        self.assertEqual(r.rc, 0, r)
        lines = {}
        for line in r.out.splitlines():
            for name in ids:
                if line.startswith(name + " "):
                    lines[name] = line
        self.assertEqual(set(lines), set(ids))
        for name, line in lines.items():
            self.assertIn(ids[name], line)
        for name in ("b-imminent", "c-good"):
            self.assertIn("not under /cloudfront/", lines[name])
        for name in ("a-late", "m-mid", "z-soon"):
            self.assertNotIn("not under /cloudfront/", lines[name])
        self.assertNotIn("expired", lines["a-late"])
        self.assertIn("expired", lines["z-soon"])
        # the order of the lines: soonest expiry first
        order = [n for line in r.out.splitlines() for n in ids if line.startswith(n + " ")]
        self.assertEqual(order, ["b-imminent", "z-soon", "c-good", "m-mid", "a-late"])
        summary = self.aws("iam", "get-account-summary")["SummaryMap"]
        self.assertEqual((summary["ServerCertificates"], summary["ServerCertificatesQuota"]), (5, 30))
        self.assertRegex(r.out, r"(?m)^quota: 5 of 30 server certificates used$")
        doc = self.certls_json()
        self.assertEqual(doc["SummaryMap"], {"ServerCertificates": 5, "ServerCertificatesQuota": 30})

    def test_the_table_keeps_its_columns_with_long_names(self):
        # Issue #15: a long name (IAM allows 128 characters) or path must not shift the columns.
        ids = self.populate()
        long_name = "www." + "a" * 100 + ".example.com"
        self.iam().upload_server_certificate(
            ServerCertificateName=long_name, Path="/cloudfront/" + "p" * 60 + "/",
            CertificateBody=read(fixture("leaf-rsa2048.pem")), PrivateKey=read(fixture("leaf-rsa2048.key")),
            CertificateChain=read(fixture("chain.pem")))
        r = self.tool("certls")
        self.assertEqual(r.rc, 0, r)
        lines = r.out.splitlines()
        header = lines[0]
        for column in ("ID", "PATH", "EXPIRES"):
            at = header.index(column)
            for line in lines[1:-1]:
                self.assertEqual(line[at - 2:at], "  ", f"{column} shifted in {line!r}")
                self.assertNotEqual(line[at], " ", f"{column} shifted in {line!r}")
        end = header.index("DAYS") + 3  # right-aligned
        for line in lines[1:-1]:
            self.assertRegex(line[end], r"[0-9?]", f"DAYS shifted in {line!r}")
        self.assertTrue(any(line.startswith(long_name + "  ") for line in lines))
        self.assertEqual(len(lines), len(ids) + 3)

    def test_path_prefix_and_cloudfront(self):
        self.populate()
        doc = self.certls_json("--path-prefix", "/cloudfront/prod/")
        theirs = self.aws("iam", "list-server-certificates", "--path-prefix", "/cloudfront/prod/")
        self.assertEqual(self.rows(doc["ServerCertificateMetadataList"]),
                         self.rows(theirs["ServerCertificateMetadataList"]))
        self.assertEqual([m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]], ["m-mid"])
        doc = self.certls_json("--cloudfront")
        self.assertEqual([m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]],
                         ["z-soon", "m-mid", "a-late"])
        doc = self.certls_json("--path-prefix", "/prod/")
        self.assertEqual([m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]], ["c-good"])
        r = self.tool("certls", "--path-prefix", "prod")
        self.assertEqual(r.rc, 2, r)

    def test_expiring(self):
        self.populate()
        now = utcnow()
        listed = self.iam().list_server_certificates()["ServerCertificateMetadataList"]
        expect = sorted(m["ServerCertificateName"] for m in listed if m["Expiration"] - now < 30 * DAY)
        self.assertIn("m-mid", expect)
        self.assertNotIn("a-late", expect)
        doc = self.certls_json("--expiring", "30", rc=1)
        self.assertEqual(sorted(m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]), expect)
        r = self.tool("certls", "--expiring", "30")
        self.assertEqual(r.rc, 1, r)
        self.assertNotIn("a-late", r.out)
        self.assertIn("m-mid", r.out)
        r = self.tool("certls", "-q", "--expiring", "30")
        self.assertEqual(r.rc, 1, r)

        # nothing expiring: exit 0
        self.emu.reset()
        late, key, chain = self.fresh["a-late"]
        self.iam().upload_server_certificate(ServerCertificateName="a-late", Path="/cloudfront/",
                                             CertificateBody=late, PrivateKey=key, CertificateChain=chain)
        doc = self.certls_json("--expiring", "30", rc=0)
        self.assertEqual(doc["ServerCertificateMetadataList"], [])
        r = self.tool("certls", "--expiring", "30")
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn("a-late", r.out)
        doc = self.certls_json("--expiring", "500", rc=1)
        self.assertEqual([m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]], ["a-late"])

    def test_fix_path(self):
        ids = self.populate()
        r = self.tool("certls", "--fix-path", "c-good")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("/cloudfront/prod/", r.out)
        # read it, then move it: no upload, no delete
        self.assertEqual(self.emu.actions(), ["GetServerCertificate", "UpdateServerCertificate"])
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "c-good")
        meta = got["ServerCertificate"]["ServerCertificateMetadata"]
        self.assertEqual(meta["Path"], "/cloudfront/prod/")
        self.assertEqual(meta["ServerCertificateId"], ids["c-good"])

        r = self.tool("certls", "--fix-path", "b-imminent")
        self.assertEqual(r.rc, 0, r)
        got = self.iam().get_server_certificate(ServerCertificateName="b-imminent")
        self.assertEqual(got["ServerCertificate"]["ServerCertificateMetadata"]["Path"], "/cloudfront/")

        self.emu.clear_log()
        r = self.tool("certls", "--fix-path", "a-late")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("already", r.out)
        self.assertEqual(self.emu.actions(), ["GetServerCertificate"])

        r = self.tool("certls", "--fix-path", "no-such-cert")
        self.assertEqual(r.rc, 4, r)
        self.assertIn("NoSuchEntity", r.err)

        doc = self.certls_json("--cloudfront")
        self.assertEqual(len(doc["ServerCertificateMetadataList"]), 5)

        # with --json: the move, then the listing as one document
        self.iam().update_server_certificate(ServerCertificateName="c-good", NewPath="/prod/")
        r = self.tool("certls", "--json", "--fix-path", "c-good")
        self.assertEqual(r.rc, 0, r)
        listed = {m["ServerCertificateName"]: m["Path"] for m in r.json()["ServerCertificateMetadataList"]}
        self.assertEqual(listed["c-good"], "/cloudfront/prod/")
        self.assertEqual(self.iam().get_server_certificate(ServerCertificateName="c-good")
                         ["ServerCertificate"]["ServerCertificateMetadata"]["Path"], "/cloudfront/prod/")

    def test_json_failures_are_one_document(self):
        # --json prints exactly one JSON document on stdout, failures included (design.md).
        r = self.tool("certls", "--json", "--fix-path", "no-such-cert")
        self.assertEqual(r.rc, 4, r)
        doc = r.json()
        self.assertIn("NoSuchEntity", str(doc))
        r = self.tool("certls", "--json", env=self.env(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1"))
        self.assertEqual(r.rc, 5, r)
        doc = r.json()
        self.assertIn("ListServerCertificates", str(doc))

    def test_in_use(self):
        ids = self.populate()
        d1 = self.emu.create_distribution(aliases=["late.example.com"], viewer_certificate=ids["a-late"])
        d2 = self.emu.create_distribution(viewer_certificate=ids["a-late"])
        d3 = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=ids["z-soon"])
        d4 = self.emu.create_distribution()
        # the independent view: CloudFront's own listing
        cf = self.emu.client("cloudfront").list_distributions()["DistributionList"]["Items"]
        users = {}
        for d in cf:
            cid = d.get("ViewerCertificate", {}).get("IAMCertificateId")
            if cid:
                users.setdefault(cid, set()).add(d["Id"])
        self.assertEqual(users, {ids["a-late"]: {d1["Id"], d2["Id"]}, ids["z-soon"]: {d3["Id"]}})
        self.emu.clear_log()

        doc = self.certls_json("--in-use")
        self.assertIn("ListDistributions", self.emu.actions())
        by_name = {m["ServerCertificateName"]: m for m in doc["ServerCertificateMetadataList"]}
        for name, cid in ids.items():
            self.assertEqual(set(by_name[name]["libcert"]["in_use"]), users.get(cid, set()), name)
        self.assertNotIn(d4["Id"], str(doc["ServerCertificateMetadataList"]))
        # expired, under /cloudfront/ but in use: not removable
        self.assertFalse(by_name["z-soon"]["libcert"]["removable"])
        self.assertFalse(by_name["a-late"]["libcert"]["removable"])

        r = self.tool("certls", "--in-use")
        self.assertEqual(r.rc, 0, r)
        line = [ln for ln in r.out.splitlines() if ln.startswith("a-late ")]
        self.assertEqual(len(line), 1, r)
        self.assertIn(d1["Id"], line[0])
        self.assertIn(d2["Id"], line[0])
        line = [ln for ln in r.out.splitlines() if ln.startswith("m-mid ")][0]
        self.assertNotRegex(line, r"\bE[A-Z0-9]{12,13}\b")

    def test_removable_expired_and_unused(self):
        self.populate()
        # an expired certificate under /cloudfront/ that no distribution uses
        self.iam().upload_server_certificate(ServerCertificateName="x-old", Path="/cloudfront/",
                                             CertificateBody=read(fixture("leaf-x.pem")),
                                             PrivateKey=read(fixture("leaf-x.key")),
                                             CertificateChain=read(fixture("xr3.pem")))
        doc = self.certls_json("--in-use")
        removable = {m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]
                     if m["libcert"]["removable"]}
        self.assertEqual(removable, {"x-old", "z-soon"})
        # the same expiration (2026-06-01): by name
        names = [m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]]
        self.assertEqual(names, ["b-imminent", "z-soon", "c-good", "x-old", "m-mid", "a-late"])


if __name__ == "__main__":
    main()
