#!/usr/bin/env python3
"""kube-standin: a stand-in for the Kubernetes API server. It is NOT Kubernetes.

A single-file, standard-library-only HTTPS server that answers the handful of Kubernetes API
calls ai-how makes against a "cloud" cluster (health, version, nodes, pods, cordon/uncordon,
eviction) with payloads in the real API's JSON shapes, so that the end-to-end tests can run
without Kubespray (which needs the internet). It simulates a cluster: one node per configured
name, static kube-system pods on the control plane, a kube-proxy DaemonSet pod on every node and
one evictable ReplicaSet pod `default/web-<node>` on every worker.

    python3 kube-standin.py CONFIG.json

CONFIG.json (see README.md):
    {
      "token": "bearer token clients must send",                       (required)
      "cert_file": "/etc/kube-standin/server.crt",                     (required, PEM chain)
      "key_file": "/etc/kube-standin/server.key",                      (required, PEM)
      "nodes": ["cp", {"name": "w1", "ip": "192.168.200.11"}],         (required)
      "control_plane": "cp",                             (default: the first node)
      "listen_address": "0.0.0.0", "port": 6443,
      "state_file": "/var/lib/kube-standin/state.json",
      "audit_log": "/var/lib/kube-standin/audit.jsonl",
      "kubernetes_version": "v1.30.4",                   (reported as v1.30.4-standin)
      "cluster_name": "cluster.local",
      "not_ready": ["w1"] or {"w1": "False", "w2": "Unknown"},
      "eviction_blocked": ["default/web-w1"],            (those evictions answer 429)
      "healthy": true                                    (false: /readyz /livez /healthz answer 500)
    }

State (cordons, evicted pods, uids) is kept in memory and written to state_file after every
change, so a restart keeps it. The config file is re-read when it changes (or on SIGHUP): node
list, readiness, token. Every mutating request is appended as one JSON line to audit_log.
"""

import base64
import copy
import datetime
import hashlib
import hmac
import json
import os
import platform
import signal
import socket
import ssl
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

STANDIN_SUFFIX = "-standin"
STATE_FORMAT = 1
MAX_BODY = 1 << 20
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
# The alphabet of Kubernetes' generated name suffixes (k8s.io/apimachinery/pkg/util/rand).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
PUBLIC_PATHS = ("/readyz", "/livez", "/healthz", "/version")
HEALTH_CHECKS = ("ping", "log", "etcd", "informer-sync", "poststarthook/start-apiextensions-informers", "shutdown")


def log(message):
    sys.stderr.write("kube-standin: %s\n" % message)
    sys.stderr.flush()


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(*parts):
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()


def name_suffix(length, *parts):
    """A deterministic suffix in the alphabet Kubernetes uses for generated names."""
    h = int(digest(*parts), 16)
    out = []
    for _ in range(length):
        h, r = divmod(h, len(NAME_ALPHABET))
        out.append(NAME_ALPHABET[r])
    return "".join(out)


def fsync_write(path, data):
    """Atomic replace of path with data, synced (the VM may be powered off right after)."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    try:
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


class ApiError(Exception):
    """An error answered as a metav1.Status object."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self):
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": self.message, "reason": self.reason}
        if self.details is not None:
            body["details"] = self.details
        body["code"] = self.code
        return body


def not_found(kind, name):
    return ApiError(404, "NotFound", '%s "%s" not found' % (kind, name), {"name": name, "kind": kind})


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def invalid(kind, name, message):
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s' % (kind[:-1].capitalize() if kind.endswith("s") else kind, name, message), {"name": name, "kind": kind, "causes": [{"reason": "FieldValueInvalid", "message": message}]})


# ---------------------------------------------------------------------------------------------
# Patches: RFC 7386 merge patch (and strategic merge patch, treated as a merge patch without its
# $-directives) and RFC 6902 JSON patch.


class PatchError(Exception):
    pass


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strip_directives(patch):
    if isinstance(patch, dict):
        return {k: strip_directives(v) for k, v in patch.items() if not k.startswith("$")}
    if isinstance(patch, list):
        return [strip_directives(v) for v in patch]
    return patch


def _pointer(path):
    if not isinstance(path, str):
        raise PatchError("path must be a string")
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError("invalid JSON pointer %r" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _index(container, token, allow_end):
    if allow_end and token == "-":
        return len(container)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise PatchError("invalid array index %r" % token)
    i = int(token)
    if i > len(container) or (i == len(container) and not allow_end):
        raise PatchError("array index %d out of bounds" % i)
    return i


def _get(doc, tokens):
    for t in tokens:
        if isinstance(doc, dict):
            if t not in doc:
                raise PatchError("missing value at /%s" % "/".join(tokens))
            doc = doc[t]
        elif isinstance(doc, list):
            doc = doc[_index(doc, t, False)]
        else:
            raise PatchError("missing value at /%s" % "/".join(tokens))
    return doc


def _add(doc, tokens, value):
    if not tokens:
        return value
    parent = _get(doc, tokens[:-1])
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, last, True), value)
    else:
        raise PatchError("cannot add to a scalar at /%s" % "/".join(tokens))
    return doc


def _remove(doc, tokens):
    if not tokens:
        raise PatchError("cannot remove the whole document")
    parent = _get(doc, tokens[:-1])
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError("unable to remove nonexistent key: %s: missing value" % last)
        return parent.pop(last)
    if isinstance(parent, list):
        return parent.pop(_index(parent, last, False))
    raise PatchError("cannot remove from a scalar at /%s" % "/".join(tokens))


def json_patch(doc, operations):
    doc = copy.deepcopy(doc)
    for op in operations:
        if not isinstance(op, dict) or not isinstance(op.get("op"), str):
            raise PatchError("each operation must be an object with an op")
        kind = op["op"]
        tokens = _pointer(op.get("path"))
        if kind in ("add", "replace", "test") and "value" not in op:
            raise PatchError("%s operation without a value" % kind)
        if kind == "add":
            doc = _add(doc, tokens, copy.deepcopy(op["value"]))
        elif kind == "remove":
            _remove(doc, tokens)
        elif kind == "replace":
            if tokens:
                _get(doc, tokens)
                _remove(doc, tokens)
            doc = _add(doc, tokens, copy.deepcopy(op["value"]))
        elif kind == "move":
            source = _pointer(op.get("from"))
            value = _get(doc, source)
            _remove(doc, source)
            doc = _add(doc, tokens, value)
        elif kind == "copy":
            doc = _add(doc, tokens, copy.deepcopy(_get(doc, _pointer(op.get("from")))))
        elif kind == "test":
            if _get(doc, tokens) != op["value"]:
                raise PatchError("testing value /%s failed" % "/".join(tokens))
        else:
            raise PatchError("unexpected operation %r" % kind)
    return doc


def patch_paths(operations):
    return [op.get("path", "") for op in operations if isinstance(op, dict)]


# ---------------------------------------------------------------------------------------------
# Selectors.


def split_requirements(selector):
    parts, depth, current = [], 0, ""
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_field_selector(selector, supported):
    requirements = []
    for req in split_requirements(selector or ""):
        for op in ("!=", "==", "="):
            if op in req:
                field, value = req.split(op, 1)
                field = field.strip()
                if field not in supported:
                    raise bad_request("field label not supported: %s" % field)
                requirements.append((field, "!=" if op == "!=" else "=", value.strip()))
                break
        else:
            raise bad_request("invalid selector: '%s'; can't understand '%s'" % (selector, req))
    return requirements


def match_fields(obj_fields, requirements):
    for field, op, value in requirements:
        actual = obj_fields.get(field, "")
        if (actual == value) != (op == "="):
            return False
    return True


def parse_label_selector(selector):
    requirements = []
    for req in split_requirements(selector or ""):
        words = req.split()
        if len(words) >= 3 and words[1] in ("in", "notin"):
            values = " ".join(words[2:]).strip()
            if not (values.startswith("(") and values.endswith(")")):
                raise bad_request("unable to parse requirement: %s" % req)
            requirements.append((words[0], words[1], {v.strip() for v in values[1:-1].split(",") if v.strip()}))
        elif "!=" in req:
            k, v = req.split("!=", 1)
            requirements.append((k.strip(), "!=", {v.strip()}))
        elif "==" in req or "=" in req:
            k, v = req.split("==", 1) if "==" in req else req.split("=", 1)
            requirements.append((k.strip(), "=", {v.strip()}))
        elif req.startswith("!"):
            requirements.append((req[1:].strip(), "!exists", set()))
        else:
            requirements.append((req, "exists", set()))
    return requirements


def match_labels(labels, requirements):
    labels = labels or {}
    for key, op, values in requirements:
        present = key in labels
        value = labels.get(key)
        ok = {
            "=": present and value in values,
            "in": present and value in values,
            "!=": not present or value not in values,
            "notin": not present or value not in values,
            "exists": present,
            "!exists": not present,
        }[op]
        if not ok:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Configuration.


class Config:
    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
        if not isinstance(raw, dict):
            raise ValueError("%s: the config must be a JSON object" % path)

        def need(key, kind):
            value = raw.get(key)
            if not isinstance(value, kind) or value == "":
                raise ValueError("%s: %r is required (%s)" % (path, key, kind.__name__))
            return value

        self.token = need("token", str)
        self.cert_file = need("cert_file", str)
        self.key_file = need("key_file", str)
        nodes = need("nodes", list)
        self.nodes = []  # [(name, ip or None, extra dict)]
        for entry in nodes:
            if isinstance(entry, str):
                entry = {"name": entry}
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
                raise ValueError("%s: each node is a name or an object with a name" % path)
            if any(entry["name"] == n for n, _, _ in self.nodes):
                raise ValueError("%s: node %s is listed twice" % (path, entry["name"]))
            self.nodes.append((entry["name"], entry.get("ip") or None, entry))
        if not self.nodes:
            raise ValueError("%s: nodes is empty" % path)
        self.control_plane = raw.get("control_plane") or self.nodes[0][0]
        if self.control_plane not in self.node_names():
            raise ValueError("%s: control_plane %s is not one of the nodes" % (path, self.control_plane))
        self.listen_address = raw.get("listen_address", "0.0.0.0")
        self.port = int(raw.get("port", 6443))
        self.state_file = raw.get("state_file", "/var/lib/kube-standin/state.json")
        self.audit_log = raw.get("audit_log", "/var/lib/kube-standin/audit.jsonl")
        version = str(raw.get("kubernetes_version", "v1.30.4"))
        if not version.startswith("v"):
            version = "v" + version
        self.version = version if version.endswith(STANDIN_SUFFIX) else version + STANDIN_SUFFIX
        self.cluster_name = raw.get("cluster_name", "cluster.local")
        not_ready = raw.get("not_ready") or {}
        if isinstance(not_ready, list):
            not_ready = {n: "False" for n in not_ready}
        if not isinstance(not_ready, dict) or any(v not in ("False", "Unknown") for v in not_ready.values()):
            raise ValueError('%s: not_ready is a list of node names or a map of name to "False" or "Unknown"' % path)
        self.not_ready = not_ready
        self.eviction_blocked = set(raw.get("eviction_blocked") or [])
        self.healthy = raw.get("healthy", True) is not False

    def node_names(self):
        return [n for n, _, _ in self.nodes]

    def node_ip(self, name):
        for n, ip, _ in self.nodes:
            if n == name:
                return ip
        return None

    def node_extra(self, name):
        for n, _, extra in self.nodes:
            if n == name:
                return extra
        return {}


def config_stamp(path):
    try:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# The simulated cluster.


class Cluster:
    def __init__(self, config):
        self.lock = threading.RLock()
        self.config = config
        self.stamp = config_stamp(config.path)
        self.reload_requested = False
        self.started = now()
        self.rv = 1
        self.nodes = {}  # name -> {"metadata": ..., "spec": ...} (status is derived on output)
        self.pods = {}  # (namespace, name) -> pod
        self.counters = {}  # generation counters for recreated pods
        self._load_state()
        self._reconcile()
        self._save()

    # -- persistence ---------------------------------------------------------------------------

    def _load_state(self):
        path = self.config.state_file
        if not os.path.exists(path):
            return
        try:
            with open(path, encoding="utf-8") as f:
                state = json.load(f)
            if state.get("format") != STATE_FORMAT:
                raise ValueError("unknown state format %r" % state.get("format"))
            self.rv = int(state["resourceVersion"])
            self.nodes = state["nodes"]
            self.pods = {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in state["pods"]}
            self.counters = state.get("counters", {})
            log("state loaded from %s (%d nodes, %d pods)" % (path, len(self.nodes), len(self.pods)))
        except (OSError, ValueError, KeyError, TypeError) as e:
            aside = "%s.corrupt-%d" % (path, int(datetime.datetime.now().timestamp()))
            log("state file %s unreadable (%s): moved to %s, starting fresh" % (path, e, aside))
            try:
                os.replace(path, aside)
            except OSError:
                pass
            self.rv, self.nodes, self.pods, self.counters = 1, {}, {}, {}

    def _save(self):
        state = {
            "format": STATE_FORMAT,
            "resourceVersion": self.rv,
            "nodes": self.nodes,
            "pods": [self.pods[k] for k in sorted(self.pods)],
            "counters": self.counters,
        }
        fsync_write(self.config.state_file, json.dumps(state, indent=1, sort_keys=True) + "\n")

    def audit(self, entry):
        line = json.dumps(dict(entry, time=now()), sort_keys=False, separators=(",", ":"))
        path = self.config.audit_log
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    # -- config reload -------------------------------------------------------------------------

    def maybe_reload(self):
        stamp = config_stamp(self.config.path)
        if stamp == self.stamp and not self.reload_requested:
            return
        with self.lock:
            self.reload_requested = False
            self.stamp = stamp
            try:
                config = Config(self.config.path)
            except (OSError, ValueError) as e:
                log("config reload failed, keeping the previous one: %s" % e)
                return
            self.config = config
            self._reconcile()
            self._save()
            log("config reloaded: nodes %s, control plane %s, not ready %s" % (", ".join(config.node_names()), config.control_plane, config.not_ready or "none"))

    def _reconcile(self):
        """Nodes in the config and not in the state are created (with their pods); nodes gone from
        the config are deleted with their pods. Cordons and evictions of kept nodes stay."""
        wanted = self.config.node_names()
        for name in list(self.nodes):
            if name not in wanted:
                del self.nodes[name]
                for key in [k for k, p in self.pods.items() if p["spec"].get("nodeName") == name]:
                    del self.pods[key]
                self._bump()
        for name in wanted:
            if name not in self.nodes:
                self._create_node(name)
            labels = self.nodes[name]["metadata"].setdefault("labels", {})
            if name == self.config.control_plane:
                labels.setdefault(CONTROL_PLANE_LABEL, "")
            else:
                labels.pop(CONTROL_PLANE_LABEL, None)

    def _bump(self):
        self.rv += 1
        return str(self.rv)

    # -- objects -------------------------------------------------------------------------------

    def _create_node(self, name):
        is_cp = name == self.config.control_plane
        index = self.config.node_names().index(name)
        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
        }
        taints = []
        if is_cp:
            labels[CONTROL_PLANE_LABEL] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
            taints.append({"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"})
        spec = {"podCIDR": "10.233.%d.0/24" % (64 + index), "podCIDRs": ["10.233.%d.0/24" % (64 + index)]}
        if taints:
            spec["taints"] = taints
        self.nodes[name] = {
            "metadata": {
                "name": name,
                "uid": str(uuid.uuid4()),
                "resourceVersion": self._bump(),
                "creationTimestamp": now(),
                "labels": labels,
                "annotations": {
                    "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                    "node.alpha.kubernetes.io/ttl": "0",
                    "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                    "kube-standin": "this node is simulated by kube-standin, not a kubelet",
                },
            },
            "spec": spec,
        }
        if is_cp:
            for component in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
                self._create_mirror_pod(component, name)
            for _ in range(2):
                self._create_replica_pod("kube-system", "coredns", "coredns", name)
        self._create_daemon_pod("kube-system", "kube-proxy", name)
        if not is_cp:
            self._create_web_pod(name)

    def _count(self, key):
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def _pod(self, namespace, name, node, labels, owner, containers, host_network=False, priority_class=None, tolerations=None, generate_name=None, annotations=None):
        meta = {
            "name": name,
            "namespace": namespace,
            "uid": str(uuid.uuid4()),
            "resourceVersion": self._bump(),
            "creationTimestamp": now(),
            "labels": labels,
        }
        if generate_name:
            meta["generateName"] = generate_name
        if annotations:
            meta["annotations"] = annotations
        meta["ownerReferences"] = [owner]
        spec = {
            "containers": [
                {
                    "name": c,
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }
                for c, image in containers
            ],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "nodeName": node,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "default",
            "serviceAccountName": "default",
            "terminationGracePeriodSeconds": 30,
            "tolerations": tolerations
            or [
                {"key": NOT_READY_TAINT, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": UNREACHABLE_TAINT, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ],
        }
        if host_network:
            spec["hostNetwork"] = True
        if priority_class:
            spec["priorityClassName"] = priority_class
            spec["priority"] = 2000001000 if priority_class == "system-node-critical" else 2000000000
        started = meta["creationTimestamp"]
        pod = {
            "metadata": meta,
            "spec": spec,
            "status": {
                "phase": "Running",
                "conditions": [
                    {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": started}
                    for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
                ],
                "startTime": started,
                "containerStatuses": [
                    {
                        "name": c,
                        "state": {"running": {"startedAt": started}},
                        "lastState": {},
                        "ready": True,
                        "restartCount": 0,
                        "image": image,
                        "imageID": image.split(":")[0] + "@sha256:" + digest(image),
                        "containerID": "containerd://" + digest(meta["uid"], c),
                        "started": True,
                    }
                    for c, image in containers
                ],
                "qosClass": "BestEffort",
            },
        }
        self.pods[(namespace, name)] = pod
        return pod

    def _node_owner(self, node):
        return {"apiVersion": "v1", "kind": "Node", "name": node, "uid": self.nodes[node]["metadata"]["uid"], "controller": True}

    def _create_mirror_pod(self, component, node):
        images = {
            "etcd": "registry.k8s.io/etcd:3.5.12-0",
            "kube-apiserver": "registry.k8s.io/kube-apiserver:" + self.config.version,
            "kube-controller-manager": "registry.k8s.io/kube-controller-manager:" + self.config.version,
            "kube-scheduler": "registry.k8s.io/kube-scheduler:" + self.config.version,
        }
        return self._pod(
            "kube-system",
            "%s-%s" % (component, node),
            node,
            {"component": component, "tier": "control-plane"},
            self._node_owner(node),
            [(component, images[component])],
            host_network=True,
            priority_class="system-node-critical",
            tolerations=[{"operator": "Exists", "effect": "NoExecute"}],
            annotations={"kubernetes.io/config.mirror": digest(component, node)[:32], "kubernetes.io/config.source": "file"},
        )

    def _replica_set(self, app):
        rs_hash = name_suffix(10, "replicaset", app)
        return "%s-%s" % (app, rs_hash), rs_hash

    def _rs_owner(self, namespace, rs_name):
        return {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "name": rs_name,
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "kube-standin/%s/replicasets/%s" % (namespace, rs_name))),
            "controller": True,
            "blockOwnerDeletion": True,
        }

    def _create_replica_pod(self, namespace, app, container, node):
        rs_name, rs_hash = self._replica_set(app)
        name = "%s-%s" % (rs_name, name_suffix(5, namespace, app, self._count("rs/" + app)))
        images = {"coredns": "registry.k8s.io/coredns/coredns:v1.11.1"}
        pod = self._pod(
            namespace,
            name,
            node,
            {"k8s-app": "kube-dns", "pod-template-hash": rs_hash},
            self._rs_owner(namespace, rs_name),
            [(container, images.get(app, "docker.io/library/nginx:1.27"))],
            priority_class="system-cluster-critical",
            tolerations=[
                {"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"},
                {"key": NOT_READY_TAINT, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": UNREACHABLE_TAINT, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ],
            generate_name=rs_name + "-",
        )
        if node is None:
            self._make_pending(pod)
        return pod

    def _create_daemon_pod(self, namespace, app, node):
        name = "%s-%s" % (app, name_suffix(5, namespace, app, node, self._count("ds/%s/%s" % (app, node))))
        revision = name_suffix(10, "controllerrevision", app)
        owner = {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "name": app,
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "kube-standin/%s/daemonsets/%s" % (namespace, app))),
            "controller": True,
            "blockOwnerDeletion": True,
        }
        return self._pod(
            namespace,
            name,
            node,
            {"k8s-app": app, "controller-revision-hash": revision, "pod-template-generation": "1"},
            owner,
            [(app, "registry.k8s.io/kube-proxy:" + self.config.version)],
            host_network=True,
            priority_class="system-node-critical",
            tolerations=[
                {"operator": "Exists"},
                {"key": NOT_READY_TAINT, "operator": "Exists", "effect": "NoExecute"},
                {"key": UNREACHABLE_TAINT, "operator": "Exists", "effect": "NoExecute"},
                {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
                {"key": UNSCHEDULABLE_TAINT, "operator": "Exists", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"},
            ],
            generate_name=app + "-",
        )

    def _create_web_pod(self, node):
        rs_name, rs_hash = self._replica_set("web")
        return self._pod(
            "default",
            "web-%s" % node,
            node,
            {"app": "web", "pod-template-hash": rs_hash},
            self._rs_owner("default", rs_name),
            [("web", "docker.io/library/nginx:1.27")],
        )

    def _make_pending(self, pod):
        pod["spec"].pop("nodeName", None)
        pod["status"] = {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "lastProbeTime": None,
                    "lastTransitionTime": now(),
                    "reason": "Unschedulable",
                    "message": "0/%d nodes are available: no schedulable node." % len(self.nodes),
                }
            ],
            "qosClass": "BestEffort",
        }

    # -- output --------------------------------------------------------------------------------

    def node_ready(self, name):
        return self.config.not_ready.get(name, "True")

    def render_node(self, name, with_kind=True):
        stored = self.nodes[name]
        node = {}
        if with_kind:
            node["kind"] = "Node"
            node["apiVersion"] = "v1"
        node["metadata"] = copy.deepcopy(stored["metadata"])
        spec = copy.deepcopy(stored["spec"])
        taints = [t for t in spec.get("taints", []) if t.get("key") not in (NOT_READY_TAINT, UNREACHABLE_TAINT)]
        ready = self.node_ready(name)
        if ready != "True":
            taints.append({"key": NOT_READY_TAINT if ready == "False" else UNREACHABLE_TAINT, "effect": "NoSchedule", "timeAdded": self.started})
        if taints:
            spec["taints"] = taints
        else:
            spec.pop("taints", None)
        node["spec"] = spec
        node["status"] = self._node_status(name)
        return node

    def _node_status(self, name):
        ip = self.config.node_ip(name)
        extra = self.config.node_extra(name)
        ready = self.node_ready(name)
        heartbeat = now()
        created = self.nodes[name]["metadata"]["creationTimestamp"]
        conditions = []
        for ctype, reason, message in (
            ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ):
            if ready == "Unknown":
                conditions.append({"type": ctype, "status": "Unknown", "lastHeartbeatTime": created, "lastTransitionTime": self.started, "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."})
            else:
                conditions.append({"type": ctype, "status": "False", "lastHeartbeatTime": heartbeat, "lastTransitionTime": created, "reason": reason, "message": message})
        if ready == "True":
            conditions.append({"type": "Ready", "status": "True", "lastHeartbeatTime": heartbeat, "lastTransitionTime": created, "reason": "KubeletReady", "message": "kubelet is posting ready status"})
        elif ready == "False":
            conditions.append({"type": "Ready", "status": "False", "lastHeartbeatTime": heartbeat, "lastTransitionTime": self.started, "reason": "KubeletNotReady", "message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized (kube-standin: forced by its config)"})
        else:
            conditions.append({"type": "Ready", "status": "Unknown", "lastHeartbeatTime": created, "lastTransitionTime": self.started, "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status. (kube-standin: forced by its config)"})
        addresses = []
        if ip:
            addresses.append({"type": "InternalIP", "address": ip})
        addresses.append({"type": "Hostname", "address": name})
        resources = {
            "cpu": str(extra.get("cpu", "2")),
            "ephemeral-storage": str(extra.get("ephemeral_storage", "20465100Ki")),
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            "memory": str(extra.get("memory", "4025216Ki")),
            "pods": "110",
        }
        machine = digest("machine", name)[:32]
        return {
            "capacity": resources,
            "allocatable": dict(resources),
            "conditions": conditions,
            "addresses": addresses,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": machine,
                "systemUUID": str(uuid.UUID(machine)),
                "bootID": str(uuid.uuid5(uuid.NAMESPACE_URL, "kube-standin/boot/%s/%s" % (name, self.started))),
                "kernelVersion": platform.release() if name == self.config.control_plane else "6.1.0-standin-amd64",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "containerRuntimeVersion": "containerd://1.7.21",
                "kubeletVersion": self.config.version,
                "kubeProxyVersion": self.config.version,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        }

    def render_pod(self, pod, with_kind=True):
        out = {}
        if with_kind:
            out["kind"] = "Pod"
            out["apiVersion"] = "v1"
        out.update(copy.deepcopy(pod))
        node = pod["spec"].get("nodeName")
        if node and out["status"].get("phase") == "Running":
            host_ip = self.config.node_ip(node) or "0.0.0.0"
            pod_ip = host_ip if pod["spec"].get("hostNetwork") else "10.233.%d.%d" % (64 + self.config.node_names().index(node) if node in self.config.node_names() else 63, 2 + int(digest(pod["metadata"]["uid"]), 16) % 250)
            out["status"]["hostIP"] = host_ip
            out["status"]["hostIPs"] = [{"ip": host_ip}]
            out["status"]["podIP"] = pod_ip
            out["status"]["podIPs"] = [{"ip": pod_ip}]
        return out

    @staticmethod
    def pod_fields(pod, rendered):
        spec, status = pod["spec"], rendered["status"]
        return {
            "metadata.name": pod["metadata"]["name"],
            "metadata.namespace": pod["metadata"]["namespace"],
            "spec.nodeName": spec.get("nodeName", ""),
            "spec.restartPolicy": spec.get("restartPolicy", ""),
            "spec.schedulerName": spec.get("schedulerName", ""),
            "spec.serviceAccountName": spec.get("serviceAccountName", ""),
            "spec.hostNetwork": "true" if spec.get("hostNetwork") else "false",
            "status.phase": status.get("phase", ""),
            "status.podIP": status.get("podIP", ""),
            "status.podIPs": status.get("podIP", ""),
            "status.nominatedNodeName": status.get("nominatedNodeName", ""),
        }

    # -- API operations (called with the lock held) ---------------------------------------------

    def list_nodes(self, query):
        fields = parse_field_selector(query.get("fieldSelector"), ("metadata.name", "spec.unschedulable"))
        labels = parse_label_selector(query.get("labelSelector"))
        items = []
        for name in self.config.node_names():
            node = self.render_node(name, with_kind=False)
            f = {"metadata.name": name, "spec.unschedulable": "true" if node["spec"].get("unschedulable") else "false"}
            if match_fields(f, fields) and match_labels(node["metadata"].get("labels"), labels):
                items.append(node)
        return {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": str(self.rv)}, "items": items}

    def get_node(self, name):
        if name not in self.nodes:
            raise not_found("nodes", name)
        return self.render_node(name)

    def patch_node(self, name, content_type, body):
        """Returns (node, audit fields)."""
        if name not in self.nodes:
            raise not_found("nodes", name)
        current = self.render_node(name)
        if content_type in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
            if not isinstance(body, dict):
                raise bad_request("json: cannot unmarshal %s into Go value of type map[string]interface {}" % json_type(body))
            patch = strip_directives(body) if content_type.startswith("application/strategic") else body
            touched = isinstance(patch.get("spec"), dict) and "unschedulable" in patch["spec"]
            patched = merge_patch(current, patch)
        elif content_type == "application/json-patch+json":
            if not isinstance(body, list):
                raise bad_request("json: cannot unmarshal %s into Go value of type jsonpatch.Patch" % json_type(body))
            touched = any(p == "/spec/unschedulable" or p == "/spec" or p.startswith("/spec/unschedulable/") for p in patch_paths(body))
            try:
                patched = json_patch(current, body)
            except PatchError as e:
                raise ApiError(422, "Invalid", "the server rejected our request due to an error in our request: %s" % e)
        else:
            raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        if not isinstance(patched, dict) or not isinstance(patched.get("metadata"), dict):
            raise invalid("nodes", name, "metadata: Required value")
        meta = patched["metadata"]
        old_meta = current["metadata"]
        if meta.get("resourceVersion") not in (None, old_meta["resourceVersion"]):
            raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on nodes "%s": the object has been modified; please apply your changes to the latest version and try again' % name, {"name": name, "kind": "nodes"})
        if meta.get("name") != name:
            raise bad_request("the name of the object (%s) does not match the name on the URL (%s)" % (meta.get("name"), name))
        spec = patched.get("spec")
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise bad_request("json: cannot unmarshal %s into Go struct field Node.spec of type v1.NodeSpec" % json_type(spec))
        unschedulable = spec.get("unschedulable")
        if unschedulable is not None and not isinstance(unschedulable, bool):
            raise bad_request("json: cannot unmarshal %s into Go struct field NodeSpec.spec.unschedulable of type bool" % json_type(unschedulable))
        taints = spec.get("taints") or []
        if not isinstance(taints, list) or any(not isinstance(t, dict) or not isinstance(t.get("key"), str) or t.get("effect") not in ("NoSchedule", "PreferNoSchedule", "NoExecute") for t in taints):
            raise invalid("nodes", name, "spec.taints: each taint needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute")
        for field in ("labels", "annotations"):
            value = meta.get(field)
            if value is not None and (not isinstance(value, dict) or any(not isinstance(v, str) for v in value.values())):
                raise bad_request("json: cannot unmarshal into Go struct field ObjectMeta.metadata.%s of type map[string]string" % field)
        # Only metadata.labels/annotations and spec are kept; status, uid, creationTimestamp are not writable here.
        stored = self.nodes[name]
        was_unschedulable = bool(stored["spec"].get("unschedulable"))
        new_spec = {k: v for k, v in spec.items() if v is not None}
        if unschedulable:
            new_spec["unschedulable"] = True
        else:
            new_spec.pop("unschedulable", None)
        # The node lifecycle controller's part: the unschedulable taint follows spec.unschedulable.
        taints = [t for t in taints if t.get("key") not in (UNSCHEDULABLE_TAINT, NOT_READY_TAINT, UNREACHABLE_TAINT)]
        if unschedulable:
            taints.append({"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule", "timeAdded": now()})
        if taints:
            new_spec["taints"] = taints
        else:
            new_spec.pop("taints", None)
        stored["spec"] = new_spec
        for field in ("labels", "annotations"):
            if meta.get(field) is None:
                stored["metadata"].pop(field, None)
            else:
                stored["metadata"][field] = meta[field]
        stored["metadata"]["resourceVersion"] = self._bump()
        recreated = []
        # An uncordon: the web ReplicaSet schedules its pod on the node again.
        if touched and not unschedulable and name != self.config.control_plane and ("default", "web-%s" % name) not in self.pods:
            recreated.append(self._create_web_pod(name)["metadata"]["name"])
        # An uncordon: the scheduler places the pods left Pending while no node was schedulable.
        if touched and not unschedulable and self.node_ready(name) == "True":
            for key in [k for k, p in self.pods.items() if p["status"].get("phase") == "Pending" and not p["spec"].get("nodeName")]:
                pending = self.pods.pop(key)
                app = "coredns" if pending["metadata"].get("labels", {}).get("k8s-app") == "kube-dns" else pending["metadata"].get("generateName", key[1]).rstrip("-").rsplit("-", 1)[0]
                placed = self._create_replica_pod(key[0], app, pending["spec"]["containers"][0]["name"], name)
                recreated.append(placed["metadata"]["name"])
        self._save()
        audit = {"unschedulable": bool(unschedulable), "wasUnschedulable": was_unschedulable}
        if recreated:
            audit["recreated"] = ["%s/%s" % (ns, n) for (ns, n), pod in self.pods.items() if n in recreated]
        return self.render_node(name), audit

    def list_pods(self, namespace, query):
        fields = parse_field_selector(query.get("fieldSelector"), ("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"))
        labels = parse_label_selector(query.get("labelSelector"))
        items = []
        for key in sorted(self.pods):
            if namespace is not None and key[0] != namespace:
                continue
            pod = self.pods[key]
            rendered = self.render_pod(pod, with_kind=False)
            if match_fields(self.pod_fields(pod, rendered), fields) and match_labels(pod["metadata"].get("labels"), labels):
                items.append(rendered)
        return {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": str(self.rv)}, "items": items}

    def get_pod(self, namespace, name):
        pod = self.pods.get((namespace, name))
        if pod is None:
            raise not_found("pods", name)
        return self.render_pod(pod)

    def _remove_pod(self, namespace, name):
        """Removes a pod as its controller would see it go, and lets the controller react."""
        pod = self.pods.pop((namespace, name))
        self._bump()
        owner = (pod["metadata"].get("ownerReferences") or [{}])[0]
        node = pod["spec"].get("nodeName")
        replacement = None
        if owner.get("kind") == "DaemonSet" and node in self.nodes:
            # The DaemonSet controller runs a new pod on the same node (it tolerates the cordon).
            replacement = self._create_daemon_pod(namespace, owner["name"], node)
        elif owner.get("kind") == "Node" and node in self.nodes:
            # A mirror pod: the kubelet recreates it from its static manifest.
            replacement = self._create_mirror_pod(pod["metadata"]["labels"].get("component", name), node)
        elif owner.get("kind") == "ReplicaSet" and pod["metadata"].get("labels", {}).get("app") != "web":
            # Other ReplicaSets reschedule at once on a schedulable node (web pods wait for the uncordon).
            target = next((n for n in self.config.node_names() if not self.nodes[n]["spec"].get("unschedulable") and self.node_ready(n) == "True"), None)
            app = pod["metadata"]["labels"].get("k8s-app") == "kube-dns" and "coredns" or owner["name"].rsplit("-", 1)[0]
            replacement = self._create_replica_pod(namespace, app, pod["spec"]["containers"][0]["name"], target)
        return pod, replacement

    def evict_pod(self, namespace, name, body):
        if not isinstance(body, dict):
            raise bad_request("the body of the eviction must be an Eviction object")
        if body.get("kind") not in (None, "Eviction") or body.get("apiVersion") not in (None, "policy/v1", "policy/v1beta1"):
            raise bad_request("the body must be a policy/v1 Eviction, got %s %s" % (body.get("apiVersion"), body.get("kind")))
        meta = body.get("metadata") or {}
        if meta.get("name") not in (None, "", name):
            raise bad_request("name in URL does not match name in Eviction object")
        if meta.get("namespace") not in (None, "", namespace):
            raise bad_request("the namespace of the provided object does not match the namespace sent on the request")
        pod = self.pods.get((namespace, name))
        if pod is None:
            raise not_found("pods", name)
        node = pod["spec"].get("nodeName")
        if "%s/%s" % (namespace, name) in self.config.eviction_blocked:
            raise ApiError(
                429,
                "TooManyRequests",
                "Cannot evict pod as it would violate the pod's disruption budget.",
                {"causes": [{"reason": "DisruptionBudget", "message": "The disruption budget %s-pdb needs 1 healthy pods and has 1 currently" % name.split("-")[0]}]},
            )
        _, replacement = self._remove_pod(namespace, name)
        self._save()
        audit = {"node": node}
        if replacement is not None:
            audit["replacement"] = "%s/%s" % (namespace, replacement["metadata"]["name"])
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, audit

    def delete_pod(self, namespace, name):
        pod = self.pods.get((namespace, name))
        if pod is None:
            raise not_found("pods", name)
        rendered = self.render_pod(pod)
        _, replacement = self._remove_pod(namespace, name)
        self._save()
        rendered["metadata"]["deletionTimestamp"] = now()
        rendered["metadata"]["deletionGracePeriodSeconds"] = 0
        audit = {"node": pod["spec"].get("nodeName")}
        if replacement is not None:
            audit["replacement"] = "%s/%s" % (namespace, replacement["metadata"]["name"])
        return rendered, audit

    def namespaces(self):
        names = sorted({"default", "kube-node-lease", "kube-public", "kube-system"} | {ns for ns, _ in self.pods})
        return names

    def render_namespace(self, name, with_kind=True):
        out = {"kind": "Namespace", "apiVersion": "v1"} if with_kind else {}
        out.update({
            "metadata": {"name": name, "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "kube-standin/namespaces/" + name)), "resourceVersion": "1", "creationTimestamp": self.started, "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        })
        return out


def json_type(value):
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "number"


# ---------------------------------------------------------------------------------------------
# HTTP.

API_RESOURCES = {
    "kind": "APIResourceList",
    "groupVersion": "v1",
    "resources": [
        {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace", "verbs": ["get", "list"], "shortNames": ["ns"]},
        {"name": "nodes", "singularName": "node", "namespaced": False, "kind": "Node", "verbs": ["get", "list", "patch"], "shortNames": ["no"]},
        {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": ["delete", "get", "list"], "shortNames": ["po"], "categories": ["all"]},
        {"name": "pods/eviction", "singularName": "", "namespaced": True, "group": "policy", "version": "v1", "kind": "Eviction", "verbs": ["create"]},
    ],
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-standin"
    sys_version = ""
    timeout = 120

    # -- plumbing ------------------------------------------------------------------------------

    def log_message(self, fmt, *args):
        log("%s %s" % (self.client_address[0], fmt % args))

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ApiError(413, "RequestEntityTooLarge", "the request body is too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "RequestEntityTooLarge", "the request body is too large")
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, code, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", content_type)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, code, obj, query):
        pretty = query.get("pretty") in ("true", "1")
        text = json.dumps(obj, indent=2 if pretty else None, separators=None if pretty else (",", ":"))
        self._send(code, text + ("\n" if pretty else ""))

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    # -- routing -------------------------------------------------------------------------------

    def _dispatch(self, method):
        cluster = self.server.cluster
        cluster.maybe_reload()
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        segments = [unquote(s) for s in path.strip("/").split("/")] if path != "/" else []
        audit = None
        try:
            if method in ("POST", "PATCH", "DELETE", "PUT"):
                audit = {"verb": method.lower(), "path": parts.path}
            body_bytes = self._read_body()
            user = self._authenticate(cluster)
            if user is None:
                if method == "GET" and (path in PUBLIC_PATHS or path.split("/")[1:2] in (["readyz"], ["livez"], ["healthz"])):
                    pass
                else:
                    raise ApiError(403, "Forbidden", 'forbidden: User "system:anonymous" cannot %s path "%s"' % (method.lower(), parts.path), {})
            if len(segments) >= 1 and segments[0] in ("readyz", "livez", "healthz"):
                if method != "GET":
                    raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})
                return self._health(cluster, segments, query)
            if method == "GET" and query.get("watch") in ("true", "1"):
                raise ApiError(405, "MethodNotAllowed", "kube-standin does not implement watch", {})
            with cluster.lock:
                code, obj = self._route(cluster, method, segments, query, body_bytes, audit)
            self._send_json(code, obj, query)
            if audit is not None:
                audit["code"] = code
                with cluster.lock:
                    cluster.audit(audit)
        except ApiError as e:
            self._send_json(e.code, e.status(), query)
            if audit is not None:
                audit["code"] = e.code
                audit["error"] = e.message
                with cluster.lock:
                    cluster.audit(audit)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        except Exception as e:  # noqa: BLE001 - answered as a 500 Status, logged with its trace
            log("internal error on %s %s: %s\n%s" % (method, self.path, e, traceback.format_exc()))
            try:
                self._send_json(500, ApiError(500, "InternalError", "Internal error occurred: %s" % e).status(), query)
            except OSError:
                self.close_connection = True

    def _authenticate(self, cluster):
        header = self.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(credential.strip().encode(), cluster.config.token.encode()):
            return "kubernetes-admin"
        raise ApiError(401, "Unauthorized", "Unauthorized")

    def _health(self, cluster, segments, query):
        name = segments[0]
        healthy = cluster.config.healthy
        if len(segments) > 2 or (len(segments) == 2 and segments[1] not in HEALTH_CHECKS):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        if len(segments) == 2:
            ok = healthy or segments[1] != "etcd"
            return self._send(200 if ok else 500, "ok" if ok else "internal server error: etcd check failed (kube-standin: forced by its config)\n", "text/plain; charset=utf-8")
        lines = ["[+]%s ok" % c if healthy or c != "etcd" else "[-]etcd failed: reason withheld" for c in HEALTH_CHECKS]
        verdict = "%s check %s" % (name, "passed" if healthy else "failed")
        if healthy and "verbose" not in query:
            return self._send(200, "ok", "text/plain; charset=utf-8")
        return self._send(200 if healthy else 500, "\n".join(lines + [verdict]) + "\n", "text/plain; charset=utf-8")

    def _parse_json(self, body_bytes):
        if not body_bytes:
            raise bad_request("the request body is empty")
        try:
            return json.loads(body_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise bad_request("error decoding the request body: %s" % e)

    def _route(self, cluster, method, seg, query, body_bytes, audit):
        not_allowed = ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})
        if seg == ["version"]:
            if method != "GET":
                raise not_allowed
            version = cluster.config.version
            major, minor = version[1:].split(".")[:2]
            machine = platform.machine()
            return 200, {
                "major": major,
                "minor": minor,
                "gitVersion": version,
                "gitCommit": "0000000000000000000000000000000000000000",
                "gitTreeState": "clean",
                "buildDate": cluster.started,
                "goVersion": "python%s (kube-standin, not Go)" % platform.python_version(),
                "compiler": "kube-standin",
                "platform": "linux/%s" % {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine),
            }
        if seg == ["api"] and method == "GET":
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "%s:%d" % (cluster.config.node_ip(cluster.config.control_plane) or "127.0.0.1", cluster.config.port)}]}
        if seg == ["apis"] and method == "GET":
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []}
        if seg == ["api", "v1"] and method == "GET":
            return 200, API_RESOURCES
        if seg[:2] != ["api", "v1"] or len(seg) < 3:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        rest = seg[2:]
        # /api/v1/nodes[/NAME]
        if rest[0] == "nodes" and len(rest) <= 2:
            if len(rest) == 1:
                if method != "GET":
                    raise not_allowed
                return 200, cluster.list_nodes(query)
            name = rest[1]
            if method == "GET":
                return 200, cluster.get_node(name)
            if method == "PATCH":
                content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                audit.update({"verb": "patch", "node": name, "contentType": content_type})
                body = self._parse_json(body_bytes)
                audit["patch"] = body
                node, extra = cluster.patch_node(name, content_type, body)
                audit.update(extra)
                return 200, node
            raise not_allowed
        # /api/v1/pods
        if rest == ["pods"]:
            if method != "GET":
                raise not_allowed
            return 200, cluster.list_pods(None, query)
        # /api/v1/namespaces[/NS[/pods[/NAME[/eviction]]]]
        if rest[0] == "namespaces":
            if len(rest) == 1 and method == "GET":
                return 200, {"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": str(cluster.rv)}, "items": [cluster.render_namespace(n, False) for n in cluster.namespaces()]}
            if len(rest) == 2 and method == "GET":
                if rest[1] not in cluster.namespaces():
                    raise not_found("namespaces", rest[1])
                return 200, cluster.render_namespace(rest[1])
            if len(rest) >= 3 and rest[2] == "pods":
                namespace = rest[1]
                if len(rest) == 3:
                    if method != "GET":
                        raise not_allowed
                    return 200, cluster.list_pods(namespace, query)
                name = rest[3]
                if len(rest) == 4:
                    if method == "GET":
                        return 200, cluster.get_pod(namespace, name)
                    if method == "DELETE":
                        audit.update({"verb": "delete", "namespace": namespace, "pod": name})
                        pod, extra = cluster.delete_pod(namespace, name)
                        audit.update(extra)
                        return 200, pod
                    raise not_allowed
                if len(rest) == 5 and rest[4] == "eviction":
                    if method != "POST":
                        raise not_allowed
                    audit.update({"verb": "evict", "namespace": namespace, "pod": name})
                    body = self._parse_json(body_bytes)
                    status, extra = cluster.evict_pod(namespace, name, body)
                    audit.update(extra)
                    return 201, status
        raise ApiError(404, "NotFound", "the server could not find the requested resource", {})


class TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, context, cluster):
        self.context = context
        self.cluster = cluster
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's thread, so a slow or silent client
        # cannot hold up the accept loop.
        request.settimeout(30)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log("%s TLS handshake failed: %s" % (client_address[0], e))
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        log("%s connection error: %s" % (client_address[0], sys.exc_info()[1]))


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: %s CONFIG.json\n\n%s" % (os.path.basename(argv[0]), __doc__))
        return 2
    try:
        config = Config(argv[1])
    except (OSError, ValueError) as e:
        log("bad config: %s" % e)
        return 2
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    try:
        context.load_cert_chain(config.cert_file, config.key_file)
    except (OSError, ssl.SSLError) as e:
        log("cannot load the certificate %s / key %s: %s" % (config.cert_file, config.key_file, e))
        return 2
    cluster = Cluster(config)
    server = TLSServer((config.listen_address, config.port), Handler, context, cluster)

    def stop(signum, _frame):
        log("signal %d: stopping" % signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    def reload(_signum, _frame):
        cluster.reload_requested = True
        log("SIGHUP: the config will be re-read before the next request")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    log(
        "serving the Kubernetes API stand-in %s on https://%s:%d (nodes: %s; control plane: %s; state %s; audit %s). This is NOT Kubernetes."
        % (config.version, config.listen_address, config.port, ", ".join(config.node_names()), config.control_plane, config.state_file, config.audit_log)
    )
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
