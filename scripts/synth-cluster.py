#!/usr/bin/env python3
"""Deterministic synthetic Kubernetes RBAC cluster generator for rolecall benchmarks.

Writes three files into --out DIR:

  cluster.json   one compact `kind: List` JSON object, shaped like
                 `kubectl get ns,sa,roles,rolebindings,clusterroles,clusterrolebindings -A -o json`
                 (Namespaces, ServiceAccounts, Roles, ClusterRoles, RoleBindings,
                 ClusterRoleBindings; aggregated ClusterRoles have `rules: []`), followed in
                 every shape but `plain` by workloads, Secrets and aws-auth (see Shapes).
  can-i.jsonl    batch authorization requests, one JSON object per line
                 (user/groups + verb/apiGroup/resource[/subresource][/name]/namespace,
                 or ~2% nonResourceURL requests).
  who-can.jsonl  request attributes without a user, for "who can" queries.

Usage:
  python3 scripts/synth-cluster.py --size S|M|XL --out DIR [--seed N]
                                   [--shape plain|realistic|dense|pods50k]

Sizes (the RBAC part, identical in every shape):
  XL: 2,000 namespaces, 20,000 ServiceAccounts, 10,000 Roles, 20,000 RoleBindings,
  500 ClusterRoles (20 aggregated), 2,000 ClusterRoleBindings, 100,000 can-i lines,
  1,000 who-can lines. M and S are roughly 10x and 100x smaller (200 and 20 namespaces).

Shapes:
  plain      the RBAC objects above only: byte-identical to the generator's output before
             shapes existed, for comparable figures.
  realistic  (default) plain, plus, scaled with the namespace count:
             - Pod Security labels: pod-security.kubernetes.io/enforce restricted on ~30% of
               namespaces, baseline ~20%, privileged ~5% (and monitoring), none on the rest
               and on kube-system;
             - 10 Pods per namespace (XL: 20,000) on nodes node-0..node-<namespaces/10 - 1>:
               Deployments (~3 per namespace) with their ReplicaSets (current + old ones at 0
               replicas) and pods named like api-7d9c8b6f5x-x2k4p, StatefulSets (~0.5), Jobs
               (~0.5, some owned by CronJobs, ~0.3), a few bare pods with stable names
               (debug-shell, toolbox, ...), and 7 DaemonSets in kube-system and monitoring,
               one pod per node, most with hostPath, some privileged, hostPID or hostNetwork.
               Pod templates run as one of the namespace's ServiceAccounts (~10% unset, i.e.
               default), ~10% with automountServiceAccountToken: false; privileged / hostPath
               / hostPID pods (~1-2% of the others) only in namespaces whose Pod Security level
               allows them; ~3% of Deployment pods are Pending without a nodeName;
             - Secrets: one legacy kubernetes.io/service-account-token Secret per
               ServiceAccount (<sa>-token-xxxxx), plus 2-4 Opaque / dockerconfigjson / tls /
               helm release Secrets per namespace, often named like RESOURCE_NAMES entries
               (db-credentials, registry-auth, tls-cert, api-token); data is dummy;
             - kube-system/aws-auth with 20 mapRoles (node groups -> system:bootstrappers +
               system:nodes as system:node:{{EC2PrivateDNSName}}, a Fargate role, 3 roles ->
               system:masters, 12 -> team-N groups) and 5 mapUsers (2 -> system:masters);
             - escalation primitives granted on purpose, in Roles/ClusterRoles and bindings
               appended after the plain ones: create pods; create/update/patch deployments,
               daemonsets, statefulsets, cronjobs; create jobs; pods/exec, pods/attach,
               pods/ephemeralcontainers, update/patch pods; read and create secrets;
               serviceaccounts/token; impersonate (users/groups cluster-wide only,
               serviceaccounts also per namespace); bind/escalate with rolebinding writes;
               nodes/proxy; CSR create + approval + signers approve; mutating webhooks;
               aws-auth updates; patch namespaces. Per namespace in ~15% of namespaces (2-4
               primitives each, every namespaced primitive at least once, some resourceNames
               naming real bare pods, secrets, deployments, accounts and roles), and
               cluster-wide: one ClusterRole per primitive, bound by max(1, namespaces/500)
               ClusterRoleBindings each. Subjects: mostly the namespace's accounts, some
               users and groups.
  dense      realistic, but grants in ~80% of namespaces (4-6 primitives, 2-3 subjects per
             binding; create pods / pods/exec / update pods / read secrets given to nearly
             every account of the namespace: ~70% of all ServiceAccounts and ~65% of users
             hold one) and 5x the cluster-wide bindings.
  pods50k    realistic with 25 pods per namespace (XL: 50,000 pods).

  XL realistic adds roughly: 830 Roles, 22 ClusterRoles, 970 RoleBindings, 88
  ClusterRoleBindings, 1 ConfigMap, 26,000 Secrets, 20,000 Pods, 6,300 Deployments, 10,700
  ReplicaSets, 1,000 StatefulSets, 7 DaemonSets, 1,000 Jobs, 600 CronJobs (~100 MB of JSON).

Standard library only. Output is byte-identical for the same --size, --seed (default 1)
and --shape: every random choice comes from random.Random instances seeded from the seed,
and nothing iterates over hash-ordered sets. What non-plain shapes add draws from separate
streams (f"{seed}/workloads", f"{seed}/escalation", ...), so the RBAC objects (except the
Namespaces' Pod Security labels), can-i.jsonl and who-can.jsonl are the same in every shape.
"""

import argparse
import base64
import bisect
import datetime
import itertools
import json
import os
import random
import sys
import uuid

RBAC_API = "rbac.authorization.k8s.io"
RBAC_V1 = RBAC_API + "/v1"
AGG_PREFIX = "rbac.example.com/aggregate-to-"
TIER_OPS = "rbac.example.com/tier-ops"

SIZES = {
    "S": dict(namespaces=20, cluster_roles=30, aggregated=3, labeled=10, wildcard=2,
              nonresource=4, crbs=20, users=60, groups=8, can_i=1000, who_can=100, dangling=1),
    "M": dict(namespaces=200, cluster_roles=100, aggregated=6, labeled=25, wildcard=3,
              nonresource=5, crbs=200, users=400, groups=40, can_i=10000, who_can=1000, dangling=3),
    "XL": dict(namespaces=2000, cluster_roles=500, aggregated=20, labeled=100, wildcard=5,
               nonresource=8, crbs=2000, users=4000, groups=300, can_i=100000, who_can=1000,
               dangling=20),
}
SA_PER_NS = 10
ROLES_PER_NS = 5
RBS_PER_NS = 10

# ---------------------------------------------------------------------------
# Vocabulary. Weights make the common things (pods, configmaps, get/list/watch)
# common both in generated rules and in generated requests.

# apiGroup -> [(resource, weight)], namespaced resources only.
NS_VOCAB = {
    "": [("pods", 30), ("pods/log", 10), ("pods/exec", 4), ("services", 15), ("configmaps", 20),
         ("secrets", 12), ("serviceaccounts", 5), ("serviceaccounts/token", 2), ("endpoints", 4),
         ("persistentvolumeclaims", 5), ("events", 4)],
    "apps": [("deployments", 25), ("statefulsets", 10), ("daemonsets", 5), ("replicasets", 6),
             ("deployments/scale", 3)],
    "batch": [("jobs", 10), ("cronjobs", 6)],
    "networking.k8s.io": [("ingresses", 8), ("networkpolicies", 4)],
    RBAC_API: [("roles", 4), ("rolebindings", 4)],
    "policy": [("poddisruptionbudgets", 3)],
    "example.com": [("widgets", 4), ("gadgets", 3)],
    "monitoring.example.io": [("dashboards", 3), ("alertrules", 2)],
    "data.example.org": [("databases", 3), ("backups", 2)],
}
NS_GROUP_WEIGHTS = {"": 45, "apps": 22, "batch": 8, "networking.k8s.io": 6, RBAC_API: 4,
                    "policy": 2, "example.com": 5, "monitoring.example.io": 4, "data.example.org": 4}

# Extra cluster-scoped resources that only ClusterRoles mention.
CLUSTER_VOCAB = {
    "": [("nodes", 5), ("namespaces", 6), ("persistentvolumes", 3)],
    RBAC_API: [("clusterroles", 2), ("clusterrolebindings", 2)],
    "apiextensions.k8s.io": [("customresourcedefinitions", 3)],
    "storage.k8s.io": [("storageclasses", 2)],
}
CLUSTER_GROUP_WEIGHTS = {"": 14, RBAC_API: 4, "apiextensions.k8s.io": 3, "storage.k8s.io": 2}

ALL_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
VERB_TEMPLATES = [
    (["get", "list", "watch"], 40),
    (["get", "list"], 10),
    (["get"], 8),
    (["list", "watch"], 5),
    (["create", "update", "patch", "delete"], 10),
    (["get", "list", "watch", "create", "update", "patch", "delete"], 14),
    (ALL_VERBS, 5),
    (["create"], 3),
    (["update", "patch"], 3),
    (["*"], 2),
]
REQ_VERB_WEIGHTS = [("get", 30), ("list", 22), ("watch", 10), ("create", 10), ("update", 8),
                    ("patch", 8), ("delete", 9), ("deletecollection", 3)]

RULE_RESOURCE_COUNT = [(1, 40), (2, 30), (3, 20), (4, 10)]
RB_SUBJECT_COUNT = [(1, 55), (2, 30), (3, 15)]
CRB_SUBJECT_COUNT = [(1, 60), (2, 28), (3, 12)]

RESOURCE_NAMES = ["app-config", "feature-flags", "db-credentials", "tls-cert", "leader-election",
                  "registry-auth", "api-token", "main", "primary", "backup-0"]

SA_NAMES = ["builder", "deployer", "app", "worker", "monitor", "backup", "ci-runner", "operator",
            "api", "cache", "ingress-controller", "scheduler", "sync", "metrics", "logger",
            "migrator", "webhook", "controller", "agent", "reporter", "frontend", "batch"]
ROLE_NAMES = ["pod-reader", "config-editor", "deployer", "secret-reader", "job-runner",
              "namespace-admin", "viewer", "log-reader", "debugger", "release-manager",
              "db-operator", "ingress-editor", "scaler", "crd-user", "rbac-manager"]
NS_TEAMS = ["payments", "checkout", "search", "billing", "identity", "catalog", "orders",
            "shipping", "analytics", "ml", "platform", "frontend", "mobile", "ads", "media",
            "growth", "risk", "support", "data", "infra"]
NS_ENVS = ["prod", "staging", "dev", "qa", "sandbox"]
FIXED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "monitoring",
                    "ingress-nginx"]
AGG_NAMES = ["view", "edit", "admin", "monitoring-view", "ci", "ops", "audit", "developer",
             "storage", "network", "security", "release", "oncall", "data", "ml", "support",
             "billing", "readonly-plus", "debug", "crd-admin"]
CR_PREFIXES = ["operator", "controller", "exporter", "agent", "reader", "manager", "tenant",
               "webhook", "autoscaler", "backup", "ingress", "cert", "policy", "scanner"]
NONRESOURCE_URL_SETS = [
    ["/metrics"], ["/healthz", "/readyz"], ["/logs/*"], ["/api", "/api/*", "/apis", "/apis/*", "/version"],
    ["/livez"], ["/metrics", "/metrics/*"], ["/debug/*"], ["/openapi/*"],
]
CANI_NONRESOURCE_URLS = ["/healthz", "/metrics", "/api", "/version", "/logs/x", "/readyz",
                         "/logs/kube-apiserver.log"]

BASE_TIME = datetime.datetime(2024, 3, 1, 9, 0, 0, tzinfo=datetime.timezone.utc)

# ---------------------------------------------------------------------------
# Shapes. `plain` is RBAC only (the historical output); the others add workloads,
# secrets, aws-auth, Pod Security labels and deliberate escalation grants.
SHAPES = {
    "plain": None,
    "realistic": dict(pods_per_ns=10, grant_ns=0.15, grants_per_ns=(2, 4), crb_mult=1, dense=False),
    "dense": dict(pods_per_ns=10, grant_ns=0.80, grants_per_ns=(4, 6), crb_mult=5, dense=True),
    "pods50k": dict(pods_per_ns=25, grant_ns=0.15, grants_per_ns=(2, 4), crb_mult=1, dense=False),
}
PSS_LEVELS = [("restricted", 30), ("baseline", 20), ("privileged", 5), (None, 45)]

# Kubernetes' name-suffix alphabet (k8s.io/apimachinery/pkg/util/rand: no vowels, no 0/1/3).
SAFE_ALNUM = "bcdfghjklmnpqrstvwxz2456789"
AWS_ACCOUNT = "123456789012"
ECR = "602401143452.dkr.ecr.us-west-2.amazonaws.com"

DEPLOY_NAMES = ["api", "web", "frontend", "worker", "cache", "gateway", "auth", "scheduler", "consumer",
                "producer", "admin", "search", "notifier", "metrics", "sync", "webhook", "ingest",
                "renderer", "proxy", "backend"]
DEPLOY_NAMES_BY_NS = {
    "kube-system": ["coredns", "metrics-server", "cluster-autoscaler", "aws-load-balancer-controller",
                    "ebs-csi-controller", "external-dns"],
    "monitoring": ["prometheus-operator", "grafana", "kube-state-metrics", "blackbox-exporter",
                   "alertmanager-relay"],
    "ingress-nginx": ["ingress-nginx-controller", "default-backend"],
}
DEPLOY_COUNT = [(1, 10), (2, 25), (3, 30), (4, 20), (5, 10), (6, 5)]
OLD_RS_COUNT = [(0, 50), (1, 30), (2, 20)]
STS_NAMES = ["postgres", "redis", "kafka", "zookeeper", "elasticsearch", "mysql", "rabbitmq", "etcd", "mongo"]
JOB_NAMES = ["db-migrate", "seed-data", "reindex", "backfill", "export", "import"]
CRONJOB_NAMES = ["nightly-backup", "cleanup", "report", "cert-rotate", "sync-users", "compact"]
BARE_NAMES = ["debug-shell", "toolbox", "netshoot", "psql-client", "curl-test", "busybox", "load-test",
              "migrate-manual", "redis-cli", "dnsutils"]
# Relative pod counts per namespace (kube-public and kube-node-lease run nothing).
NS_POD_WEIGHT = [(2, 10), (5, 20), (10, 40), (15, 15), (25, 10), (40, 5)]
# (namespace, name, preferred SA, privileged, hostPath, hostPID, hostNetwork, image)
DAEMONSETS = [
    ("kube-system", "aws-node", "agent", False, True, False, True, ECR + "/amazon-k8s-cni:v1.16.0"),
    ("kube-system", "kube-proxy", "default", True, True, False, True, ECR + "/eks/kube-proxy:v1.29.0"),
    ("kube-system", "ebs-csi-node", "controller", True, True, False, False, ECR + "/eks/aws-ebs-csi-driver:v1.26.0"),
    ("kube-system", "fluent-bit", "logger", False, True, False, False, "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0"),
    ("kube-system", "node-local-dns", "default", False, False, False, True, "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28"),
    ("monitoring", "node-exporter", "metrics", False, True, True, True, "quay.io/prometheus/node-exporter:v1.7.0"),
    ("monitoring", "promtail", "logger", False, True, False, False, "grafana/promtail:2.9.4"),
]
# Non-token secrets: (name, type, weight); a third of the weight names RESOURCE_NAMES entries.
SECRET_KINDS = [("db-credentials", "Opaque", 10), ("api-token", "Opaque", 6),
                ("registry-auth", "kubernetes.io/dockerconfigjson", 7), ("tls-cert", "kubernetes.io/tls", 7),
                ("app-secrets", "Opaque", 12), ("redis-password", "Opaque", 6), ("s3-access", "Opaque", 6),
                ("oauth-client", "Opaque", 5), ("webhook-tls", "kubernetes.io/tls", 5),
                ("regcred", "kubernetes.io/dockerconfigjson", 8), ("sentry-dsn", "Opaque", 4),
                ("smtp-credentials", "Opaque", 4)]
SECRET_DATA = {
    "Opaque": {"password": "Y2hhbmdlLW1l", "username": "YXBw"},
    "kubernetes.io/dockerconfigjson": {".dockerconfigjson": "eyJhdXRocyI6e319"},
    "kubernetes.io/tls": {"tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmR1bW15Cg==",
                          "tls.key": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCmR1bW15Cg=="},
    "helm.sh/release.v1": {"release": "SDRzSUFBQUFBQUFDL3dBQUFBPT0="},
}
TOKEN_DATA_CA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmR1bW15LWNhCg=="
TOKEN_DATA_TOKEN = "ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklpSjkuZHVtbXku"
POD_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}]
RESTRICTED_SC = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                 "seccompProfile": {"type": "RuntimeDefault"}}

# Escalation primitives granted on purpose. key -> (Role/ClusterRole name, namespaced?)
ESC_PRIMITIVES = {
    "create-pods": ("pod-launcher", True),
    "deployments": ("deployment-manager", True),
    "daemonsets": ("daemonset-manager", True),
    "statefulsets": ("statefulset-manager", True),
    "cronjobs": ("cronjob-manager", True),
    "jobs": ("job-launcher", True),
    "pods-exec": ("pod-exec", True),
    "pods-attach": ("pod-attach", True),
    "ephemeral": ("ephemeral-debugger", True),
    "update-pods": ("pod-patcher", True),
    "read-secrets": ("secret-viewer", True),
    "create-secrets": ("secret-writer", True),
    "sa-token": ("token-requester", True),
    "impersonate-sa": ("sa-impersonator", True),
    "bind-escalate": ("rbac-delegator", True),
    "patch-namespaces": ("namespace-labeler", True),
    "aws-auth": ("aws-auth-editor", True),          # namespaced only in kube-system
    "impersonate": ("impersonator", False),
    "impersonate-limited": ("impersonator-limited", False),
    "nodes-proxy": ("node-proxy", False),
    "csr": ("csr-approver", False),
    "webhooks": ("webhook-admin", False),
}
ESC_CORE = ["create-pods", "pods-exec", "update-pods", "read-secrets"]
ESC_NS_KEYS = [k for k, (_, nsd) in ESC_PRIMITIVES.items() if nsd and k != "aws-auth"]


class W:
    """A precomputed weighted distribution (same draw as random.choices with cum_weights)."""
    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        self.items = [p for p, _ in pairs]
        self.cum, acc = [], 0
        for _, w in pairs:
            acc += w
            self.cum.append(acc)
        self.total = acc

    def pick(self, rng):
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


_W_CACHE = {}


def _w(obj):
    w = _W_CACHE.get(id(obj))
    if w is None:
        w = _W_CACHE[id(obj)] = (W(obj), obj)
    return w[0]


def weighted(rng, pairs):
    return _w(pairs).pick(rng)


def weighted_map(rng, mapping):
    return _w(mapping).pick(rng)


def sample_weighted_distinct(rng, pairs, k):
    """Pick up to k distinct items, proportional to weight."""
    pool = list(pairs)
    out = []
    while pool and len(out) < k:
        item = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        out.append(pool.pop(item)[0])
    return out


class Gen:
    def __init__(self, size, seed, shape="realistic"):
        self.cfg = SIZES[size]
        self.seed = seed
        self.shape = shape
        self.ns_pss = {}            # ns -> pod-security.kubernetes.io/enforce level or None
        self.sa_uids = {}           # (ns, sa) -> uid, for token Secrets' annotations
        self.rng = random.Random(seed)
        self.serial = 0
        # Index used to produce realistic (often allowed) can-i requests.
        self.ns_names = []
        self.ns_sas = {}            # ns -> [sa name]
        self.role_rules = {}        # (ns, name) -> rules
        self.cr_rules = {}          # name -> rules (aggregates resolved later)
        self.cr_labels = {}         # name -> labels
        self.cr_selectors = {}      # aggregated name -> selectors
        self.grants = {}            # "u:NAME" / "g:NAME" -> [(ns or "", kind, roleName)]
        self.users = [f"user-{i}@example.com" for i in range(self.cfg["users"])]
        self.groups = [f"team-{i}" for i in range(self.cfg["groups"])]
        self.user_groups = {}
        for u in self.users:
            self.user_groups[u] = sorted(self.rng.sample(self.groups, self.rng.randint(1, 3)),
                                         key=lambda g: int(g.split("-")[1]))

    # -- metadata helpers ----------------------------------------------------
    def meta(self, name, namespace=None, labels=None, annotations=None):
        self.serial += 1
        m = {"name": name}
        if namespace is not None:
            m["namespace"] = namespace
        if labels:
            m["labels"] = labels
        if annotations:
            m["annotations"] = annotations
        ts = BASE_TIME + datetime.timedelta(seconds=self.serial * 7)
        m["creationTimestamp"] = ts.isoformat().replace("+00:00", "Z")
        m["resourceVersion"] = str(1000 + self.serial * 3)
        m["uid"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return m

    def add_grant(self, key, ns, kind, name):
        self.grants.setdefault(key, []).append((ns, kind, name))

    # -- rules -----------------------------------------------------------------
    def gen_rule(self, cluster):
        rng = self.rng
        if cluster and rng.random() < 0.25:
            group = weighted_map(rng, CLUSTER_GROUP_WEIGHTS)
            vocab = CLUSTER_VOCAB[group]
        else:
            group = weighted_map(rng, NS_GROUP_WEIGHTS)
            vocab = NS_VOCAB[group]
        groups = [group]
        r = rng.random()
        if r < 0.01:
            groups = ["*"]
        elif r < 0.05 and group in ("example.com", "monitoring.example.io", "data.example.org"):
            others = [g for g in ("example.com", "monitoring.example.io", "data.example.org") if g != group]
            groups = [group, rng.choice(others)]
            vocab = vocab + NS_VOCAB[groups[1]]
        resources = sample_weighted_distinct(rng, vocab, weighted(rng, RULE_RESOURCE_COUNT))
        special = [x for x in resources if x in ("pods/exec", "serviceaccounts/token")]
        if special:
            resources = [special[0]]
            verbs = ["create"] if rng.random() < 0.6 else ["get", "create"]
        else:
            verbs = list(weighted(rng, VERB_TEMPLATES))
            if rng.random() < 0.005:
                resources = ["*"]
        rule = {"apiGroups": groups, "resources": resources, "verbs": verbs}
        if (not special and resources != ["*"] and rng.random() < 0.07
                and all(x in ("configmaps", "secrets", "deployments", "leases", "services",
                              "widgets", "databases") for x in resources)):
            rule["resourceNames"] = rng.sample(RESOURCE_NAMES, rng.randint(1, 3))
            rule["verbs"] = rng.choice([["get"], ["get", "update", "patch"], ["update", "patch"]])
        return rule

    def gen_rules(self, cluster, lo=1, hi=6):
        return [self.gen_rule(cluster) for _ in range(self.rng.randint(lo, hi))]

    # -- objects -----------------------------------------------------------------
    def namespaces(self):
        cfg, rng = self.cfg, self.rng
        names = FIXED_NAMESPACES[:min(len(FIXED_NAMESPACES), cfg["namespaces"])]
        i = 0
        while len(names) < cfg["namespaces"]:
            names.append(f"{NS_TEAMS[i % len(NS_TEAMS)]}-{NS_ENVS[(i // len(NS_TEAMS)) % len(NS_ENVS)]}-{i:04d}")
            i += 1
        self.ns_names = names
        # Pod Security labels (non-plain shapes only) draw from their own stream, so the
        # plain objects' uids and every later RBAC object stay byte-identical.
        psa = random.Random(f"{self.seed}/pod-security") if self.shape != "plain" else None
        for name in names:
            labels = {"kubernetes.io/metadata.name": name}
            if "-" in name and name.split("-")[0] in NS_TEAMS:
                labels["team"] = name.split("-")[0]
                labels["env"] = name.split("-")[1]
            if psa is not None:
                level, versioned, warn = weighted(psa, PSS_LEVELS), psa.random() < 0.5, psa.random() < 0.3
                if name == "kube-system":
                    level = None
                elif name == "monitoring":
                    level = "privileged"    # node-exporter & co. need host access
                self.ns_pss[name] = level
                if level:
                    labels["pod-security.kubernetes.io/enforce"] = level
                    if versioned:
                        labels["pod-security.kubernetes.io/enforce-version"] = "latest"
                    if warn and level != "restricted":
                        labels["pod-security.kubernetes.io/warn"] = "restricted"
            yield {"apiVersion": "v1", "kind": "Namespace", "metadata": self.meta(name, labels=labels),
                   "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

    def service_accounts(self):
        for ns in self.ns_names:
            sas = ["default"] + self.rng.sample(SA_NAMES, SA_PER_NS - 1)
            self.ns_sas[ns] = sas
            for sa in sas:
                obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta(sa, ns)}
                self.sa_uids[(ns, sa)] = obj["metadata"]["uid"]
                yield obj

    def roles(self):
        for ns in self.ns_names:
            for name in self.rng.sample(ROLE_NAMES, ROLES_PER_NS):
                rules = self.gen_rules(cluster=False)
                self.role_rules[(ns, name)] = rules
                yield {"apiVersion": RBAC_V1, "kind": "Role", "metadata": self.meta(name, ns), "rules": rules}

    def cluster_roles(self):
        cfg, rng = self.cfg, self.rng
        n_agg = cfg["aggregated"]
        agg_names = [AGG_NAMES[i] if i < len(AGG_NAMES) else f"aggregate-{i}" for i in range(n_agg)]
        agg_keys = [AGG_PREFIX + n for n in agg_names]
        out = []

        # Full wildcards.
        out.append(("cluster-admin", {"kubernetes.io/bootstrapping": "rbac-defaults"},
                    [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                     {"nonResourceURLs": ["*"], "verbs": ["*"]}], None))
        for i in range(1, cfg["wildcard"]):
            out.append((f"superuser-{i}", None,
                        [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}], None))
        # Non-resource URL roles (a couple mixed with resource rules).
        for i in range(cfg["nonresource"]):
            urls = NONRESOURCE_URL_SETS[i % len(NONRESOURCE_URL_SETS)]
            rules = [{"nonResourceURLs": list(urls), "verbs": ["get"]}]
            if i % 3 == 2:
                rules.append(self.gen_rule(cluster=True))
            name = ["metrics-reader", "health-checker", "log-reader", "system:discovery-lite",
                    "livez-prober", "metrics-scraper", "debug-reader", "openapi-reader"][i % 8]
            if i >= 8:
                name += f"-{i}"
            out.append((name, None, rules, None))
        # Aggregated roles, with rules: [] and a selector.
        for i, (name, key) in enumerate(zip(agg_names, agg_keys)):
            if i == 2:
                sel = [{"matchExpressions": [{"key": key, "operator": "In", "values": ["true"]}]}]
            elif i == 5 or (n_agg < 6 and i == n_agg - 1):
                sel = [{"matchLabels": {key: "true"}},
                       {"matchExpressions": [{"key": TIER_OPS, "operator": "Exists"}]}]
            else:
                sel = [{"matchLabels": {key: "true"}}]
            out.append((name, {"rbac.example.com/aggregated": "true"}, [], {"clusterRoleSelectors": sel}))
        # Ordinary ClusterRoles; the first `labeled` carry aggregation labels.
        i = 0
        n_labeled = 0
        while len(out) < cfg["cluster_roles"]:
            name = f"{CR_PREFIXES[i % len(CR_PREFIXES)]}-{i:03d}"
            i += 1
            labels = None
            if n_labeled < cfg["labeled"] and n_agg:
                labels = {agg_keys[n_labeled % n_agg]: "true"}
                if rng.random() < 0.2:
                    labels[rng.choice(agg_keys)] = "true"
                if rng.random() < 0.1:
                    labels[TIER_OPS] = ""
                n_labeled += 1
            elif rng.random() < 0.1:
                labels = {"app.kubernetes.io/managed-by": "helm"}
            out.append((name, labels, self.gen_rules(cluster=True), None))

        for name, labels, rules, agg in out:
            self.cr_labels[name] = labels or {}
            self.cr_rules[name] = rules
            obj = {"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": self.meta(name, labels=labels)}
            if agg is not None:
                obj["aggregationRule"] = agg
                self.cr_selectors[name] = agg["clusterRoleSelectors"]
            obj["rules"] = rules
            yield obj

        self.resolve_aggregation()
        names = [n for n, _, _, _ in out]
        self.agg_names = agg_names
        self.wildcard_names = names[:cfg["wildcard"]]
        self.nonres_names = names[cfg["wildcard"]:cfg["wildcard"] + cfg["nonresource"]]
        self.plain_names = names[cfg["wildcard"] + cfg["nonresource"] + n_agg:]
        # Narrow read-only roles that are safe to bind to system:authenticated & co.
        safe_reads = [
            n for n in self.plain_names
            if not self.cr_labels[n] and len(self.cr_rules[n]) == 1
            and set(self.cr_rules[n][0]["verbs"]) <= {"get", "list", "watch"}
            and "*" not in self.cr_rules[n][0]["resources"]
            and "*" not in self.cr_rules[n][0]["apiGroups"]
            and not set(self.cr_rules[n][0]["resources"]) & {"secrets", "pods/exec", "serviceaccounts/token"}]
        # (group, role) pairs for the few ClusterRoleBindings to very broad groups:
        # health/discovery URLs for everyone, a couple of narrow reads for all SAs.
        self.broad_bindings = [("system:authenticated", n) for n in self.nonres_names
                               if n in ("health-checker", "system:discovery-lite")]
        n_reads = max(1, cfg["crbs"] // 400)
        self.broad_bindings += [("system:serviceaccounts" if k % 2 == 0 else "system:authenticated", n)
                                for k, n in enumerate(safe_reads[:n_reads])]

    def resolve_aggregation(self):
        def matches(labels, sel):
            for k, v in sel.get("matchLabels", {}).items():
                if labels.get(k) != v:
                    return False
            for e in sel.get("matchExpressions", []):
                if e["operator"] == "In" and labels.get(e["key"]) not in e["values"]:
                    return False
                if e["operator"] == "Exists" and e["key"] not in labels:
                    return False
            return True
        for name, sels in self.cr_selectors.items():
            rules = []
            for other, labels in self.cr_labels.items():
                if other != name and any(matches(labels, s) for s in sels):
                    rules.extend(self.cr_rules[other])
            self.cr_rules[name] = rules

    def sa_subject(self, ns, with_ns=True):
        rng = self.rng
        r = rng.random()
        if r < 0.12:
            other = rng.choice(self.ns_names)
            return {"kind": "ServiceAccount", "name": rng.choice(self.ns_sas[other]), "namespace": other}, other
        sa = rng.choice(self.ns_sas[ns])
        if with_ns and r > 0.2:
            return {"kind": "ServiceAccount", "name": sa, "namespace": ns}, ns
        return {"kind": "ServiceAccount", "name": sa}, ns

    def role_bindings(self):
        rng, cfg = self.rng, self.cfg
        total = len(self.ns_names) * RBS_PER_NS
        dangling = set(rng.sample(range(total), cfg["dangling"]))
        rb_crs = self.agg_names[:3] * 3 + self.agg_names + self.plain_names
        idx = 0
        for ns in self.ns_names:
            roles = self._ns_roles(ns)
            used = {}
            for _ in range(RBS_PER_NS):
                if idx in dangling:
                    kind, role = "Role", rng.choice(["legacy-deployer", "old-admin", "removed-role",
                                                     "tmp-debug"])
                elif rng.random() < 0.7:
                    kind, role = "Role", rng.choice(roles)
                else:
                    kind, role = "ClusterRole", rng.choice(rb_crs)
                idx += 1
                base = f"{role.replace(':', '-')}-binding"
                used[base] = used.get(base, 0) + 1
                name = base if used[base] == 1 else f"{base}-{used[base]}"
                subjects = []
                for _ in range(weighted(rng, RB_SUBJECT_COUNT)):
                    r = rng.random()
                    if r < 0.65:
                        subj, sa_ns = self.sa_subject(ns)
                        key = f"u:system:serviceaccount:{sa_ns}:{subj['name']}"
                    elif r < 0.82:
                        user = rng.choice(self.users)
                        subj = {"apiGroup": RBAC_API, "kind": "User", "name": user}
                        key = "u:" + user
                    elif r < 0.98:
                        group = rng.choice(self.groups)
                        subj = {"apiGroup": RBAC_API, "kind": "Group", "name": group}
                        key = "g:" + group
                    else:
                        subj = {"apiGroup": RBAC_API, "kind": "Group", "name": f"system:serviceaccounts:{ns}"}
                        key = f"g:system:serviceaccounts:{ns}"
                    if subj in subjects:
                        continue
                    subjects.append(subj)
                    if idx - 1 not in dangling:
                        self.add_grant(key, ns, kind, role)
                yield {"apiVersion": RBAC_V1, "kind": "RoleBinding", "metadata": self.meta(name, ns),
                       "roleRef": {"apiGroup": RBAC_API, "kind": kind, "name": role}, "subjects": subjects}

    def _ns_roles(self, ns):
        # role_rules is insertion-ordered; cache per-namespace lists once.
        if not hasattr(self, "_roles_by_ns"):
            self._roles_by_ns = {}
            for (n, name) in self.role_rules:
                self._roles_by_ns.setdefault(n, []).append(name)
        return self._roles_by_ns[ns]

    def cluster_role_bindings(self):
        rng, cfg = self.rng, self.cfg
        admin_groups = ["platform-admins", "sre"]
        used = {}
        for i in range(cfg["crbs"]):
            subjects = []
            r = rng.random()
            if r < 0.01 or i < len(self.wildcard_names):
                role = self.wildcard_names[i % len(self.wildcard_names)]
                subjects.append({"apiGroup": RBAC_API, "kind": "Group", "name": rng.choice(admin_groups)})
                if rng.random() < 0.5:
                    subjects.append({"apiGroup": RBAC_API, "kind": "User", "name": rng.choice(self.users)})
            elif i < len(self.wildcard_names) + len(self.broad_bindings):
                group, role = self.broad_bindings[i - len(self.wildcard_names)]
                subjects.append({"apiGroup": RBAC_API, "kind": "Group", "name": group})
            else:
                role = rng.choice(self.agg_names + self.plain_names * 2 + self.nonres_names)
                for _ in range(weighted(rng, CRB_SUBJECT_COUNT)):
                    s = rng.random()
                    if s < 0.4:
                        ns = rng.choice(self.ns_names)
                        subj = {"kind": "ServiceAccount", "name": rng.choice(self.ns_sas[ns]), "namespace": ns}
                    elif s < 0.75:
                        subj = {"apiGroup": RBAC_API, "kind": "User", "name": rng.choice(self.users)}
                    else:
                        subj = {"apiGroup": RBAC_API, "kind": "Group", "name": rng.choice(self.groups)}
                    if subj not in subjects:
                        subjects.append(subj)
            for subj in subjects:
                if subj["kind"] == "ServiceAccount":
                    key = f"u:system:serviceaccount:{subj['namespace']}:{subj['name']}"
                elif subj["kind"] == "User":
                    key = "u:" + subj["name"]
                else:
                    key = "g:" + subj["name"]
                self.add_grant(key, "", "ClusterRole", role)
            base = f"{role.replace(':', '-')}-crb"
            used[base] = used.get(base, 0) + 1
            name = f"{base}-{used[base]}"
            yield {"apiVersion": RBAC_V1, "kind": "ClusterRoleBinding", "metadata": self.meta(name),
                   "roleRef": {"apiGroup": RBAC_API, "kind": "ClusterRole", "name": role},
                   "subjects": subjects}

    def items(self):
        yield from self.namespaces()
        yield from self.service_accounts()
        yield from self.roles()
        yield from self.cluster_roles()
        yield from self.role_bindings()
        yield from self.cluster_role_bindings()
        if self.shape != "plain":
            # Appended after every plain object, from separate random streams: the RBAC
            # objects above and the request files stay byte-identical in every shape.
            yield from Workloads(self, SHAPES[self.shape]).items()

    # -- requests ------------------------------------------------------------------
    def random_attrs(self, rng, cluster_ok=True):
        if cluster_ok and rng.random() < 0.06:
            group = weighted_map(rng, CLUSTER_GROUP_WEIGHTS)
            res = weighted(rng, CLUSTER_VOCAB[group])
            return weighted(rng, REQ_VERB_WEIGHTS), group, res, True
        group = weighted_map(rng, NS_GROUP_WEIGHTS)
        res = weighted(rng, NS_VOCAB[group])
        verb = weighted(rng, REQ_VERB_WEIGHTS)
        if res in ("pods/exec", "serviceaccounts/token"):
            verb = "create"
        return verb, group, res, False

    def rules_for(self, grant):
        ns, kind, name = grant
        if kind == "Role":
            return self.role_rules.get((ns, name), [])
        return self.cr_rules.get(name, [])

    def attrs_from_rule(self, rng, rule):
        groups = rule["apiGroups"]
        group = rng.choice(groups)
        res = rng.choice(rule["resources"])
        if group == "*":
            group = weighted_map(rng, NS_GROUP_WEIGHTS)
        if res == "*":
            res = weighted(rng, NS_VOCAB.get(group) or CLUSTER_VOCAB.get(group) or NS_VOCAB[""])
        verb = rng.choice(rule["verbs"])
        if verb == "*":
            verb = weighted(rng, REQ_VERB_WEIGHTS)
        name = rng.choice(rule["resourceNames"]) if rule.get("resourceNames") else ""
        return verb, group, res, name

    @staticmethod
    def request(user, groups, verb, group, res, name, ns):
        resource, _, sub = res.partition("/")
        o = {"user": user, "groups": groups, "verb": verb, "apiGroup": group, "resource": resource}
        if sub:
            o["subresource"] = sub
        if name:
            o["name"] = name
        o["namespace"] = ns
        return o

    def pick_user(self, rng):
        r = rng.random()
        if r < 0.75:
            ns = rng.choice(self.ns_names)
            sa = rng.choice(self.ns_sas[ns])
            return (f"system:serviceaccount:{ns}:{sa}",
                    ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"], ns)
        if r < 0.92:
            user = rng.choice(self.users)
            return user, self.user_groups[user] + ["system:authenticated"], None
        if r < 0.98:
            return f"unknown-{rng.randrange(100000)}@example.net", ["system:authenticated"], None
        return "system:anonymous", ["system:unauthenticated"], None

    def group_grants(self, groups):
        key = tuple(groups)
        cache = self.__dict__.setdefault("_group_grants", {})
        got = cache.get(key)
        if got is None:
            got = cache[key] = [g for grp in groups
                                if grp not in ("system:authenticated", "system:serviceaccounts")
                                for g in self.grants.get("g:" + grp, [])]
        return got

    def can_i_lines(self):
        rng = random.Random(f"{self.seed}/can-i")
        for _ in range(self.cfg["can_i"]):
            user, groups, home = self.pick_user(rng)
            if rng.random() < 0.02:
                yield {"user": user, "groups": groups, "verb": "get",
                       "nonResourceURL": rng.choice(CANI_NONRESOURCE_URLS)}
                continue
            direct = self.grants.get("u:" + user, [])
            via_groups = self.group_grants(groups)
            cands = direct if (direct and (not via_groups or rng.random() < 0.8)) else via_groups
            if cands and rng.random() < 0.55:
                grant = rng.choice(cands)
                rules = [r for r in self.rules_for(grant) if "resources" in r]
                if rules:
                    verb, group, res, name = self.attrs_from_rule(rng, rng.choice(rules))
                    if grant[0]:
                        ns = grant[0]
                    else:
                        x = rng.random()
                        ns = home if (home and x < 0.5) else ("" if x > 0.8 else rng.choice(self.ns_names))
                    if res in ("nodes", "namespaces", "persistentvolumes", "clusterroles",
                               "clusterrolebindings", "customresourcedefinitions", "storageclasses"):
                        ns = ""
                    if not name and rng.random() < 0.15 and verb in ("get", "update", "patch", "delete"):
                        name = f"obj-{rng.randrange(1000)}"
                    yield self.request(user, groups, verb, group, res, name, ns)
                    continue
            verb, group, res, cluster = self.random_attrs(rng)
            if cluster:
                ns = ""
            elif home and rng.random() < 0.7:
                ns = home
            else:
                ns = rng.choice(self.ns_names) if rng.random() < 0.9 else ""
            name = ""
            if verb in ("get", "update", "patch", "delete") and rng.random() < 0.2:
                name = rng.choice(RESOURCE_NAMES) if rng.random() < 0.5 else f"obj-{rng.randrange(1000)}"
            yield self.request(user, groups, verb, group, res, name, ns)

    def who_can_lines(self):
        rng = random.Random(f"{self.seed}/who-can")
        for _ in range(self.cfg["who_can"]):
            verb, group, res, cluster = self.random_attrs(rng)
            resource, _, sub = res.partition("/")
            o = {"verb": verb, "apiGroup": group, "resource": resource}
            if sub:
                o["subresource"] = sub
            if verb in ("get", "update", "patch", "delete") and rng.random() < 0.1:
                o["name"] = rng.choice(RESOURCE_NAMES)
            o["namespace"] = "" if (cluster or rng.random() < 0.1) else rng.choice(self.ns_names)
            yield o


def _rule(group, resources, verbs, names=None):
    r = {"apiGroups": [group], "resources": list(resources), "verbs": list(verbs)}
    if names:
        r["resourceNames"] = list(names)
    return r


class Tpl:
    """A pod template, reduced to what the generator varies."""
    __slots__ = ("sa", "automount_off", "priv", "hostpath", "hostpid", "hostnet", "image", "cname",
                 "restart", "restricted", "tolerate_all")


class Workloads:
    """Pods, controllers, Secrets, aws-auth and deliberate escalation grants for non-plain shapes.

    Every choice comes from random.Random streams seeded from f"{seed}/<topic>", never from
    Gen.rng, and nothing touches Gen.grants: the plain objects and the request files are the
    same in every shape. Planning is cheap (names and templates); objects are built while
    streaming, kind by kind.
    """

    def __init__(self, gen, p):
        self.g, self.p = gen, p
        seed = gen.seed
        self.rw = random.Random(f"{seed}/workloads")
        self.rs = random.Random(f"{seed}/secrets")
        self.re = random.Random(f"{seed}/escalation")
        self.ra = random.Random(f"{seed}/aws-auth")
        self.ru = random.Random(f"{seed}/uids")
        self.rd = random.Random(f"{seed}/pod-details")
        self.serial = gen.serial
        n = len(gen.ns_names)
        self.nodes = [f"node-{i}" for i in range(max(3, n // 10))]

    # -- helpers -----------------------------------------------------------------
    def uid(self):
        return str(uuid.UUID(int=self.ru.getrandbits(128), version=4))

    def ts(self, offset=0):
        return (BASE_TIME + datetime.timedelta(seconds=self.serial * 7 + offset)).isoformat().replace("+00:00", "Z")

    def meta(self, name, ns=None, labels=None, annotations=None, owner=None, uid=None, generate_name=None):
        self.serial += 1
        m = {"name": name}
        if generate_name:
            m["generateName"] = generate_name
        if ns is not None:
            m["namespace"] = ns
        if labels:
            m["labels"] = labels
        if annotations:
            m["annotations"] = annotations
        if owner:
            m["ownerReferences"] = [{"apiVersion": owner[0], "kind": owner[1], "name": owner[2], "uid": owner[3],
                                     "controller": True, "blockOwnerDeletion": True}]
        m["creationTimestamp"] = self.ts()
        m["resourceVersion"] = str(1000 + self.serial * 3)
        m["uid"] = uid or self.uid()
        return m

    @staticmethod
    def suffix(rng, k):
        return "".join(rng.choice(SAFE_ALNUM) for _ in range(k))

    def unique(self, taken, make):
        while True:
            name = make()
            if name not in taken:
                taken.add(name)
                return name

    # -- planning: workloads -----------------------------------------------------------
    def template(self, ns, app, restart="Always", sa_pref=None):
        r, g = self.rw, self.g
        sas = g.ns_sas[ns]
        t = Tpl()
        x = r.random()
        pref = sa_pref or app
        if x < 0.10:
            t.sa = None                     # unset: the namespace's default account
        elif pref in sas and x < 0.55:
            t.sa = pref
        else:
            t.sa = r.choice(sas[1:]) if x < 0.95 else "default"
        t.automount_off = r.random() < 0.10
        # Pod Security baseline/restricted would reject host access; only unlabeled or
        # privileged namespaces get it.
        host_ok = g.ns_pss.get(ns) in (None, "privileged")
        y = r.random()
        t.priv = host_ok and y < 0.02
        t.hostpath = host_ok and 0.02 <= y < 0.04 or (t.priv and r.random() < 0.5)
        t.hostpid = host_ok and 0.04 <= y < 0.05
        t.hostnet = host_ok and 0.05 <= y < 0.07
        team = ns.split("-")[0]
        t.image = f"registry.example.com/{team}/{app}:v{r.randint(1, 4)}.{r.randint(0, 20)}.{r.randint(0, 9)}"
        t.cname = app
        t.restart = restart
        t.restricted = g.ns_pss.get(ns) == "restricted"
        t.tolerate_all = False
        return t

    def plan_workloads(self):
        g, r, p = self.g, self.rw, self.p
        names = g.ns_names
        # Per-namespace pod budgets: pods_per_ns * namespaces in all, DaemonSet pods included.
        ds_list = [d for d in DAEMONSETS if d[0] in g.ns_sas]
        total = p["pods_per_ns"] * len(names) - len(ds_list) * len(self.nodes)
        weights = [0 if ns in ("kube-public", "kube-node-lease") else weighted(r, NS_POD_WEIGHT) for ns in names]
        wsum = sum(weights)
        budget = [total * w // wsum for w in weights]
        left = total - sum(budget)
        order = [i for i, w in enumerate(weights) if w]
        for k in range(left):
            budget[order[k % len(order)]] += 1

        self.deploys = {}   # ns -> [(name, tpl, uid, replicas, [(rs name, hash, replicas, uid, revision)])]
        self.sts = {}       # ns -> [(name, tpl, uid, replicas, revision hash)]
        self.ds = {}        # ns -> [(name, tpl, uid, revision hash)]
        self.cronjobs = {}  # ns -> [(name, tpl, uid)]
        self.jobs = {}      # ns -> [(name, tpl, uid, owner or None, pods)]
        self.pods = {}      # ns -> [(name, generateName, tpl, owner, labels, node, phase)]
        self.bare = {}      # ns -> [bare pod names]
        for ds in ds_list:
            ns, name, sa_pref, priv, hostpath, hostpid, hostnet, image = ds
            t = self.template(ns, name, sa_pref=sa_pref)
            if sa_pref in g.ns_sas[ns]:
                t.sa = sa_pref
            elif t.sa is None:
                t.sa = r.choice(g.ns_sas[ns][1:])
            t.priv, t.hostpath, t.hostpid, t.hostnet = priv, hostpath, hostpid, hostnet
            t.image, t.restricted, t.tolerate_all, t.automount_off = image, False, True, False
            self.ds.setdefault(ns, []).append((name, t, self.uid(), self.suffix(r, 10)))

        for ns, c in zip(names, budget):
            taken = set()
            pods = self.pods.setdefault(ns, [])
            # DaemonSet pods: one per node.
            for name, t, uid, rev in self.ds.get(ns, []):
                for node in self.nodes:
                    pn = self.unique(taken, lambda: f"{name}-{self.suffix(r, 5)}")
                    pods.append((pn, name + "-", t, ("apps/v1", "DaemonSet", name, uid),
                                 {"app.kubernetes.io/name": name, "controller-revision-hash": rev,
                                  "pod-template-generation": "1"}, node, "Running"))
            if c == 0 and ns in ("kube-public", "kube-node-lease"):
                continue
            rem = c
            # Bare pods with stable names (debugging shells & co.).
            n_bare = min(len(BARE_NAMES), rem, sum(1 for _ in range(c) if r.random() < 0.08))
            bare = r.sample(BARE_NAMES, n_bare)
            self.bare[ns] = bare
            for name in bare:
                taken.add(name)
                t = self.template(ns, name.split("-")[0], restart="Always")
                pods.append((name, None, t, None, {"run": name}, self.pick_node(), "Running"))
            rem -= n_bare
            # StatefulSet (~0.5 per namespace).
            if r.random() < 0.5:
                name = r.choice(STS_NAMES)
                t = self.template(ns, name)
                reps = min(rem, r.randint(1, 3))
                uid, rev = self.uid(), f"{name}-{self.suffix(r, 10)}"
                self.sts[ns] = [(name, t, uid, reps, rev)]
                for i in range(reps):
                    pn = f"{name}-{i}"
                    taken.add(pn)
                    pods.append((pn, name + "-", t, ("apps/v1", "StatefulSet", name, uid),
                                 {"app": name, "controller-revision-hash": rev,
                                  "statefulset.kubernetes.io/pod-name": pn}, self.pick_node(), "Running"))
                rem -= reps
            # CronJobs (~0.3) each with its last Job, plus standalone Jobs (~0.2).
            jobs = []
            if r.random() < 0.3:
                name = r.choice(CRONJOB_NAMES)
                t = self.template(ns, name, restart="OnFailure")
                uid = self.uid()
                self.cronjobs[ns] = [(name, t, uid)]
                jobs.append((f"{name}-{28480000 + r.randrange(60000)}", t, self.uid(),
                             ("batch/v1", "CronJob", name, uid)))
            if r.random() < 0.2:
                name = r.choice(JOB_NAMES)
                jobs.append((f"{name}-{self.suffix(r, 5)}" if r.random() < 0.5 else name,
                             self.template(ns, name, restart="Never"), self.uid(), None))
            self.jobs[ns] = []
            for name, t, uid, owner in jobs:
                n_pods = 1 if rem > 0 else 0     # finished pods may have been cleaned up
                self.jobs[ns].append((name, t, uid, owner, n_pods))
                for _ in range(n_pods):
                    pn = self.unique(taken, lambda: f"{name}-{self.suffix(r, 5)}")
                    pods.append((pn, name + "-", t, ("batch/v1", "Job", name, uid),
                                 {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                                  "controller-uid": uid, "job-name": name}, self.pick_node(), "Succeeded"))
                rem -= n_pods
            # Deployments take the rest of the budget.
            pool = DEPLOY_NAMES_BY_NS.get(ns, DEPLOY_NAMES)
            n_dep = min(len(pool), weighted(r, DEPLOY_COUNT))
            deps = r.sample(pool, n_dep)
            dweights = [r.choice((1, 1, 2, 3)) for _ in deps]
            reps = [0] * n_dep
            cum = list(itertools.accumulate(dweights))
            for _ in range(rem):
                reps[bisect.bisect(cum, r.random() * cum[-1])] += 1
            plan = []
            for name, n in zip(deps, reps):
                t = self.template(ns, name)
                uid = self.uid()
                n_old = weighted(r, OLD_RS_COUNT)
                rss = []
                for k in range(n_old + 1):
                    h = self.unique(taken, lambda: self.suffix(r, r.choice((9, 10))))
                    rss.append((f"{name}-{h}", h, n if k == n_old else 0, self.uid(), k + 1))
                plan.append((name, t, uid, n, rss))
                rsname, h, _, rsuid, _ = rss[-1]
                for _ in range(n):
                    pn = self.unique(taken, lambda: f"{rsname}-{self.suffix(r, 5)}")
                    node = self.pick_node() if r.random() < 0.97 else None
                    pods.append((pn, rsname + "-", t, ("apps/v1", "ReplicaSet", rsname, rsuid),
                                 {"app": name, "pod-template-hash": h}, node, "Running" if node else "Pending"))
            self.deploys[ns] = plan

    def pick_node(self):
        return self.nodes[self.rw.randrange(len(self.nodes))]

    # -- planning: secrets and aws-auth -----------------------------------------------
    def plan_secrets(self):
        g, r = self.g, self.rs
        self.token_secrets = {}   # ns -> [(secret name, sa)]
        self.other_secrets = {}   # ns -> [(name, type)]
        for ns in g.ns_names:
            self.token_secrets[ns] = [(f"{sa}-token-{self.suffix(r, 5)}", sa) for sa in g.ns_sas[ns]]
            picks = []
            for _ in range(r.randint(2, 4)):
                name, typ = weighted(r, [((n, t), w) for n, t, w in SECRET_KINDS])
                if all(name != n for n, _ in picks):
                    picks.append((name, typ))
            if r.random() < 0.3 and self.deploys.get(ns):
                release = r.choice(self.deploys[ns])[0]
                picks.append((f"sh.helm.release.v1.{release}.v{r.randint(1, 12)}", "helm.sh/release.v1"))
            self.other_secrets[ns] = picks

    def aws_auth(self):
        g, r = self.g, self.ra
        roles, users = [], []
        for i in range(4):
            roles.append((f"arn:aws:iam::{AWS_ACCOUNT}:role/eks-ng-{['general', 'compute', 'memory', 'gpu'][i]}"
                          f"-NodeInstanceRole-{self.suffix(r, 12).upper()}",
                          "system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers", "system:nodes"]))
        roles.append((f"arn:aws:iam::{AWS_ACCOUNT}:role/eks-fargate-pod-execution-role",
                      "system:node:{{SessionName}}",
                      ["system:bootstrappers", "system:nodes", "system:node-proxier"]))
        for name in ("Admin", "PlatformAdmins", "BreakGlass"):
            roles.append((f"arn:aws:iam::{AWS_ACCOUNT}:role/{name}", f"{name.lower()}:{{{{SessionName}}}}",
                          ["system:masters"]))
        teams = g.groups
        for i in range(12):
            team = teams[r.randrange(len(teams))]
            roles.append((f"arn:aws:iam::{AWS_ACCOUNT}:role/{team}-developers-{i}", f"{team}:{{{{SessionName}}}}",
                          [team] + ([teams[r.randrange(len(teams))]] if r.random() < 0.3 else [])))
        for k, user in enumerate(r.sample(g.users, 5)):
            name = user.split("@")[0]
            groups = ["system:masters"] if k < 2 else [r.choice(g.user_groups[user])]
            users.append((f"arn:aws:iam::{AWS_ACCOUNT}:user/{name}", user, groups))

        def yaml_list(entries, key):
            out = []
            for arn, username, groups in entries:
                out.append("- groups:\n" + "".join(f"  - {x}\n" for x in groups)
                           + f"  {key}: {arn}\n  username: {username}\n")
            return "".join(out)
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": self.meta("aws-auth", "kube-system"),
                "data": {"mapRoles": yaml_list(roles, "rolearn"), "mapUsers": yaml_list(users, "userarn")}}

    # -- planning: escalation grants ------------------------------------------------------
    def esc_rules(self, key, ns, narrow):
        """Rules for one primitive; with narrow, resourceNames name real objects of ns (or None)."""
        r, g = self.re, self.g
        core, apps, batch = "", "apps", "batch"
        if key == "create-pods":
            return [_rule(core, ["pods"], ["create", "get", "list", "watch"])]
        if key in ("deployments", "daemonsets", "statefulsets", "cronjobs"):
            group = batch if key == "cronjobs" else apps
            if narrow:
                pool = ([d[0] for d in self.deploys.get(ns, [])] if key == "deployments" else
                        [d[0] for d in self.sts.get(ns, [])] if key == "statefulsets" else
                        [d[0] for d in self.ds.get(ns, [])] if key == "daemonsets" else
                        [d[0] for d in self.cronjobs.get(ns, [])])
                if not pool:
                    return None
                return [_rule(group, [key], ["get", "list", "watch"]),
                        _rule(group, [key], ["update", "patch"], r.sample(pool, min(len(pool), r.randint(1, 2))))]
            return [_rule(group, [key], ["get", "list", "watch", "create", "update", "patch"])]
        if key == "jobs":
            return [_rule(batch, ["jobs"], ["get", "list", "create"])]
        if key in ("pods-exec", "pods-attach", "ephemeral", "update-pods"):
            sub, verbs = {"pods-exec": ("pods/exec", ["create", "get"]),
                          "pods-attach": ("pods/attach", ["create", "get"]),
                          "ephemeral": ("pods/ephemeralcontainers", ["update", "patch"]),
                          "update-pods": ("pods", ["update", "patch"])}[key]
            names = None
            if narrow:
                pool = self.bare.get(ns) or []
                if not pool:
                    return None
                names = r.sample(pool, min(len(pool), r.randint(1, 2)))
            return [_rule(core, ["pods"], ["get", "list"]), _rule(core, [sub], verbs, names)]
        if key == "read-secrets":
            if narrow:
                pool = [s for s, _ in self.token_secrets[ns]] + [s for s, _ in self.other_secrets[ns]]
                return [_rule(core, ["secrets"], ["get"], r.sample(pool, r.randint(1, 3)))]
            return [_rule(core, ["secrets"], ["get", "list", "watch"])]
        if key == "create-secrets":
            return [_rule(core, ["secrets"], ["create", "get"])]
        if key in ("sa-token", "impersonate-sa"):
            res, verb = ("serviceaccounts/token", "create") if key == "sa-token" else ("serviceaccounts", "impersonate")
            names = r.sample(g.ns_sas[ns], r.randint(1, 2)) if narrow else None
            return [_rule(core, [res], [verb], names)]
        if key == "bind-escalate":
            if ns is None:
                return [_rule(RBAC_API, ["roles", "clusterroles"], ["bind", "escalate", "get", "list", "update", "patch"]),
                        _rule(RBAC_API, ["rolebindings", "clusterrolebindings"], ["create", "update", "patch", "get", "list"])]
            if narrow:
                names = r.sample(g._ns_roles(ns), 2)
                return [_rule(RBAC_API, ["roles"], ["bind", "escalate", "get", "update", "patch"], names),
                        _rule(RBAC_API, ["rolebindings"], ["create", "update", "patch", "get", "list"])]
            return [_rule(RBAC_API, ["roles", "clusterroles"], ["bind", "escalate"]),
                    _rule(RBAC_API, ["roles"], ["get", "list", "update", "patch"]),
                    _rule(RBAC_API, ["rolebindings"], ["create", "update", "patch", "get", "list"])]
        if key == "patch-namespaces":
            if ns is None:
                return [_rule(core, ["namespaces"], ["get", "list", "watch", "patch"])]
            return [_rule(core, ["namespaces"], ["get", "patch"], [ns])]
        if key == "aws-auth":
            return [_rule(core, ["configmaps"], ["get", "update", "patch"], ["aws-auth"])]
        if key == "impersonate":
            return [_rule(core, ["users", "groups", "serviceaccounts"], ["impersonate"])]
        if key == "impersonate-limited":
            return [_rule(core, ["users"], ["impersonate"], r.sample(g.users, 2)),
                    _rule(core, ["groups"], ["impersonate"], r.sample(g.groups, min(2, len(g.groups))))]
        if key == "nodes-proxy":
            return [_rule(core, ["nodes"], ["get", "list"]), _rule(core, ["nodes/proxy"], ["get", "create"])]
        if key == "csr":
            signer = "kubernetes.io/kube-apiserver-client" if r.random() < 0.7 else "kubernetes.io/*"
            return [_rule("certificates.k8s.io", ["certificatesigningrequests"], ["create", "get", "list", "watch"]),
                    _rule("certificates.k8s.io", ["certificatesigningrequests/approval"], ["update"]),
                    _rule("certificates.k8s.io", ["signers"], ["approve"], [signer])]
        if key == "webhooks":
            return [_rule("admissionregistration.k8s.io", ["mutatingwebhookconfigurations"],
                          ["get", "list", "create", "update", "patch"])]
        raise KeyError(key)

    def esc_subjects(self, ns, n, cover=None):
        """n distinct subjects: mostly ns's service accounts (cover: accounts to use first)."""
        r, g, dense = self.re, self.g, self.p["dense"]
        out = []
        for _ in range(n * 3):
            if len(out) == n:
                break
            x = r.random()
            if ns is None:
                if x < 0.5:
                    other = r.choice(g.ns_names)
                    subj = {"kind": "ServiceAccount", "name": r.choice(g.ns_sas[other]), "namespace": other}
                elif x < 0.8:
                    subj = {"apiGroup": RBAC_API, "kind": "User", "name": r.choice(g.users)}
                else:
                    subj = {"apiGroup": RBAC_API, "kind": "Group", "name": r.choice(g.groups)}
            elif x < (0.75 if dense else 0.70):
                if cover:
                    sa = cover.pop()
                    subj = {"kind": "ServiceAccount", "name": sa, "namespace": ns}
                elif r.random() < 0.05:
                    other = r.choice(g.ns_names)
                    subj = {"kind": "ServiceAccount", "name": r.choice(g.ns_sas[other]), "namespace": other}
                else:
                    subj = {"kind": "ServiceAccount", "name": r.choice(g.ns_sas[ns]), "namespace": ns}
            elif x < (0.95 if dense else 0.88):
                subj = {"apiGroup": RBAC_API, "kind": "User", "name": r.choice(g.users)}
            else:
                subj = {"apiGroup": RBAC_API, "kind": "Group", "name": r.choice(g.groups)}
            if subj not in out:
                out.append(subj)
        return out

    def plan_escalation(self):
        g, r, p = self.g, self.re, self.p
        lo, hi = p["grants_per_ns"]
        selected = [ns for ns in g.ns_names if r.random() < p["grant_ns"]] or [r.choice(g.ns_names)]
        to_cover = r.sample(ESC_NS_KEYS, len(ESC_NS_KEYS))
        picks = {}
        for ns in selected:
            k = r.randint(lo, hi)
            keys = []
            if p["dense"]:
                keys = r.sample(ESC_CORE, r.randint(2, 3))
            while to_cover and len(keys) < k:
                key = to_cover.pop()
                if key not in keys:
                    keys.append(key)
            while len(keys) < k:
                key = r.choice(ESC_NS_KEYS)
                if key not in keys:
                    keys.append(key)
            picks[ns] = keys
        for i, key in enumerate(to_cover):     # few namespaces (size S): cover every primitive anyway
            picks[selected[i % len(selected)]].append(key)
        if "kube-system" in g.ns_sas:
            picks.setdefault("kube-system", [])
            if "aws-auth" not in picks["kube-system"]:
                picks["kube-system"].append("aws-auth")

        self.esc_roles, self.esc_rbs = [], []    # (ns, name, rules); (ns, name, roleRef kind, role, subjects)
        narrowed = set()
        for ns in g.ns_names:
            keys = picks.get(ns)
            if not keys:
                continue
            cover = None
            if p["dense"]:
                cover = r.sample(g.ns_sas[ns], len(g.ns_sas[ns]))
            for key in keys:
                role = ESC_PRIMITIVES[key][0]
                # resourceNames naming real objects: ~40%, and the first chance of each primitive
                # (so that even size S has them).
                narrow = r.random() < 0.4 or key not in narrowed
                if key == "aws-auth" or narrow or r.random() < 0.6:
                    rules = self.esc_rules(key, ns, narrow) if narrow else None
                    if rules is None:
                        rules = self.esc_rules(key, ns, False)
                    elif any("resourceNames" in x for x in rules):
                        narrowed.add(key)
                    self.esc_roles.append((ns, role, rules))
                    kind = "Role"
                else:
                    kind = "ClusterRole"
                # dense: the pod/secret primitives go to (nearly) every account of the namespace.
                core = p["dense"] and key in ESC_CORE
                n_rb = 2 if core else r.randint(1, 2) if p["dense"] else 1
                for j in range(n_rb):
                    n_subj = r.randint(2, 3) if p["dense"] else weighted(r, RB_SUBJECT_COUNT)
                    subjects = self.esc_subjects(ns, n_subj, cover if core else None)
                    name = f"{role}-grant" if j == 0 else f"{role}-grant-{j + 1}"
                    self.esc_rbs.append((ns, name, kind, role, subjects))

        self.esc_crs, self.esc_crbs = [], []
        per = max(1, len(g.ns_names) // 500) * p["crb_mult"]
        for key, (role, _) in ESC_PRIMITIVES.items():
            self.esc_crs.append((role, self.esc_rules(key, None, False)))
            for i in range(per):
                self.esc_crbs.append((f"{role}-cluster-{i + 1}", role,
                                      self.esc_subjects(None, weighted(r, CRB_SUBJECT_COUNT))))

    # -- objects ------------------------------------------------------------------------
    def pod_spec(self, t, pod=False, node=None):
        spec = {}
        if t.automount_off:
            spec["automountServiceAccountToken"] = False
        c = {"name": t.cname, "image": t.image, "imagePullPolicy": "IfNotPresent"}
        if t.restart == "Always":
            c["ports"] = [{"containerPort": 8080, "name": "http", "protocol": "TCP"}]
        c["resources"] = {"limits": {"memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}}
        if t.priv:
            c["securityContext"] = {"privileged": True}
        elif t.restricted:
            c["securityContext"] = RESTRICTED_SC
        c["terminationMessagePath"] = "/dev/termination-log"
        c["terminationMessagePolicy"] = "File"
        mounts, volumes = [], []
        if t.hostpath:
            mounts.append({"mountPath": "/host", "name": "host-root", "readOnly": True})
            volumes.append({"hostPath": {"path": "/var/log" if t.cname in ("fluent-bit", "promtail") else "/",
                                         "type": "Directory"}, "name": "host-root"})
        if pod and not t.automount_off:
            kapi = f"kube-api-access-{self.suffix(self.rd, 5)}"
            mounts.append({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": kapi,
                           "readOnly": True})
            volumes.append({"name": kapi, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                            "path": "namespace"}]}}]}})
        if mounts:
            c["volumeMounts"] = mounts
        spec["containers"] = [c]
        spec["dnsPolicy"] = "ClusterFirst"
        if pod:
            spec["enableServiceLinks"] = True
        if t.hostnet:
            spec["hostNetwork"] = True
        if t.hostpid:
            spec["hostPID"] = True
        if node:
            spec["nodeName"] = node
        if pod:
            spec["preemptionPolicy"] = "PreemptLowerPriority"
            spec["priority"] = 0
        spec["restartPolicy"] = t.restart
        spec["schedulerName"] = "default-scheduler"
        spec["securityContext"] = {}
        if t.sa:
            spec["serviceAccount"] = t.sa
            spec["serviceAccountName"] = t.sa
        spec["terminationGracePeriodSeconds"] = 30
        if t.tolerate_all:
            spec["tolerations"] = [{"operator": "Exists"}]
        elif pod:
            spec["tolerations"] = POD_TOLERATIONS
        if volumes:
            spec["volumes"] = volumes
        return spec

    def node_ip(self, node):
        i = int(node[5:])
        return f"10.0.{i // 250}.{i % 250 + 4}"

    def pod(self, ns, name, gen_name, t, owner, labels, node, phase):
        meta = self.meta(name, ns, labels=labels, owner=owner, generate_name=gen_name)
        status = {"phase": phase, "qosClass": "Burstable"}
        if node:
            status["hostIP"] = self.node_ip(node)
            status["podIP"] = status["hostIP"] if t.hostnet else \
                f"10.{100 + self.rd.randrange(100)}.{self.rd.randrange(256)}.{self.rd.randrange(1, 255)}"
            status["startTime"] = meta["creationTimestamp"]
        else:
            status["conditions"] = [{"lastTransitionTime": meta["creationTimestamp"], "message":
                                     "0/%d nodes are available: insufficient cpu." % len(self.nodes),
                                     "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": self.pod_spec(t, True, node),
                "status": status}

    @staticmethod
    def tmpl(labels, spec):
        return {"metadata": {"labels": labels}, "spec": spec}

    def items(self):
        g = self.g
        self.plan_workloads()
        self.plan_secrets()
        self.plan_escalation()

        for ns, name, rules in self.esc_roles:
            yield {"apiVersion": RBAC_V1, "kind": "Role", "metadata": self.meta(name, ns), "rules": rules}
        for name, rules in self.esc_crs:
            yield {"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": self.meta(name), "rules": rules}
        for ns, name, kind, role, subjects in self.esc_rbs:
            yield {"apiVersion": RBAC_V1, "kind": "RoleBinding", "metadata": self.meta(name, ns),
                   "roleRef": {"apiGroup": RBAC_API, "kind": kind, "name": role}, "subjects": subjects}
        for name, role, subjects in self.esc_crbs:
            yield {"apiVersion": RBAC_V1, "kind": "ClusterRoleBinding", "metadata": self.meta(name),
                   "roleRef": {"apiGroup": RBAC_API, "kind": "ClusterRole", "name": role}, "subjects": subjects}
        if "kube-system" in g.ns_sas:
            yield self.aws_auth()

        for ns in g.ns_names:
            for name, sa in self.token_secrets[ns]:
                yield {"apiVersion": "v1", "kind": "Secret",
                       "metadata": self.meta(name, ns, annotations={
                           "kubernetes.io/service-account.name": sa,
                           "kubernetes.io/service-account.uid": g.sa_uids[(ns, sa)]}),
                       "type": "kubernetes.io/service-account-token",
                       "data": {"ca.crt": TOKEN_DATA_CA, "namespace": base64.b64encode(ns.encode()).decode(),
                                "token": TOKEN_DATA_TOKEN}}
            for name, typ in self.other_secrets[ns]:
                labels = {"name": name.split(".")[3], "owner": "helm"} if typ == "helm.sh/release.v1" else None
                yield {"apiVersion": "v1", "kind": "Secret", "metadata": self.meta(name, ns, labels=labels),
                       "type": typ, "data": SECRET_DATA[typ]}

        for ns in g.ns_names:
            for pod in self.pods.get(ns, []):
                yield self.pod(ns, *pod)

        n_nodes = len(self.nodes)
        for ns in g.ns_names:
            for name, t, uid, rev in self.ds.get(ns, []):
                labels = {"app.kubernetes.io/name": name}
                yield {"apiVersion": "apps/v1", "kind": "DaemonSet",
                       "metadata": self.meta(name, ns, labels=labels, uid=uid,
                                             annotations={"deprecated.daemonset.template.generation": "1"}),
                       "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": labels},
                                "template": self.tmpl(labels, self.pod_spec(t)),
                                "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                                                   "type": "RollingUpdate"}},
                       "status": {"currentNumberScheduled": n_nodes, "desiredNumberScheduled": n_nodes,
                                  "numberAvailable": n_nodes, "numberMisscheduled": 0, "numberReady": n_nodes,
                                  "observedGeneration": 1, "updatedNumberScheduled": n_nodes}}

        for ns in g.ns_names:
            for name, t, uid, n, rss in self.deploys.get(ns, []):
                labels = {"app": name}
                rev = len(rss)
                yield {"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": self.meta(name, ns, labels=labels, uid=uid,
                                             annotations={"deployment.kubernetes.io/revision": str(rev)}),
                       "spec": {"progressDeadlineSeconds": 600, "replicas": n, "revisionHistoryLimit": 10,
                                "selector": {"matchLabels": labels},
                                "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                                             "type": "RollingUpdate"},
                                "template": self.tmpl(labels, self.pod_spec(t))},
                       "status": {"availableReplicas": n, "observedGeneration": rev, "readyReplicas": n,
                                  "replicas": n, "updatedReplicas": n} if n else {"observedGeneration": rev}}

        for ns in g.ns_names:
            for name, t, uid, n, rss in self.deploys.get(ns, []):
                for rsname, h, reps, rsuid, revision in rss:
                    labels = {"app": name, "pod-template-hash": h}
                    yield {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                           "metadata": self.meta(rsname, ns, labels=labels, uid=rsuid,
                                                 owner=("apps/v1", "Deployment", name, uid), annotations={
                                                     "deployment.kubernetes.io/desired-replicas": str(n),
                                                     "deployment.kubernetes.io/max-replicas": str(n + (n + 3) // 4),
                                                     "deployment.kubernetes.io/revision": str(revision)}),
                           "spec": {"replicas": reps, "selector": {"matchLabels": labels},
                                    "template": self.tmpl(labels, self.pod_spec(t))},
                           "status": {"availableReplicas": reps, "fullyLabeledReplicas": reps,
                                      "observedGeneration": 1, "readyReplicas": reps, "replicas": reps}
                           if reps else {"observedGeneration": 1, "replicas": 0}}

        for ns in g.ns_names:
            for name, t, uid, n, rev in self.sts.get(ns, []):
                labels = {"app": name}
                yield {"apiVersion": "apps/v1", "kind": "StatefulSet",
                       "metadata": self.meta(name, ns, labels=labels, uid=uid),
                       "spec": {"podManagementPolicy": "OrderedReady", "replicas": n, "revisionHistoryLimit": 10,
                                "selector": {"matchLabels": labels}, "serviceName": name,
                                "template": self.tmpl(labels, self.pod_spec(t)),
                                "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
                                "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                                          "metadata": {"name": "data"},
                                                          "spec": {"accessModes": ["ReadWriteOnce"],
                                                                   "resources": {"requests": {"storage": "10Gi"}},
                                                                   "volumeMode": "Filesystem"}}]},
                       "status": {"availableReplicas": n, "currentReplicas": n, "currentRevision": rev,
                                  "observedGeneration": 1, "readyReplicas": n, "replicas": n,
                                  "updateRevision": rev, "updatedReplicas": n}}

        for ns in g.ns_names:
            for name, t, uid, owner, n_pods in self.jobs.get(ns, []):
                sel = {"batch.kubernetes.io/controller-uid": uid}
                labels = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                          "controller-uid": uid, "job-name": name}
                meta = self.meta(name, ns, labels=labels, uid=uid, owner=owner)
                yield {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                       "spec": {"backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1,
                                "parallelism": 1, "selector": {"matchLabels": sel}, "suspend": False,
                                "template": self.tmpl(labels, self.pod_spec(t))},
                       "status": {"completionTime": self.ts(60), "ready": 0, "startTime": meta["creationTimestamp"],
                                  "succeeded": 1, "uncountedTerminatedPods": {}}}

        for ns in g.ns_names:
            for name, t, uid in self.cronjobs.get(ns, []):
                yield {"apiVersion": "batch/v1", "kind": "CronJob",
                       "metadata": self.meta(name, ns, uid=uid),
                       "spec": {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1,
                                "jobTemplate": {"metadata": {}, "spec": {"template": {"metadata": {},
                                                                                      "spec": self.pod_spec(t)}}},
                                "schedule": f"{sum(map(ord, ns + name)) % 60} 3 * * *",
                                "successfulJobsHistoryLimit": 3, "suspend": False},
                       "status": {"lastScheduleTime": self.ts(-3600)}}


dumps = json.JSONEncoder(separators=(",", ":")).encode


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a deterministic synthetic RBAC cluster.")
    ap.add_argument("--size", required=True, choices=list(SIZES))
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shape", choices=list(SHAPES), default="realistic",
                    help="plain: RBAC objects only (the historical output); realistic (default), dense, "
                         "pods50k: plus workloads, secrets, aws-auth and escalation grants")
    args = ap.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    gen = Gen(args.size, args.seed, args.shape)
    counts = {}
    with open(os.path.join(args.out, "cluster.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write('{"apiVersion":"v1","kind":"List","items":[')
        first = True
        for item in gen.items():
            counts[item["kind"]] = counts.get(item["kind"], 0) + 1
            if not first:
                f.write(",")
            first = False
            f.write(dumps(item))
        f.write('],"metadata":{"resourceVersion":""}}\n')
    with open(os.path.join(args.out, "can-i.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(dumps(o) + "\n" for o in gen.can_i_lines())
    with open(os.path.join(args.out, "who-can.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(dumps(o) + "\n" for o in gen.who_can_lines())
    print(" ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
