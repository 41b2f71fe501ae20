#!/usr/bin/env python3
# rolecall — SPDX-License-Identifier: Apache-2.0
"""A loopback stand-in for a Kubernetes API server, for testing `rolecall ingest --cluster` with the real kubectl.

It serves what kubectl needs to list objects: /version, legacy discovery (/api, /apis, /api/v1, /apis/GROUP/VERSION)
and list and get endpoints, cluster-wide and per namespace, from a JSON file holding a kubectl-style List.
Lists honor `limit` and `continue`, as kubectl's --chunk-size uses them. It speaks HTTPS with a self-signed
certificate for 127.0.0.1 (fixtures/fake-apiserver/, for tests only), because kubectl sends bearer tokens only over
TLS; kubeconfigs point at it with `insecure-skip-tls-verify: true`. It listens on 127.0.0.1 only, prints
`port N` on stdout once it is ready, and exits after --lifetime seconds or as soon as its stdin closes (the test
that started it has ended), whichever comes first.

  fake-apiserver.py --objects fixtures/cases/live-cluster.json [--token T] [--forbid secrets] [--log FILE]
"""

import argparse
import json
import os
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (group, version, resource, kind, namespaced): the kinds rolecall reads, plus ConfigMaps for aws-auth.
RESOURCES = [
    ("", "v1", "namespaces", "Namespace", False),
    ("", "v1", "serviceaccounts", "ServiceAccount", True),
    ("", "v1", "pods", "Pod", True),
    ("", "v1", "secrets", "Secret", True),
    ("", "v1", "configmaps", "ConfigMap", True),
    ("", "v1", "replicationcontrollers", "ReplicationController", True),
    ("apps", "v1", "deployments", "Deployment", True),
    ("apps", "v1", "replicasets", "ReplicaSet", True),
    ("apps", "v1", "statefulsets", "StatefulSet", True),
    ("apps", "v1", "daemonsets", "DaemonSet", True),
    ("batch", "v1", "jobs", "Job", True),
    ("batch", "v1", "cronjobs", "CronJob", True),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", True),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False),
]
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--objects", required=True, help="a JSON List of the objects to serve")
    p.add_argument("--token", default="good-token", help="the only bearer token accepted; others get 401")
    p.add_argument("--forbid", action="append", default=[], help="a resource whose lists answer 403 (repeatable)")
    p.add_argument("--git-version", default="v1.31.2", help="serverVersion.gitVersion for /version")
    p.add_argument("--openshift", action="store_true", help="also serve the config.openshift.io/v1 group")
    p.add_argument("--log", help="append every request's path and query to this file")
    p.add_argument("--lifetime", type=float, default=120, help="seconds after which the server exits by itself")
    p.add_argument("--port", type=int, default=0, help="0: a free port")
    tls = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "fake-apiserver")
    p.add_argument("--tls-cert", default=os.path.join(tls, "tls.crt"))
    p.add_argument("--tls-key", default=os.path.join(tls, "tls.key"))
    return p.parse_args()


class Store:
    """The objects by (group, resource), each list sorted by namespace and name as etcd returns them."""

    def __init__(self, path):
        with open(path, "rb") as f:
            items = json.load(f)["items"]
        by_kind = {(g, kind): res for g, _, res, kind, _ in RESOURCES}
        self.objects = {(g, res): [] for g, _, res, _, _ in RESOURCES}
        for item in items:
            api_version = item.get("apiVersion", "")
            group = api_version.split("/")[0] if "/" in api_version else ""
            resource = by_kind.get((group, item.get("kind")))
            if resource is None:
                continue
            # A real API server leaves apiVersion and kind out of list items; kubectl fills them in.
            stripped = {k: v for k, v in item.items() if k not in ("apiVersion", "kind")}
            self.objects[(group, resource)].append(stripped)
        for objects in self.objects.values():
            objects.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))


def make_handler(args, store):
    log_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            self.request.do_handshake()
            super().setup()

        def log_message(self, *_):
            pass

        def send_json(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def status(self, code, reason, message):
            self.send_json(code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                  "message": message, "reason": reason, "code": code})

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            if args.log:
                with log_lock, open(args.log, "a") as f:
                    f.write(self.path + "\n")
            if self.headers.get("Authorization") != "Bearer " + args.token:
                return self.status(401, "Unauthorized", "Unauthorized")
            parts = [p for p in url.path.split("/") if p]
            if parts == ["version"]:
                major, minor = args.git_version.lstrip("v").split(".")[:2]
                return self.send_json(200, {"major": major, "minor": minor, "gitVersion": args.git_version,
                                            "platform": "linux/amd64"})
            if parts == ["api"]:
                return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": self.headers.get("Host", "")}]})
            if parts == ["apis"]:
                return self.send_json(200, self.groups())
            if parts in (["api", "v1"],) or (len(parts) == 3 and parts[0] == "apis"):
                group = "" if parts[0] == "api" else parts[1]
                version = parts[-1]
                return self.send_json(200, self.resources(group, version))
            return self.objects(parts, query)

        def groups(self):
            names = sorted({g for g, *_ in RESOURCES if g}) + (["config.openshift.io"] if args.openshift else [])
            groups = [{"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
                       "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}} for g in names]
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

        def resources(self, group, version):
            listed = [{"name": res, "singularName": kind.lower(), "namespaced": ns, "kind": kind, "verbs": VERBS}
                      for g, v, res, kind, ns in RESOURCES if g == group and v == version]
            return {"kind": "APIResourceList", "apiVersion": "v1",
                    "groupVersion": (group + "/" if group else "") + version, "resources": listed}

        def objects(self, parts, query):
            # /api/v1[/namespaces/NS]/RES[/NAME] and /apis/G/V[/namespaces/NS]/RES[/NAME]
            if parts[:2] == ["api", "v1"]:
                group, version, rest = "", "v1", parts[2:]
            elif parts[:1] == ["apis"] and len(parts) >= 4:
                group, version, rest = parts[1], parts[2], parts[3:]
            else:
                return self.status(404, "NotFound", "the server could not find the requested resource")
            namespace = None
            if len(rest) >= 3 and rest[0] == "namespaces":
                namespace, rest = rest[1], rest[2:]
            if len(rest) not in (1, 2) or (group, rest[0]) not in store.objects:
                return self.status(404, "NotFound", "the server could not find the requested resource")
            resource = rest[0]
            kind = next(k for g, _, r, k, _ in RESOURCES if g == group and r == resource)
            if resource in args.forbid:
                scope = "in the namespace \"%s\"" % namespace if namespace else "at the cluster scope"
                return self.status(403, "Forbidden", "%s is forbidden: User \"tester\" cannot list resource \"%s\" "
                                   "in API group \"%s\" %s" % (resource, resource, group, scope))
            objects = [o for o in store.objects[(group, resource)]
                       if namespace is None or o["metadata"].get("namespace") == namespace]
            api_version = (group + "/" if group else "") + version
            if len(rest) == 2:
                found = [o for o in objects if o["metadata"]["name"] == rest[1]]
                if not found:
                    return self.status(404, "NotFound", "%s \"%s\" not found" % (resource, rest[1]))
                return self.send_json(200, dict(found[0], apiVersion=api_version, kind=kind))
            start = int(query.get("continue", ["0"])[0] or 0)
            limit = int(query.get("limit", ["0"])[0] or 0)
            end = start + limit if limit > 0 else len(objects)
            metadata = {"resourceVersion": "1000"}
            if end < len(objects):
                metadata["continue"] = str(end)
                metadata["remainingItemCount"] = len(objects) - end
            return self.send_json(200, {"kind": kind + "List", "apiVersion": api_version, "metadata": metadata,
                                        "items": objects[start:end]})

    return Handler


def main():
    args = parse_args()
    store = Store(args.objects)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args, store))
    server.daemon_threads = True
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.tls_cert, args.tls_key)
    # The handshake runs in the handler's thread, so that a client stuck in it cannot block accept().
    server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)

    def stop_when_stdin_closes():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    print("port %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
