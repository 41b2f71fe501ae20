// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis
import RBACCluster
import RBACIngest
import RBACModel
import RBACReport
import RBACStore

extension Rolecall {
  struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read RBAC objects from files, directories, stdin or a live cluster into a new snapshot.",
      discussion: """
        Reads .yaml, .yml and .json files (directories recursively, in name order) and `-` for stdin, as \
        multi-document YAML, Helm output, and List objects exactly as `kubectl get ... -o json|yaml` prints them. \
        Stored: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, ServiceAccounts and Namespaces; the \
        workloads that run pods (Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, \
        ReplicationControllers), as their pod spec's service account and host access; Secrets' name, type and \
        service-account annotation (never their data); the mapRoles and mapUsers entries of the EKS \
        kube-system/aws-auth ConfigMap; the group, names and scope of CustomResourceDefinitions. Other kinds \
        (other ConfigMaps too) are only counted. Aggregated ClusterRoles are resolved from their selectors, as the \
        controller would, and each identity's escalation distances are computed once and stored.

        One ingest is one snapshot written in one transaction: on any error nothing is written. A summary and \
        warnings (dangling bindings, subjects that match no one, ...) go to stderr; the warnings are stored with \
        the snapshot too (docs/schema.md lists them).

        Examples:
          kubectl get clusterroles,clusterrolebindings -o json > cluster.json
          kubectl get roles,rolebindings,serviceaccounts,namespaces -A -o json > namespaced.json
          rolecall ingest cluster.json namespaced.json
          helm template my-release ./chart | rolecall ingest - --snapshot pr-42
          rolecall ingest manifests/ --namespace prod
          rolecall ingest cluster.json --snapshot prod --label cluster=prod-eu --label git=$(git rev-parse HEAD)

        With --base, the new snapshot is a stored snapshot with the inputs laid over it: an input object replaces \
        the base object of the same kind, namespace and name, and the others are added. This previews what a pull \
        request's rendered manifests would do to a cluster; compare the two with `rolecall diff`.
          helm template my-release ./chart | rolecall ingest - --base prod --snapshot pr-42
          rolecall diff prod pr-42

        With --cluster, rolecall runs your kubectl (from PATH, with your kubeconfig and credentials) and lists \
        every kind it uses cluster-wide, in pages of --chunk-size objects; Secrets are read as metadata only \
        (docs/live-cluster.md says exactly what is fetched). A kind you may not list is skipped with a warning \
        that says which answers it affects. The snapshot is labelled with the context (also as its cluster, \
        which --clusters selects by), server, Kubernetes version and provider.
          rolecall ingest --cluster
          rolecall ingest --cluster --context prod-eu --kubeconfig ~/.kube/prod --snapshot prod-2026-11-23
          rolecall ingest --cluster --all-contexts     # one snapshot per context
        """)

    @Argument(help: "Files, directories, or - for stdin (not with --cluster).")
    var paths: [String] = []

    @Flag(help: "Read the cluster of the current kubeconfig context through kubectl instead of files.")
    var cluster = false

    @Option(help: "With --cluster: the kubeconfig context to read (default: the current context).")
    var context: String?

    @Flag(help: "With --cluster: read every context of the kubeconfig, one snapshot each.")
    var allContexts = false

    @Option(help: "With --cluster: the kubeconfig file, passed to kubectl (default: kubectl's own choice).")
    var kubeconfig: String?

    @Option(help: "With --cluster: objects per list request, passed to kubectl.")
    var chunkSize = 500

    @Option(help: "With --cluster: seconds kubectl waits for one server request, passed to kubectl.")
    var requestTimeout = 60

    @Option(help: "With --cluster: seconds one kubectl call may run in all before it is stopped.")
    var callTimeout = 600

    @Flag(
      help: "Print how long each phase took, on stderr: read, resolve, graph and write (with --cluster: fetch, decode, normalize, write).")
    var timings = false

    @Option(
      name: .long,
      help: "The snapshot's name (default: the current time, ISO 8601; with --all-contexts: CONTEXT-TIME, or NAME-CONTEXT).")
    var snapshot: String?

    @Option(help: "Build on this stored snapshot: the inputs replace its objects of the same kind, namespace and name.")
    var base: String?

    @Option(
      name: .customLong("label"),
      help: "Label the snapshot KEY=VALUE (repeatable): the cluster, the context, a git commit...")
    var labels: [String] = []

    @Option(name: .shortAndLong, help: "The namespace of namespaced objects that name none (as kubectl apply -n).")
    var namespace: String = "default"

    @OptionGroup var databaseFile: DatabaseFileOptions

    @Flag(
      name: .shortAndLong,
      help: "Print no summary, and no progress line (shown on a terminal once an ingest takes over a second, never under CI or NO_COLOR).")
    var quiet = false

    @Flag(help: "Store an empty snapshot when the inputs hold no object, instead of failing (exit 2).")
    var allowEmpty = false

    @Flag(help: "List every warning instead of the first few of each kind.")
    var verbose = false

    @Option(name: .shortAndLong, help: "json or yaml: print the summary on stdout in that format as well.")
    var output: OutputFormat?

    func validate() throws {
      for label in labels {
        guard let eq = label.firstIndex(of: "="), eq != label.startIndex else {
          throw ValidationError("--label takes KEY=VALUE, not \"\(label)\"")
        }
      }
      if cluster {
        guard base == nil else { throw ValidationError("--base lays files over a snapshot; it does not take --cluster") }
        guard paths.isEmpty else { throw ValidationError("--cluster reads a cluster, not files: drop the paths or --cluster") }
        guard !(allContexts && context != nil) else { throw ValidationError("--context and --all-contexts exclude each other") }
        guard chunkSize > 0, requestTimeout > 0, callTimeout > 0 else {
          throw ValidationError("--chunk-size, --request-timeout and --call-timeout must be positive")
        }
      } else {
        guard !paths.isEmpty else { throw ValidationError("give files, directories or -, or --cluster to read a cluster") }
        guard context == nil, kubeconfig == nil, !allContexts else {
          throw ValidationError("--context, --kubeconfig and --all-contexts need --cluster")
        }
      }
    }

    private var databasePath: String { databaseFile.path }

    /// `--label` values, which win over the labels a base snapshot or a cluster gives.
    private var labelValues: [String: String] {
      Dictionary(
        labels.map { label in
          let eq = label.firstIndex(of: "=")!
          return (String(label[..<eq]), String(label[label.index(after: eq)...]))
        }, uniquingKeysWith: { _, later in later })
    }

    func run() async throws {
      if cluster { return try await runCluster() }
      let clock = ContinuousClock()
      let start = clock.now
      let progress = IngestProgress(quiet: quiet)
      defer { progress.finish() }
      let (info, content) = try Ingestion.files(
        paths, options: RBACIngest.Ingest.Options(defaultNamespace: namespace, allowEmpty: allowEmpty), base: base,
        labels: labelValues, into: databasePath, name: snapshot, phase: progress.enter)
      progress.finish()
      if timings {
        let end = clock.now
        printError("timings: ingest \(format(end - start)): \(progress.phaseTimes(until: end, format: format))\n")
      }
      try summarize(info, content)
    }

    private func summarize(_ info: SnapshotInfo, _ content: SnapshotContent) throws {
      let report = IngestReport(snapshot: info, diagnostics: content.diagnostics, overlay: content.overlay)
      if !quiet { printError(try Renderer.render(report, as: verbose ? .wide : .table)) }
      if let output, output == .json || output == .yaml {
        FileHandle.standardOutput.write(Data(try Renderer.render(report, as: output).utf8))
      }
    }

    // MARK: - A live cluster

    private func runCluster() async throws {
      let kubectl = Kubectl(kubeconfig: kubeconfig, requestTimeout: requestTimeout, callTimeout: callTimeout)
      guard allContexts else { return try await ingestContext(context, snapshot: snapshot, kubectl) }
      let contexts = try await ClusterSource.contexts(kubectl)
      let stamp = ISO8601DateFormatter().string(from: Date())
      var failed: [String] = []
      for name in contexts {
        do {
          try await ingestContext(name, snapshot: snapshot.map { "\($0)-\(name)" } ?? "\(name)-\(stamp)", kubectl)
        } catch let error as ClusterError {
          // One unreachable cluster should not cost the snapshots of the others.
          printError("rolecall: error: \(error)\n")
          failed.append(name)
        }
      }
      if !failed.isEmpty { throw ClusterError.contextsFailed(failed: failed, total: contexts.count) }
    }

    /// Fetches everything of one context, then normalizes it and writes it as one snapshot in one transaction.
    private func ingestContext(_ context: String?, snapshot: String?, _ kubectl: Kubectl) async throws {
      let progress = ClusterProgress(context: context ?? "current context", quiet: quiet)
      let chunkSize = chunkSize
      let fetched: ClusterSource.Fetched
      do {
        fetched = try await ClusterSource.fetch(
          context: context, kubectl: kubectl, chunkSize: chunkSize, onEvent: progress.handle)
        progress.clear()
      } catch {
        progress.clear()
        throw error
      }
      // Warnings about skipped kinds print even with --quiet: they say the answers will be incomplete.
      for warning in fetched.warnings { printError("warning: \(warning)\n") }
      let clock = ContinuousClock()
      let start = clock.now
      let content = try fetched.content()
      let normalized = clock.now
      let writing = IngestProgress(quiet: quiet)
      defer { writing.finish() }
      // Opened only now, so that a cluster that cannot be read leaves no database file behind.
      let info = try Ingestion.write(
        content, labels: labelValues, into: RolecallDatabase(path: databasePath), name: snapshot,
        sources: ["kubectl:\(fetched.context)"], phase: writing.enter)
      writing.finish()
      if timings {
        printError(
          "timings: context \"\(fetched.context)\": \(fetched.objects) objects; fetch \(format(fetched.fetchSeconds)) "
            + "(\(fetched.calls) kubectl calls), decode \(format(fetched.decodeSeconds)), normalize "
            + "\(format(normalized - start)), write \(format(clock.now - normalized))\n")
      }
      try summarize(info, content)
    }

    private func format(_ duration: Duration) -> String {
      format(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    private func format(_ seconds: Double) -> String { String(format: "%.2f s", seconds) }
  }
}
