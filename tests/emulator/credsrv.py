#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Credential endpoints for testing credential providers, on 127.0.0.1.

  EC2 instance metadata (IMDSv2, and IMDSv1 unless --imds-v2-only):
    PUT /latest/api/token                      X-aws-ec2-metadata-token-ttl-seconds: 1..21600
    GET /latest/meta-data/iam/security-credentials/        -> role name
    GET /latest/meta-data/iam/security-credentials/ROLE    -> JSON credentials
        (X-aws-ec2-metadata-token: TOKEN)
  Container credentials (ECS / EKS pod identity style, AWS_CONTAINER_CREDENTIALS_FULL_URI):
    GET /creds          Authorization: <--container-token>  -> JSON credentials
  IAM Identity Center (SSO) portal:
    GET /federation/credentials?role_name=R&account_id=A   x-amz-sso_bearer_token: <--sso-token>
        -> {"roleCredentials": {...}}

Control API (unsigned JSON): GET /_emu/log, DELETE /_emu/log, GET|POST /_emu/config,
GET /_emu/health, GET|POST|DELETE /_emu/faults.

Faults (POST /_emu/faults, a rule or {"rules": [...]}): {"endpoint": E, "fault": F, "status": N,
"ms": N, "count": N, "skip": N}. E is "imds-token" (PUT /latest/api/token), "imds" (the
/latest/meta-data/ GETs), "container" (/creds), "sso" (/federation/credentials) or "*"; F is
"status" (an error answer, default 500), "reset" (TCP RST, no answer), "stall" (nothing for ms,
default 5000, then close), "truncate" (a Content-Length longer than the body sent, then close)
or "invalid" (a whole 200 answer whose body is not JSON). count: applies N times (default:
forever); skip: lets the first N matching requests through.

Shapes follow what the SDKs parse: botocore/utils.py (InstanceMetadataFetcher,
ContainerMetadataFetcher) and botocore/credentials.py (SSOCredentialFetcher), and the AWS
documentation pages "Use IMDSv2" (EC2 User Guide), "Amazon ECS task IAM role" and the IAM
Identity Center portal API reference, GetRoleCredentials.

Usage: credsrv.py --port 0 --port-file FILE [--access-key-id K] [--secret-access-key S]
       [--session-token T] [--expires-in SECONDS] [--role NAME] [--imds-v2-only]
       [--container-token TOKEN] [--sso-token TOKEN] [--sso-role R] [--sso-account A]
"""

import argparse
import datetime
import json
import os
import secrets
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.config = {
            "access_key_id": args.access_key_id,
            "secret_access_key": args.secret_access_key,
            "session_token": args.session_token,
            "expires_in": args.expires_in,
            "role": args.role,
            "imds_v2_only": args.imds_v2_only,
            "container_token": args.container_token,
            "sso_token": args.sso_token,
            "sso_role": args.sso_role,
            "sso_account": args.sso_account,
        }
        self.tokens = {}  # IMDSv2 token -> monotonic expiry
        self.faults = []  # rules, in the order added
        self.log = []
        self.seq = 0
        self.issued = 0

    def creds(self):
        """The configured credentials, with an expiry expires_in seconds from now. Each answer
        counts as one issue; a `{n}` in a configured value is replaced by that count, so a test
        can see a refresh pick up new credentials."""
        with self.lock:
            self.issued += 1
            n = self.issued
            c = dict(self.config)
        exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=c["expires_in"])
        fmt = lambda v: v.replace("{n}", str(n)) if isinstance(v, str) else v  # noqa: E731
        return fmt(c["access_key_id"]), fmt(c["secret_access_key"]), fmt(c["session_token"]), exp


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "credsrv"
    sys_version = ""
    state = None

    def log_message(self, fmt, *args):
        pass

    def _answer(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return status

    def _json(self, status, obj):
        return self._answer(status, json.dumps(obj, indent=1) + "\n")

    def _take_fault(self, path):
        endpoint = ("imds-token" if path == "/latest/api/token" else
                    "imds" if path.startswith("/latest/meta-data/") else
                    "container" if path == "/creds" else
                    "sso" if path == "/federation/credentials" else None)
        if endpoint is None:
            return None
        st = self.state
        with st.lock:
            for rule in list(st.faults):
                if rule["endpoint"] not in ("*", endpoint):
                    continue
                if rule["skip"] > 0:
                    rule["skip"] -= 1
                    continue
                if rule["count"] is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        st.faults.remove(rule)
                return dict(rule)
        return None

    def _fault(self, rule):
        """Misbehave as the rule says; the status logged (None: no answer)."""
        f = rule["fault"]
        self.close_connection = True
        if f == "status":
            return self._json(rule["status"], {"message": "injected fault"})
        if f == "invalid":
            return self._answer(200, '{"Code": "Success", "AccessKeyId": ')
        if f == "truncate":
            body = b'{"Code": "Success", "AccessKeyId": "ASIA'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 512))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            return None
        if f == "stall":
            time.sleep(rule["ms"] / 1000.0)
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        try:  # reset: SO_LINGER 0, the client gets a TCP RST
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        return None

    def _faults_api(self, body):
        st = self.state
        if self.command == "DELETE":
            with st.lock:
                n, st.faults = len(st.faults), []
            return self._json(200, {"cleared": n})
        if self.command == "POST":
            try:
                obj = json.loads(body or b"{}")
                specs = obj["rules"] if "rules" in obj else [obj]
                rules = []
                for spec in specs:
                    rule = {"endpoint": spec.get("endpoint", "*"), "fault": spec.get("fault"),
                            "status": int(spec.get("status", 500)), "ms": int(spec.get("ms", 5000)),
                            "count": None if spec.get("count") is None else int(spec["count"]),
                            "skip": int(spec.get("skip", 0))}
                    if rule["endpoint"] not in ("*", "imds-token", "imds", "container", "sso"):
                        raise ValueError("endpoint must be *, imds-token, imds, container or sso")
                    if rule["fault"] not in ("status", "reset", "stall", "truncate", "invalid"):
                        raise ValueError("fault must be status, reset, stall, truncate or invalid")
                    rules.append(rule)
            except (ValueError, KeyError, TypeError) as e:
                return self._json(400, {"error": str(e)})
            with st.lock:
                st.faults.extend(rules)
            return self._json(200, {"added": rules})
        with st.lock:
            return self._json(200, {"rules": list(st.faults)})

    def _serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        url = urlsplit(self.path)
        st = self.state
        rule = self._take_fault(url.path)
        entry = None
        if not url.path.startswith("/_emu/"):
            # Logged before a fault acts (a stall: when it begins), so a client that gave up
            # finds its request in the log; status is filled in once answered (None: no answer).
            with st.lock:
                st.seq += 1
                entry = {"seq": st.seq, "time": time.time(), "method": self.command, "path": url.path,
                         "query": url.query, "status": None,
                         "fault": rule["fault"] if rule else None,
                         "headers": {k: v for k, v in self.headers.items()
                                     if k.lower() in ("x-aws-ec2-metadata-token-ttl-seconds", "user-agent")}}
                st.log.append(entry)
        status = self._fault(rule) if rule is not None else self._route(url, body)
        if entry is not None:
            entry["status"] = status

    def _imds_token_ok(self):
        tok = self.headers.get("X-aws-ec2-metadata-token")
        with self.state.lock:
            exp = self.state.tokens.get(tok) if tok else None
        return exp is not None and exp > time.monotonic(), tok is not None

    def _route(self, url, body):
        st = self.state
        path = url.path
        c = st.config
        # -- control ---------------------------------------------------------------------------
        if path == "/_emu/health":
            return self._json(200, {"ok": True})
        if path == "/_emu/faults":
            return self._faults_api(body)
        if path == "/_emu/log":
            if self.command == "DELETE":
                with st.lock:
                    st.log = []
                return self._json(200, {"cleared": True})
            with st.lock:
                return self._json(200, {"requests": list(st.log)})
        if path == "/_emu/config":
            if self.command == "POST":
                try:
                    obj = json.loads(body or b"{}")
                except ValueError:
                    return self._json(400, {"error": "body is not JSON"})
                unknown = set(obj) - set(c)
                if unknown:
                    return self._json(400, {"error": "unknown key(s): " + ", ".join(sorted(unknown))})
                with st.lock:
                    c.update(obj)
            return self._json(200, c)
        # -- IMDS ------------------------------------------------------------------------------
        if path == "/latest/api/token":
            # EC2 User Guide, "Use IMDSv2": PUT with X-aws-ec2-metadata-token-ttl-seconds (1-21600);
            # a missing or bad TTL is 400, a GET is 405.
            if self.command != "PUT":
                return self._answer(405, "", "text/plain")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self._answer(400, "", "text/plain")
            tok = "AQAEA" + secrets.token_urlsafe(40)
            with st.lock:
                st.tokens[tok] = time.monotonic() + int(ttl)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("X-aws-ec2-metadata-token-ttl-seconds", ttl)
            self.send_header("Content-Length", str(len(tok)))
            self.end_headers()
            self.wfile.write(tok.encode())
            return 200
        if path.startswith("/latest/meta-data/"):
            valid, given = self._imds_token_ok()
            # A token that is given must be valid (401); no token at all is IMDSv1, refused (401)
            # when the instance requires IMDSv2.
            if (given and not valid) or (not given and c["imds_v2_only"]):
                return self._answer(401, "", "text/plain")
            base = "/latest/meta-data/iam/security-credentials/"
            if path == base:
                return self._answer(200, c["role"], "text/plain")
            if path == base + c["role"]:
                ak, sk, tok, exp = st.creds()
                now = datetime.datetime.now(datetime.timezone.utc)
                return self._json(200, {
                    "Code": "Success",
                    "LastUpdated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "Type": "AWS-HMAC",
                    "AccessKeyId": ak,
                    "SecretAccessKey": sk,
                    "Token": tok,
                    "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                })
            return self._answer(404, "", "text/plain")
        # -- container credentials -------------------------------------------------------------
        if path == "/creds":
            if self.headers.get("Authorization") != c["container_token"]:
                return self._json(401, {"code": "AccessDenied", "message": "Unauthorized"})
            ak, sk, tok, exp = st.creds()
            return self._json(200, {
                "AccessKeyId": ak,
                "SecretAccessKey": sk,
                "Token": tok,
                "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "RoleArn": f"arn:aws:iam::123456789012:role/{c['role']}",
            })
        # -- SSO portal ------------------------------------------------------------------------
        if path == "/federation/credentials":
            # IAM Identity Center portal API Reference, GetRoleCredentials: GET
            # /federation/credentials?role_name&account_id with x-amz-sso_bearer_token; answers
            # roleCredentials with expiration in epoch milliseconds.
            q = parse_qs(url.query)
            if self.headers.get("x-amz-sso_bearer_token") != c["sso_token"]:
                return self._json(401, {"message": "Session token not found or invalid"})
            if q.get("role_name", [""])[0] != c["sso_role"] or q.get("account_id", [""])[0] != c["sso_account"]:
                return self._json(403, {"message": "No access"})
            ak, sk, tok, exp = st.creds()
            return self._json(200, {"roleCredentials": {
                "accessKeyId": ak,
                "secretAccessKey": sk,
                "sessionToken": tok,
                "expiration": int(exp.timestamp() * 1000),
            }})
        return self._answer(404, "", "text/plain")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def parse_args(argv):
    p = argparse.ArgumentParser(description="credential endpoints for credential-provider tests")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--access-key-id", default="ASIAEMULATOREXAMPLE1")
    p.add_argument("--secret-access-key", default="emulator/secret/key/EXAMPLEKEY")
    p.add_argument("--session-token", default="emulator-session-token")
    p.add_argument("--expires-in", type=int, default=3600, help="seconds until the credentials expire")
    p.add_argument("--role", default="libcert-test-role", help="IMDS role name (also in RoleArn)")
    p.add_argument("--imds-v2-only", action="store_true", help="refuse IMDSv1 GETs without a token")
    p.add_argument("--container-token", default="container-auth-token")
    p.add_argument("--sso-token", default="sso-access-token")
    p.add_argument("--sso-role", default="libcert-test-role")
    p.add_argument("--sso-account", default="123456789012")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    Handler.state = State(args)
    server = Server(("127.0.0.1", args.port), Handler)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    port = server.server_address[1]
    if args.port_file:
        tmp = f"{args.port_file}.tmp.{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    sys.stderr.write(f"credsrv: http://127.0.0.1:{port}\n")
    sys.stderr.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
