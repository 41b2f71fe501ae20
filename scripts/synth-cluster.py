#!/usr/bin/env python3
"""Deterministic synthetic Kubernetes RBAC cluster generator for rolecall benchmarks.

Writes three files into --out DIR:

  cluster.json   one compact `kind: List` JSON object, shaped like
                 `kubectl get ns,sa,roles,rolebindings,clusterroles,clusterrolebindings -A -o json`
                 (Namespaces, ServiceAccounts, Roles, ClusterRoles, RoleBindings,
                 ClusterRoleBindings; aggregated ClusterRoles have `rules: []`).
  can-i.jsonl    batch authorization requests, one JSON object per line
                 (user/groups + verb/apiGroup/resource[/subresource][/name]/namespace,
                 or ~2% nonResourceURL requests).
  who-can.jsonl  request attributes without a user, for "who can" queries.

Usage:
  python3 scripts/synth-cluster.py --size S|M|XL --out DIR [--seed N]

XL: 2,000 namespaces, 20,000 ServiceAccounts, 10,000 Roles, 20,000 RoleBindings,
500 ClusterRoles (20 aggregated), 2,000 ClusterRoleBindings, 100,000 can-i lines,
1,000 who-can lines. M and S are roughly 10x and 100x smaller.

Standard library only. Output is byte-identical for the same --size and --seed
(default seed 1): every random choice comes from random.Random instances seeded
from the seed, and nothing iterates over hash-ordered sets.
"""

import argparse
import bisect
import datetime
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
    def __init__(self, size, seed):
        self.cfg = SIZES[size]
        self.seed = seed
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
        for name in names:
            labels = {"kubernetes.io/metadata.name": name}
            if "-" in name and name.split("-")[0] in NS_TEAMS:
                labels["team"] = name.split("-")[0]
                labels["env"] = name.split("-")[1]
            yield {"apiVersion": "v1", "kind": "Namespace", "metadata": self.meta(name, labels=labels),
                   "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

    def service_accounts(self):
        for ns in self.ns_names:
            sas = ["default"] + self.rng.sample(SA_NAMES, SA_PER_NS - 1)
            self.ns_sas[ns] = sas
            for sa in sas:
                yield {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta(sa, ns)}

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


dumps = json.JSONEncoder(separators=(",", ":")).encode


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a deterministic synthetic RBAC cluster.")
    ap.add_argument("--size", required=True, choices=list(SIZES))
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    gen = Gen(args.size, args.seed)
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
